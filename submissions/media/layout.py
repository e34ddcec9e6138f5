"""Where a video file's bytes go, from the container's own structure, without a decoder.

Runs in the sandboxed child: it reads untrusted bytes, though only lengths and names. MP4,
MOV and 3GP are walked box by box (ISO base media), Matroska and WebM element by element
(EBML). Every byte lands in one ``Region``:

- ``data``: where the samples live (``mdat``; a Matroska ``Cluster``);
- ``index``: headers and indexes a player needs (``ftyp``, ``moov``, ``moof``; ``Info``,
  ``Tracks``, ``Cues``, ``Tags`` ...), wherever they sit, so an MP4 whose moov follows its
  mdat (as phones write it) is as whole as a "faststart" one;
- ``padding``: what no player reads (``free``, ``skip``, unknown boxes; ``Void``,
  ``Attachments``, unknown elements);
- ``garbage``: from the first place the structure cannot be read on, to its end.

``account`` then sets the packets the demuxer returned against these regions: what lies
after the last packet and is no index is trailing data; padding, garbage and data regions
fuller than their packets before it is hidden data. The caller judges the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

DATA = "data"
INDEX = "index"
PADDING = "padding"
GARBAGE = "garbage"

# A file made of millions of tiny boxes or elements is not walked to its end: the rest is garbage.
MAX_ELEMENTS = 1_000_000

_ISO_DATA = {b"mdat"}
_ISO_INDEX = {
    b"ftyp",
    b"moov",
    b"moof",
    b"mfra",
    b"sidx",
    b"ssix",
    b"styp",
    b"prft",
    b"emsg",
    b"pdin",
    b"meta",
    b"udta",
}
# Known boxes that may legitimately be cut off by a truncated upload (anything else is garbage).
_ISO_KNOWN = _ISO_DATA | _ISO_INDEX | {b"free", b"skip", b"wide", b"uuid"}

_EBML_HEADER = 0x1A45DFA3
_SEGMENT = 0x18538067
_CLUSTER = 0x1F43B675
_EBML_INDEX = {
    0x114D9B74,  # SeekHead
    0x1549A966,  # Info
    0x1654AE6B,  # Tracks
    0x1C53BB6B,  # Cues
    0x1254C367,  # Tags
    0x1043A770,  # Chapters
    0xBF,  # CRC-32
}
_EBML_PADDING = {0xEC, 0x1941A469}  # Void, Attachments
_CLUSTER_CHILDREN = {0xE7, 0x5854, 0xA7, 0xAB, 0xA3, 0xA0, 0xAF}  # Timestamp ... SimpleBlock, BlockGroup
_UNKNOWN_SIZE = -1


@dataclass(frozen=True)
class Region:
    kind: str
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Layout:
    regions: list[Region]
    truncated: bool = False  # a known box or element runs past the end of the file


def read_layout(path, *, demuxer: str, size: int) -> Layout | None:
    """The file's regions, or None for containers not walked here (AVI, MPEG-TS, FLV ...)."""
    walk = {"mov": _iso, "matroska": _ebml}.get(demuxer)
    if walk is None:
        return None
    with open(path, "rb") as handle:
        return walk(handle, size)


@dataclass(frozen=True)
class Accounting:
    trailing_bytes: int  # after the last packet, and no index
    hidden_bytes: int  # before it: padding, garbage, data no packet covers, an oversized index


def account(
    layout: Layout | None,
    *,
    size: int,
    data_end: int,
    media_bytes: int,
    packets: int,
    index_allowance: int,
    packet_overhead: int,
) -> Accounting:
    """Set the packets against the regions.

    ``data_end`` is where the last packet ends (the largest position + size), ``media_bytes``
    the bytes of the audio and video packets, ``packets`` how many packets there were of any
    stream. ``packet_overhead`` bytes per packet (block headers) and ``index_allowance`` bytes
    of index are expected; without a layout everything after ``data_end`` beyond the
    allowance is trailing.
    """
    if layout is None:
        return Accounting(trailing_bytes=max(0, size - data_end - index_allowance), hidden_bytes=0)
    trailing = hidden = data_before = index = 0
    for region in layout.regions:
        before = max(0, min(region.end, data_end) - region.start)
        after = region.length - before
        if region.kind == INDEX:
            index += region.length
        else:
            trailing += after
        if region.kind == DATA:
            data_before += before
        elif region.kind in (PADDING, GARBAGE):
            hidden += before
    hidden += max(0, data_before - media_bytes - packet_overhead * packets)
    hidden += max(0, index - index_allowance)
    return Accounting(trailing_bytes=trailing, hidden_bytes=hidden)


# --- ISO base media (MP4, MOV, 3GP) ---------------------------------------------------------


def _iso(handle: BinaryIO, size: int) -> Layout:
    regions: list[Region] = []
    at, truncated = 0, False
    while at < size and len(regions) < MAX_ELEMENTS:
        handle.seek(at)
        header = handle.read(16)
        if len(header) < 8:
            break
        length, kind, header_length = int.from_bytes(header[:4], "big"), header[4:8], 8
        if length == 1:  # 64-bit size follows the type
            if len(header) < 16:
                break
            length, header_length = int.from_bytes(header[8:16], "big"), 16
        elif length == 0:  # the box runs to the end of the file
            length = size - at
        if length < header_length or not _printable(kind):
            break
        if at + length > size:
            if kind not in _ISO_KNOWN:
                break
            truncated, length = True, size - at
        regions.append(Region(_iso_kind(kind), at, at + length))
        at += length
    if at < size:
        regions.append(Region(GARBAGE, at, size))
    return Layout(regions=regions, truncated=truncated)


def _iso_kind(kind: bytes) -> str:
    if kind in _ISO_DATA:
        return DATA
    if kind in _ISO_INDEX:
        return INDEX
    return PADDING


def _printable(kind: bytes) -> bool:
    return all(0x20 <= byte <= 0x7E for byte in kind)


# --- EBML (Matroska, WebM) ------------------------------------------------------------------


class _Reader:
    """Element headers read through a small window, so walking a cluster costs few reads."""

    WINDOW = 64 * 1024

    def __init__(self, handle: BinaryIO, size: int):
        self.handle, self.size = handle, size
        self.window_start, self.window = 0, b""

    def header(self, at: int) -> tuple[int, int, int] | None:
        """(element id, payload size or _UNKNOWN_SIZE, header length) at ``at``, or None."""
        if not self.window_start <= at <= self.window_start + len(self.window) - 12:
            self.handle.seek(at)
            self.window_start, self.window = at, self.handle.read(self.WINDOW)
        data = self.window[at - self.window_start : at - self.window_start + 12]
        element = _vint(data, 0, keep_marker=True, longest=4)
        if element is None:
            return None
        element_id, id_length = element
        value = _vint(data, id_length, keep_marker=False, longest=8)
        if value is None:
            return None
        payload, size_length = value
        if payload == (1 << (7 * size_length)) - 1:
            payload = _UNKNOWN_SIZE
        return element_id, payload, id_length + size_length


def _vint(data: bytes, at: int, *, keep_marker: bool, longest: int) -> tuple[int, int] | None:
    if at >= len(data) or data[at] == 0:
        return None
    length = 8 - data[at].bit_length() + 1
    if length > longest or at + length > len(data):
        return None
    value = int.from_bytes(data[at : at + length], "big")
    if not keep_marker:
        value &= (1 << (7 * length)) - 1
    return value, length


def _ebml(handle: BinaryIO, size: int) -> Layout:
    reader = _Reader(handle, size)
    regions: list[Region] = []
    at, truncated = 0, False
    while at < size and len(regions) < MAX_ELEMENTS:
        header = reader.header(at)
        if header is None:
            break
        element_id, payload, header_length = header
        end = size if payload == _UNKNOWN_SIZE else at + header_length + payload
        if end > size:
            if element_id not in (_EBML_HEADER, _SEGMENT):
                break
            truncated, end = True, size
        if element_id == _SEGMENT:
            regions.append(Region(INDEX, at, at + header_length))
            inner_end, inner_truncated = _segment(reader, at + header_length, end, regions)
            truncated = truncated or inner_truncated
            if inner_end < end:
                regions.append(Region(GARBAGE, inner_end, end))
        else:
            regions.append(Region(INDEX if element_id == _EBML_HEADER else PADDING, at, end))
        at = end
    if at < size:
        regions.append(Region(GARBAGE, at, size))
    return Layout(regions=regions, truncated=truncated)


def _segment(reader: _Reader, at: int, end: int, regions: list[Region]) -> tuple[int, bool]:
    """Classifies the segment's children into ``regions``; (where reading stopped, truncated)."""
    while at < end and len(regions) < MAX_ELEMENTS:
        header = reader.header(at)
        if header is None:
            return at, False
        element_id, payload, header_length = header
        if payload == _UNKNOWN_SIZE:
            if element_id != _CLUSTER:
                return at, False
            child_end = _cluster_end(reader, at + header_length, end)
        else:
            child_end = at + header_length + payload
        if child_end > end:
            if element_id != _CLUSTER and element_id not in _EBML_INDEX:
                return at, False
            regions.append(Region(DATA if element_id == _CLUSTER else INDEX, at, end))
            return end, True
        if element_id == _CLUSTER:
            kind = DATA
        elif element_id in _EBML_INDEX:
            kind = INDEX
        else:
            kind = PADDING
        regions.append(Region(kind, at, child_end))
        at = child_end
    return at, False


def _cluster_end(reader: _Reader, at: int, end: int) -> int:
    """A cluster of unknown size (live recorders write them) ends at its first non-child."""
    steps = 0
    while at < end and steps < MAX_ELEMENTS:
        header = reader.header(at)
        if header is None:
            return at
        element_id, payload, header_length = header
        if element_id not in _CLUSTER_CHILDREN or payload == _UNKNOWN_SIZE:
            return at
        at += header_length + payload
        steps += 1
    return min(at, end)
