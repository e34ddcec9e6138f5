"""Big pieces of a page put in after its template rendered, as bytes.

Django's template engine joins the output of each level of nesting (a loop, an ``if``, a
block, the base template) into a new string: a list of a thousand event cards (800 KB) was
copied about sixteen times on its way out of the schedule's all-days page and then encoded,
5 ms of each render (issue 21). A tag that makes such a piece (``{% event_cards %}``) hands
it over as UTF-8 bytes instead and prints a short marker; the page cache
(``core.public_cache.public_cached``) collects the pieces while the view renders and puts
each in place of its marker in the rendered bytes: one join.

Outside a collecting scope (a template rendered by itself, a view without the page cache)
the tag prints the piece as text, so the page is the same either way.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils.safestring import SafeString, mark_safe

# Unguessable, so no text on a page (an event's description, a search word) can pass for a
# marker and be replaced.
_TOKEN = secrets.token_hex(8)
_MARKER_START = f"<!--splice:{_TOKEN}:"
_MARKER = re.compile(re.escape(_MARKER_START).encode() + rb"(\d+)-->")

_collecting: ContextVar[Splices | None] = ContextVar("page_splices", default=None)


class Splices:
    """The pieces of one response, in the order their markers were printed."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def marker(self, piece: bytes) -> str:
        self.pieces.append(piece)
        return f"{_MARKER_START}{len(self.pieces) - 1}-->"

    def apply(self, content: bytes) -> bytes:
        """``content`` with each marker replaced by its piece."""
        if not self.pieces:
            return content
        parts = _MARKER.split(content)
        used = parts[1::2]
        if sorted(int(index) for index in used) != list(range(len(self.pieces))):
            # A piece printed into something other than the page (a variable never shown,
            # an escaped string) would be lost: a template's mistake, said loudly.
            raise RuntimeError(f"{len(self.pieces)} spliced pieces, {len(used)} markers on the page")
        joined = [parts[0]]
        for index, text in zip(used, parts[2::2], strict=True):
            joined += (self.pieces[int(index)], text)
        return b"".join(joined)


@contextlib.contextmanager
def collecting() -> Iterator[Splices]:
    """Collect the pieces printed while the block runs (a view and its template)."""
    splices = Splices()
    token = _collecting.set(splices)
    try:
        yield splices
    finally:
        _collecting.reset(token)


def spliced(piece: bytes) -> SafeString:
    """What a tag prints for ``piece`` (HTML, safe, UTF-8): a marker while a response collects
    pieces, else the piece itself."""
    splices = _collecting.get()
    if splices is None:
        return mark_safe(piece.decode())  # noqa: S308 (the caller's piece is safe HTML)
    return mark_safe(splices.marker(piece))  # noqa: S308 (a marker of our own)
