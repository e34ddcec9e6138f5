"""Real sample media for tests and benchmarks, made on the spot with Pillow and PyAV.

Every function writes one file at ``path`` (any name: the name is never what counts) and
returns it as a ``Path``. Nothing here is a binary fixture; the files are built at test time.

Exact JPEG sizes: the picture is random noise (which JPEG cannot shrink much) sized to
land just under the target, then the few remaining bytes are filled with COM (comment)
segments, which every JPEG reader skips. The result is a genuine JPEG that Pillow and
libjpeg read to the end, with image data making up nearly all of it.
"""

from __future__ import annotations

import array
import io
import math
import os
import struct
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

MIB = 1024 * 1024
_COM_MAX_PAYLOAD = 65533  # a segment's length field counts itself and is 16 bits wide
_PADDING = b"shuangchuang media sample padding. "
_ENCODERS = {"h264": "libx264", "hevc": "libx265", "mpeg4": "mpeg4", "vp9": "libvpx-vp9"}
_MUXERS = {"mp4": "mp4", "mov": "mov", "mkv": "matroska", "matroska": "matroska", "webm": "webm"}


# --- photos ---------------------------------------------------------------------------


def make_jpeg(
    path: str | os.PathLike,
    *,
    size_bytes: int | None = None,
    width: int | None = None,
    height: int | None = None,
    progressive: bool = False,
    cmyk: bool = False,
    exif_orientation: int | None = None,
    quality: int = 90,
) -> Path:
    """A JPEG; with ``size_bytes`` exactly that long (noise picture, dimensions chosen to fit
    unless given). Without it, a smooth 640x480 picture (or ``width`` x ``height``)."""
    mode = "CMYK" if cmyk else "RGB"
    options = _jpeg_options(progressive=progressive, exif_orientation=exif_orientation, quality=quality)
    if size_bytes is None:
        data = _encode(_pattern(mode, width or 640, height or 480), options)
    else:
        data = _jpeg_near(size_bytes, mode=mode, width=width, height=height, options=options)
        data = pad_jpeg(data, size_bytes=size_bytes)
    return _write(path, data)


def pad_jpeg(data: bytes, *, size_bytes: int) -> bytes:
    """``data`` grown to exactly ``size_bytes`` with COM segments after the APPn headers."""
    missing = size_bytes - len(data)
    if missing == 0:
        return data
    if missing < 4:
        raise ValueError(f"cannot pad a JPEG by {missing} bytes; a COM segment takes at least 4")
    segments = []
    while missing:
        payload = min(_COM_MAX_PAYLOAD, missing - 4)
        if 0 < missing - 4 - payload < 4:  # leave room for a whole last segment
            payload -= 4
        segments.append(b"\xff\xfe" + (payload + 2).to_bytes(2, "big") + _filler(payload))
        missing -= payload + 4
    at = _after_app_segments(data)
    return data[:at] + b"".join(segments) + data[at:]


def make_png_named_jpg(path: str | os.PathLike, *, width: int = 1600, height: int = 1200) -> Path:
    """A real PNG (noise, so it is a few megabytes like a photo) under whatever name given."""
    out = io.BytesIO()
    _noise("RGB", width, height).save(out, format="PNG", compress_level=1)
    return _write(path, out.getvalue())


def make_heic_named_jpg(path: str | os.PathLike, *, size_bytes: int = 3 * MIB) -> Path:
    """The opening boxes of an HEIC file (ftyp heic/mif1, an empty meta box) then filler.

    Pillow cannot write HEIC, so this is not a decodable picture: it is what content
    sniffing sees first in an iPhone photo, which is all the type check needs.
    """
    ftyp = _box(b"ftyp", b"heic" + (0).to_bytes(4, "big") + b"mif1heicmiaf")
    meta = _box(b"meta", b"\x00\x00\x00\x00" + _box(b"hdlr", b"\x00" * 8 + b"pict" + b"\x00" * 13))
    head = ftyp + meta
    mdat = _box(b"mdat", os.urandom(max(0, size_bytes - len(head) - 8)))
    return _write(path, head + mdat)


def make_truncated_jpeg(path: str | os.PathLike, *, size_bytes: int = 3 * MIB, keep: float = 0.8) -> Path:
    """A JPEG of ``size_bytes`` cut to its first ``keep`` share, as an aborted upload is."""
    full = pad_jpeg(
        _jpeg_near(size_bytes, mode="RGB", width=None, height=None, options={}), size_bytes=size_bytes
    )
    return _write(path, full[: int(len(full) * keep)])


def make_decompression_bomb(
    path: str | os.PathLike, *, width: int = 30000, height: int = 30000, size_bytes: int | None = None
) -> Path:
    """A small JPEG whose frame header claims ``width`` x ``height`` pixels (the classic
    bomb: decoding would allocate gigabytes). Optionally padded to ``size_bytes``."""
    data = bytearray(_encode(_pattern("RGB", 64, 64), {"quality": 80}))
    sof = _find_frame_header(bytes(data))
    data[sof + 5 : sof + 7] = height.to_bytes(2, "big")
    data[sof + 7 : sof + 9] = width.to_bytes(2, "big")
    data = bytes(data)
    return _write(path, pad_jpeg(data, size_bytes=size_bytes) if size_bytes else data)


def make_random_bytes(path: str | os.PathLike, *, size_bytes: int = 256 * 1024) -> Path:
    return _write(path, os.urandom(size_bytes))


def make_m3u8(path: str | os.PathLike) -> Path:
    """An HLS playlist pointing at a local file and a network address (renamed .mp4 in tests)."""
    text = (
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXTINF:10.0,\nfile:///etc/passwd\n#EXTINF:10.0,\nhttp://127.0.0.1:9/segment.ts\n#EXT-X-ENDLIST\n"
    )
    return _write(path, text.encode())


# --- videos ---------------------------------------------------------------------------


def make_video(
    path: str | os.PathLike,
    *,
    width: int = 1280,
    height: int = 720,
    seconds: float = 1,
    fps: int = 5,
    codec: str = "h264",
    container: str = "mp4",
    audio_only: bool = False,
    with_audio: bool = False,
    rotation: int | None = None,
    faststart: bool = False,
    muxer_options: dict | None = None,
) -> Path:
    """A short clip of a moving test pattern. ``rotation`` (counter-clockwise degrees) is
    stored as a display matrix, as phones do for portrait video shot in landscape frames.
    An MP4 has its index (moov) at the end, as phones write it, unless ``faststart``;
    ``muxer_options`` go to FFmpeg's muxer (``{"live": "1"}``: a WebM of unknown sizes, as
    a browser's recorder writes it)."""
    path = Path(path)
    options = dict(muxer_options or {})
    if faststart:
        options["movflags"] = "+faststart"
    with av.open(str(path), "w", format=_MUXERS[container], options=options) as out:
        audio = _add_audio(out, opus=container == "webm") if audio_only or with_audio else None
        video = None if audio_only else _add_video(out, codec=codec, width=width, height=height, fps=fps)
        if video is not None and rotation:
            video.set_display_rotation(rotation)
        if video is not None:
            for index in range(max(1, round(seconds * fps))):
                frame = av.VideoFrame.from_image(_moving_pattern(width, height, index))
                frame.pts = index
                out.mux(video.encode(frame))
            out.mux(video.encode(None))
        if audio is not None:
            _write_tone(out, audio, seconds=seconds)
    return path


def make_large_video(
    path: str | os.PathLike,
    *,
    size_bytes: int,
    width: int = 1920,
    height: int = 1080,
    fps: int = 30,
    bit_rate: int = 14_000_000,
) -> Path:
    """An H.264 MP4 of about ``size_bytes``, made cheaply: a 2-second clip is encoded once
    at a phone-like bit rate and its packets are muxed again and again with later
    timestamps, so the file has the sample count and index of a long recording."""
    clip = io.BytesIO()
    with av.open(clip, "w", format="mp4") as out:
        stream = _add_video(out, codec="h264", width=width, height=height, fps=fps, bit_rate=bit_rate)
        for index in range(2 * fps):
            frame = av.VideoFrame.from_image(_noisy_pattern(width, height, index))
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    clip.seek(0)
    with av.open(clip) as source, av.open(str(path), "w", format="mp4") as out:
        template = source.streams.video[0]
        packets = [(bytes(p), p.pts, p.dts, p.is_keyframe) for p in source.demux(template) if p.size]
        time_base, clip_ticks = template.time_base, round(2 / template.time_base)
        stream = out.add_stream_from_template(template)
        for repeat in range(math.ceil(size_bytes / sum(len(p[0]) for p in packets))):
            for data, pts, dts, keyframe in packets:
                packet = av.Packet(data)
                packet.pts, packet.dts = pts + repeat * clip_ticks, dts + repeat * clip_ticks
                packet.time_base, packet.is_keyframe, packet.stream = time_base, keyframe, stream
                out.mux(packet)
    return Path(path)


# --- damaged and doctored videos --------------------------------------------------------


def append_random_bytes(path: str | os.PathLike, *, size_bytes: int, chunk: int = 8 * MIB) -> Path:
    """``size_bytes`` of random data glued to the end of the file (written in chunks)."""
    with open(path, "ab") as out:
        for start in range(0, size_bytes, chunk):
            out.write(os.urandom(min(chunk, size_bytes - start)))
    return Path(path)


def truncate(path: str | os.PathLike, *, keep: float) -> Path:
    """The file cut to its first ``keep`` share, as an upload that broke off."""
    path = Path(path)
    with open(path, "r+b") as handle:
        handle.truncate(int(path.stat().st_size * keep))
    return path


def iso_boxes(path: str | os.PathLike) -> list[tuple[str, int, int]]:
    """The top-level boxes of an MP4 or MOV file: (type, offset, size)."""
    boxes, size = [], os.path.getsize(path)
    with open(path, "rb") as handle:
        at = 0
        while at + 8 <= size:
            handle.seek(at)
            header = handle.read(16)
            length, kind = int.from_bytes(header[:4], "big"), header[4:8].decode("latin-1")
            if length == 1:
                length = int.from_bytes(header[8:16], "big")
            elif length == 0:
                length = size - at
            if length < 8:
                break
            boxes.append((kind, at, length))
            at += length
    return boxes


def insert_free_box(path: str | os.PathLike, *, size_bytes: int) -> Path:
    """An MP4 (index at the end) with a ``free`` box of random bytes between ftyp and mdat;
    the chunk offsets in the index are moved along, so every sample is still where the
    index says. A player reads it as before; the bytes are hidden in plain sight."""
    path = Path(path)
    data = bytearray(path.read_bytes())
    ftyp_end = int.from_bytes(data[:4], "big")
    free = (size_bytes).to_bytes(4, "big") + b"free" + os.urandom(size_bytes - 8)
    _shift_chunk_offsets(data, 0, len(data), by=size_bytes)
    path.write_bytes(bytes(data[:ftyp_end]) + free + bytes(data[ftyp_end:]))
    return path


def set_matroska_duration(path: str | os.PathLike, *, seconds: float) -> Path:
    """The segment's Info made to declare ``seconds`` (the Duration element, in the default
    millisecond timestamp scale); the clusters stay as they are."""
    path = Path(path)
    data = bytearray(path.read_bytes())
    at = data.find(b"\x44\x89")  # Duration: a float of 4 or 8 bytes
    width = {0x84: 4, 0x88: 8}[data[at + 2]]
    data[at + 3 : at + 3 + width] = struct.pack(">f" if width == 4 else ">d", seconds * 1000)
    path.write_bytes(bytes(data))
    return path


_CONTAINER_BOXES = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}


def _shift_chunk_offsets(data: bytearray, start: int, end: int, *, by: int) -> None:
    at = start
    while at + 8 <= end:
        length, kind = int.from_bytes(data[at : at + 4], "big"), bytes(data[at + 4 : at + 8])
        if length < 8:
            return
        if kind in _CONTAINER_BOXES:
            _shift_chunk_offsets(data, at + 8, at + length, by=by)
        elif kind in (b"stco", b"co64"):
            width = 4 if kind == b"stco" else 8
            count = int.from_bytes(data[at + 12 : at + 16], "big")
            for index in range(count):
                entry = at + 16 + index * width
                value = int.from_bytes(data[entry : entry + width], "big") + by
                data[entry : entry + width] = value.to_bytes(width, "big")
        at += length


# --- helpers --------------------------------------------------------------------------


def _jpeg_options(*, progressive: bool, exif_orientation: int | None, quality: int) -> dict:
    options: dict = {"quality": quality}
    if progressive:
        options["progressive"] = True
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        options["exif"] = exif.tobytes()
    return options


def _jpeg_near(size_bytes: int, *, mode: str, width: int | None, height: int | None, options: dict) -> bytes:
    """Noise JPEG of at most ``size_bytes - 8`` (room for one padding segment)."""
    ceiling = size_bytes - 8
    if width and height:
        data = _encode(_noise(mode, width, height), options)
        if len(data) > ceiling:
            raise ValueError(f"a {width}x{height} noise JPEG takes {len(data)} bytes, more than {size_bytes}")
        return data
    per_pixel = len(_encode(_noise(mode, 256, 256), options)) / 65536
    pixels = 0.97 * ceiling / per_pixel
    for _ in range(8):
        w = max(16, int(math.sqrt(pixels * 4 / 3)))
        data = _encode(_noise(mode, w, max(16, w * 3 // 4)), options)
        if len(data) <= ceiling:
            return data
        pixels *= 0.95 * ceiling / len(data)
    raise ValueError(f"could not fit a noise JPEG under {size_bytes} bytes")


def _encode(image: Image.Image, options: dict) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", **options)
    return out.getvalue()


def _noise(mode: str, width: int, height: int) -> Image.Image:
    return Image.frombytes(mode, (width, height), os.urandom(width * height * len(mode)))


def _pattern(mode: str, width: int, height: int) -> Image.Image:
    gradient = Image.linear_gradient("L").resize((width, height))
    rgb = Image.merge(
        "RGB", (gradient, gradient.transpose(Image.Transpose.ROTATE_90).resize((width, height)), gradient)
    )
    return rgb.convert(mode) if mode != "RGB" else rgb


def _moving_pattern(width: int, height: int, index: int) -> Image.Image:
    image = _pattern("RGB", width, height)
    side = max(8, min(width, height) // 4)
    x = (index * side // 2) % max(1, width - side)
    image.paste((255, 40, 40), (x, height // 3, x + side, height // 3 + side))
    return image


def _noisy_pattern(width: int, height: int, index: int) -> Image.Image:
    """Busy enough that the encoder spends its bit rate, as on camera footage."""
    base = _moving_pattern(width, height, index)
    grain = _noise("RGB", width // 4, height // 4).resize((width, height))
    return Image.blend(base, grain, 0.35)


def _add_video(out, *, codec: str, width: int, height: int, fps: int, bit_rate: int | None = None):
    stream = out.add_stream(_ENCODERS[codec], rate=fps)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    stream.time_base = Fraction(1, fps)
    if bit_rate:
        stream.bit_rate = bit_rate
    if codec == "h264":
        stream.options = {"preset": "ultrafast"}
    elif codec == "hevc":
        stream.options = {"preset": "ultrafast", "x265-params": "log-level=error"}
    return stream


def _add_audio(out, *, opus: bool):
    stream = out.add_stream("libopus", rate=48000) if opus else out.add_stream("aac", rate=48000)
    stream.layout = "mono"
    return stream


def _write_tone(out, stream, *, seconds: float) -> None:
    rate, samples_per_frame = 48000, stream.codec_context.frame_size or 960
    for start in range(0, int(seconds * rate), samples_per_frame):
        frame = av.AudioFrame(format="fltp", layout="mono", samples=samples_per_frame)
        tone = array.array(
            "f", (0.2 * math.sin(2 * math.pi * 440 * (start + i) / rate) for i in range(samples_per_frame))
        )
        frame.planes[0].update(tone.tobytes())
        frame.sample_rate, frame.pts = rate, start
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def _box(kind: bytes, payload: bytes) -> bytes:
    return (len(payload) + 8).to_bytes(4, "big") + kind + payload


def _filler(length: int) -> bytes:
    return (_PADDING * (length // len(_PADDING) + 1))[:length]


def _after_app_segments(data: bytes) -> int:
    at = 2  # after SOI
    while data[at] == 0xFF and 0xE0 <= data[at + 1] <= 0xEF:
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return at


def _find_frame_header(data: bytes) -> int:
    at = 2
    while at < len(data):
        marker = data[at + 1]
        if marker in (0xC0, 0xC1, 0xC2):
            return at
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    raise ValueError("no SOF segment")


def _write(path: str | os.PathLike, data: bytes) -> Path:
    path = Path(path)
    path.write_bytes(data)
    return path
