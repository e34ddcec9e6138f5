"""What a file is, from its first bytes, before any decoder sees it.

This runs in the caller's process, so it only compares bytes. It decides the content kind
(never the file name), names the format for people, and picks the one FFmpeg demuxer a
video may be opened with: FFmpeg then never probes, so a playlist or a concat script
renamed ``.mp4`` cannot make it follow references to other files or the network.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

HEAD_BYTES = 4096

PHOTO = "photo"
VIDEO = "video"
PLAYLIST = "playlist"
UNKNOWN = "unknown"

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


@dataclass(frozen=True)
class Sniffed:
    kind: str  # PHOTO, VIDEO, PLAYLIST or UNKNOWN
    label: str = ""  # for people: "JPEG", "PNG", "HEIF", "MP4", "MKV", "M3U8" ...
    demuxer: str | None = None  # the FFmpeg input format a video is opened with

    @property
    def is_jpeg(self) -> bool:
        return self.label == "JPEG"


def sniff_file(path: str | os.PathLike) -> Sniffed:
    with open(path, "rb") as stream:
        return sniff_bytes(stream.read(HEAD_BYTES))


def sniff_bytes(head: bytes) -> Sniffed:
    return _photo(head) or _iso_media(head) or _video(head) or _playlist(head) or Sniffed(UNKNOWN)


def _photo(head: bytes) -> Sniffed | None:
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(PHOTO, "JPEG")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(PHOTO, "PNG")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed(PHOTO, "GIF")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(PHOTO, "WebP")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Sniffed(PHOTO, "TIFF")
    if head[:2] == b"BM" and len(head) >= 26 and head[6:10] == b"\x00\x00\x00\x00":
        return Sniffed(PHOTO, "BMP")
    return None


def _iso_media(head: bytes) -> Sniffed | None:
    """ISO base media files (MP4, MOV, 3GP) and their still-image cousins (HEIF, AVIF)."""
    box_type = head[4:8]
    if box_type != b"ftyp":
        if box_type in _QUICKTIME_ATOMS:  # old QuickTime files start without ftyp
            return Sniffed(VIDEO, "MOV", "mov")
        return None
    box_size = int.from_bytes(head[0:4], "big")
    major = head[8:12]
    compatible = {head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
    brands = {major} | compatible
    if brands & _AVIF_BRANDS and major not in {b"isom", b"mp41", b"mp42"}:
        return Sniffed(PHOTO, "AVIF")
    if major in _HEIF_BRANDS or (major not in {b"isom", b"mp41", b"mp42", b"qt  "} and brands & _HEIF_BRANDS):
        return Sniffed(PHOTO, "HEIF")
    if major == b"crx ":
        return Sniffed(PHOTO, "CR3")
    if major == b"qt  ":
        return Sniffed(VIDEO, "MOV", "mov")
    if major.startswith((b"3gp", b"3g2")):
        return Sniffed(VIDEO, "3GP", "mov")
    return Sniffed(VIDEO, "MP4", "mov")


def _video(head: bytes) -> Sniffed | None:
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed(VIDEO, "WebM" if b"webm" in head[:64] else "MKV", "matroska")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Sniffed(VIDEO, "AVI", "avi")
    if _is_transport_stream(head):
        return Sniffed(VIDEO, "MPEG-TS", "mpegts")
    if head.startswith(b"\x00\x00\x01\xba"):
        return Sniffed(VIDEO, "MPEG-PS", "mpeg")
    if head.startswith(b"FLV\x01"):
        return Sniffed(VIDEO, "FLV", "flv")
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return Sniffed(VIDEO, "WMV/ASF", "asf")
    if head.startswith(b"OggS"):
        return Sniffed(VIDEO, "Ogg", "ogg")
    if head.startswith(b".RMF"):
        return Sniffed(VIDEO, "RealMedia", "rm")
    return None


def _is_transport_stream(head: bytes) -> bool:
    # Sync byte every 188 bytes (TS) or every 192 with a 4-byte timestamp first (M2TS).
    for packet, offset in ((188, 0), (192, 4)):
        positions = [offset + packet * i for i in range(3)]
        if positions[-1] < len(head) and all(head[p] == 0x47 for p in positions):
            return True
    return False


def _playlist(head: bytes) -> Sniffed | None:
    """Text formats FFmpeg would happily follow to other files or hosts."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"#EXTM3U") or text.startswith(b"#EXT-X-"):
        return Sniffed(PLAYLIST, "M3U8")
    if text.startswith(b"ffconcat"):
        return Sniffed(PLAYLIST, "ffconcat")
    if text.startswith(b"<?xml") and b"<MPD" in text:
        return Sniffed(PLAYLIST, "DASH MPD")
    if text.startswith(b"[playlist]"):
        return Sniffed(PLAYLIST, "PLS")
    return None
