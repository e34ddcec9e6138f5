"""A test client's side of the tus protocol: the headers, a PATCH, the offset a HEAD gives,
and a request body whose connection drops part-way."""

from __future__ import annotations

from django.http import UnreadablePostError

TUS = {"Tus-Resumable": "1.0.0"}


def patch(client, location, data, offset, **environ):
    return client.patch(
        location,
        data=data,
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Offset": str(offset)},
        **environ,
    )


def offset_of(client, location) -> int:
    return int(client.head(location, headers=TUS)["Upload-Offset"])


class DroppingBody:
    """A request body whose connection drops after ``arrive`` bytes (what the WSGI server
    raises when the client goes away mid-body); pass it as ``wsgi.input``."""

    def __init__(self, data: bytes, arrive: int):
        self.data, self.position, self.arrive = data, 0, arrive

    def read(self, size=-1):
        if self.position >= self.arrive:
            raise UnreadablePostError("connection reset by peer")
        end = min(self.position + size, self.arrive)
        piece, self.position = self.data[self.position : end], end
        return piece

    readline = read
