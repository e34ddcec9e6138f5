"""Request ids: every request gets one, every log line carries it, the response echoes it."""

from __future__ import annotations

import re
import uuid

from .logging import request_id

HEADER = "X-Request-ID"
# Taken from the proxy (nginx: `proxy_set_header X-Request-ID $request_id;`) only when it looks
# like an id, so a client cannot write arbitrary text into our logs.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        rid = incoming if _ACCEPTED.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = rid
        return response
