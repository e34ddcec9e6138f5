"""The media checks on real files made by Pillow and PyAV in the test's own folder."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from submissions.media import ChildLimits, Reason, Rules, inspect_file, reason_message
from submissions.media.sniff import sniff_bytes
from tests import factories
from tests.submissions import media_samples as samples

MIB = 1024 * 1024
RULES = Rules()
ROOT = Path(__file__).resolve().parents[2]


def check(path, slot=None, rules=RULES, **options):
    return inspect_file(path, expected_kind=slot, rules=rules, **options)


def preview_size(verdict):
    with Image.open(io.BytesIO(verdict.preview_jpeg)) as preview:
        assert preview.format == "JPEG"
        assert preview.mode == "RGB"
        return preview.size


# --- photos ---------------------------------------------------------------------------


def test_jpeg_of_2_1_mib_passes_with_size_recorded_and_a_thumbnail(tmp_path):
    path = samples.make_jpeg(tmp_path / "现场.jpg", size_bytes=int(2.1 * MIB))

    verdict = check(path, "photo")

    assert (verdict.passed, verdict.reasons, verdict.kind, verdict.detected_format) == (
        True,
        [],
        "photo",
        "JPEG",
    )
    assert verdict.size == int(2.1 * MIB)
    with Image.open(path) as original:
        assert (verdict.width, verdict.height) == original.size
    assert max(preview_size(verdict)) == 480


def test_jpeg_of_1_9_mib_fails_on_size(tmp_path):
    path = samples.make_jpeg(tmp_path / "small.jpg", size_bytes=int(1.9 * MIB))

    verdict = check(path, "photo")

    assert verdict.passed is False
    assert verdict.reason_codes == ["photo_too_small"]
    assert verdict.reasons[0].params == {"size": int(1.9 * MIB), "minimum": 2 * MIB}
    assert verdict.reasons[0].message == "照片大小 1.9 MB，低于要求的 2 MB"


def test_sizes_just_under_the_minimum_do_not_read_as_equal(tmp_path):
    message = reason_message("photo_too_small", {"size": 2 * MIB - 1000, "minimum": 2 * MIB})

    assert message == "照片大小 1.999 MB，低于要求的 2 MB"


def test_week_rules_set_both_photo_limits(tmp_path):
    path = samples.make_jpeg(tmp_path / "p.jpg", size_bytes=int(2.1 * MIB))

    stricter = check(path, "photo", rules=Rules(photo_min_bytes=3 * MIB))
    capped = check(path, "photo", rules=Rules(photo_min_bytes=MIB, photo_max_bytes=2 * MIB))

    assert stricter.reason_codes == ["photo_too_small"]
    assert capped.reason_codes == ["photo_too_large"]
    assert capped.reasons[0].message == "照片大小 2.1 MB，超过上限 2 MB"


def test_png_renamed_jpg_fails_on_type_saying_png(tmp_path):
    path = samples.make_png_named_jpg(tmp_path / "photo.jpg")
    assert path.stat().st_size > 2 * MIB

    verdict = check(path, "photo")

    assert (verdict.passed, verdict.kind, verdict.detected_format) == (False, "photo", "PNG")
    assert verdict.reason_codes == ["photo_not_jpeg"]
    assert verdict.reasons[0].message == "照片须为 JPEG 格式，此文件实际是 PNG"


def test_heic_renamed_jpg_fails_on_type_saying_heif(tmp_path):
    path = samples.make_heic_named_jpg(tmp_path / "IMG_0001.jpg")

    verdict = check(path, "photo")

    assert verdict.reason_codes == ["photo_not_jpeg"]
    assert "HEIF" in verdict.reasons[0].message


def test_truncated_jpeg_fails_without_a_thumbnail(tmp_path):
    path = samples.make_truncated_jpeg(tmp_path / "cut.jpg", size_bytes=3 * MIB, keep=0.8)

    verdict = check(path, "photo")

    assert verdict.reason_codes == ["photo_damaged"]
    assert verdict.width and verdict.height  # the header was intact
    assert verdict.preview_jpeg is None


@pytest.mark.parametrize(("width", "height"), [(10000, 10000), (30000, 30000)])
def test_decompression_bomb_fails_cleanly_with_its_size(tmp_path, width, height):
    # 100 MP is over Pillow's limit (which only warns); 900 MP is over twice it (Pillow raises).
    path = samples.make_decompression_bomb(
        tmp_path / "bomb.jpg", width=width, height=height, size_bytes=int(2.1 * MIB)
    )

    verdict = check(path, "photo")

    assert verdict.reason_codes == ["photo_too_many_pixels"]
    assert (verdict.width, verdict.height) == (width, height)
    assert f"{width}×{height}" in verdict.reasons[0].message
    assert verdict.preview_jpeg is None


def test_progressive_jpeg_passes(tmp_path):
    path = samples.make_jpeg(tmp_path / "p.jpg", size_bytes=int(2.5 * MIB), progressive=True)
    with Image.open(path) as image:
        assert image.info.get("progressive")

    verdict = check(path, "photo")

    assert verdict.passed
    assert max(preview_size(verdict)) == 480


def test_progressive_truncated_jpeg_fails(tmp_path):
    full = samples.make_jpeg(tmp_path / "full.jpg", size_bytes=int(3 * MIB), progressive=True)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(full.read_bytes()[: int(2.5 * MIB)])

    assert check(cut, "photo").reason_codes == ["photo_damaged"]


def test_cmyk_jpeg_passes_with_an_rgb_thumbnail_turned_upright(tmp_path):
    path = samples.make_jpeg(tmp_path / "print.jpg", size_bytes=int(2.5 * MIB), cmyk=True, exif_orientation=6)

    verdict = check(path, "photo")

    assert verdict.passed
    assert verdict.orientation == 6
    assert verdict.width > verdict.height  # stored landscape ...
    width, height = preview_size(verdict)
    assert height > width  # ... shown portrait, as orientation 6 asks


def test_photo_kind_is_decided_by_content_when_no_slot_is_given(tmp_path):
    photo = samples.make_jpeg(tmp_path / "clip.mp4", size_bytes=int(2.1 * MIB))

    verdict = check(photo)

    assert (verdict.kind, verdict.passed) == ("photo", True)


def test_photo_in_the_video_slot_fails_saying_what_it_is(tmp_path):
    photo = samples.make_jpeg(tmp_path / "clip.mp4", size_bytes=int(2.1 * MIB))

    verdict = check(photo, "video")

    assert verdict.reason_codes == ["video_slot_got_photo"]
    assert verdict.reasons[0].message == "这是照片文件（JPEG），请在照片栏上传"


def test_empty_and_missing_files_fail(tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")

    assert check(empty, "photo").reason_codes == ["empty_file"]
    assert check(tmp_path / "nowhere.jpg", "photo").reason_codes == ["file_missing"]


# --- videos ---------------------------------------------------------------------------


def test_hd_h264_mp4_passes_with_its_properties(tmp_path):
    path = samples.make_video(tmp_path / "clip.mp4", width=1280, height=720, seconds=1, fps=5)

    verdict = check(path, "video")

    assert (verdict.passed, verdict.kind, verdict.detected_format) == (True, "video", "MP4")
    assert (verdict.width, verdict.height, verdict.video_codec) == (1280, 720, "h264")
    assert verdict.duration == pytest.approx(1.0, abs=0.1)
    assert verdict.frame_rate == 5.0
    assert verdict.bit_rate > 0
    assert verdict.container
    assert preview_size(verdict) == (480, 270)


def test_portrait_video_passes(tmp_path):
    path = samples.make_video(tmp_path / "phone.mp4", width=720, height=1280)

    verdict = check(path, "video")

    assert verdict.passed
    assert (verdict.width, verdict.height) == (720, 1280)


def test_rotation_in_the_display_matrix_is_applied(tmp_path):
    path = samples.make_video(tmp_path / "phone.mp4", width=1280, height=720, rotation=90)

    verdict = check(path, "video")

    assert verdict.passed
    assert (verdict.width, verdict.height) == (720, 1280)
    assert preview_size(verdict) == (270, 480)


def test_video_below_hd_fails_on_resolution(tmp_path):
    path = samples.make_video(tmp_path / "small.mp4", width=640, height=360)

    verdict = check(path, "video")

    assert verdict.reason_codes == ["video_not_hd"]
    assert verdict.reasons[0].message == "视频分辨率 640×360，低于要求的 1280×720（高清，横竖均可）"
    assert verdict.preview_jpeg is not None  # a failed file still shows what it is


def test_audio_only_mp4_fails(tmp_path):
    path = samples.make_video(tmp_path / "voice.mp4", audio_only=True)

    verdict = check(path, "video")

    assert (verdict.kind, verdict.reason_codes) == ("video", ["video_no_video_stream"])


def test_random_bytes_named_mp4_fail(tmp_path):
    path = samples.make_random_bytes(tmp_path / "clip.mp4")

    verdict = check(path, "video")

    assert (verdict.kind, verdict.reason_codes) == ("unknown", ["unknown_format"])


def test_m3u8_playlist_renamed_mp4_fails_before_ffmpeg_sees_it(tmp_path):
    path = samples.make_m3u8(tmp_path / "clip.mp4")

    verdict = check(path, "video")

    assert verdict.reason_codes == ["playlist_not_media"]
    assert "M3U8" in verdict.reasons[0].message


def test_mp4_header_glued_to_a_playlist_is_read_as_mp4_only(tmp_path):
    # Sniffed as MP4, so FFmpeg opens it with the MOV demuxer and the file protocol only.
    path = tmp_path / "clip.mp4"
    path.write_bytes(
        b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + samples.make_m3u8(tmp_path / "p").read_bytes()
    )

    verdict = check(path, "video")

    assert verdict.passed is False
    assert verdict.reason_codes[0] in {"unreadable", "video_no_video_stream", "video_damaged"}


def test_video_in_the_photo_slot_fails_with_a_clear_reason(tmp_path):
    path = samples.make_video(tmp_path / "photo.jpg")

    verdict = check(path, "photo")

    assert (verdict.kind, verdict.reason_codes) == ("video", ["photo_slot_got_video"])
    assert verdict.reasons[0].message == "这是视频文件（MP4），请在视频栏上传"


@pytest.mark.parametrize(
    ("container", "codec", "label"), [("mkv", "h264", "MKV"), ("webm", "vp9", "WebM"), ("mov", "h264", "MOV")]
)
def test_common_containers_pass(tmp_path, container, codec, label):
    path = samples.make_video(tmp_path / "clip.bin", container=container, codec=codec, with_audio=True)

    verdict = check(path)

    assert (verdict.kind, verdict.passed, verdict.detected_format, verdict.video_codec) == (
        "video",
        True,
        label,
        codec,
    )


def test_video_over_the_weeks_maximum_fails(tmp_path):
    path = samples.make_video(tmp_path / "clip.mp4")

    verdict = check(path, "video", rules=Rules(video_max_bytes=1000))

    assert verdict.reason_codes == ["video_too_large"]


# --- the sandbox ----------------------------------------------------------------------


def test_a_child_over_its_time_limit_gives_a_failed_verdict(tmp_path):
    path = samples.make_video(tmp_path / "clip.mp4")

    verdict = check(path, "video", limits=ChildLimits(seconds=0.01, memory_bytes=1024 * MIB))

    assert verdict.passed is False
    assert verdict.reason_codes == ["check_timed_out"]
    assert verdict.reasons[0].message.startswith("文件无法解析")


def test_a_child_that_dies_of_its_memory_limit_gives_a_failed_verdict(tmp_path):
    path = samples.make_jpeg(tmp_path / "p.jpg", size_bytes=int(2.1 * MIB))

    # 16 MiB of address space: the child starts, then cannot map Pillow's decoder library.
    verdict = check(path, "photo", limits=ChildLimits(seconds=30, memory_bytes=16 * MIB))

    assert verdict.reason_codes == ["check_crashed"]
    assert verdict.reasons[0].message.startswith("文件无法解析")


# --- reasons --------------------------------------------------------------------------


def test_reasons_render_in_the_active_language_with_their_numbers():
    reason = Reason(code="photo_too_small", params={"size": int(1.6 * MIB), "minimum": 2 * MIB})

    with translation.override("en"):
        message = reason.message

    assert message and "1.6" in message and "2" in message


def test_stored_reasons_render_again_and_never_raise(tmp_path):
    verdict = check(samples.make_video(tmp_path / "small.mp4", width=640, height=360), "video")
    stored = json.loads(json.dumps([reason.as_dict() for reason in verdict.reasons]))

    assert reason_message(**stored[0]) == verdict.reasons[0].message
    assert "some_future_code" in reason_message("some_future_code", {})
    assert reason_message("check_keeps_crashing", {"attempts": 3}) == "文件无法解析：连续 3 次检查都未能完成"
    assert reason_message("photo_too_small", {"size": "garbled"})  # damaged record: generic text


def test_verdict_as_dict_is_json_and_leaves_the_preview_out(tmp_path):
    verdict = check(samples.make_jpeg(tmp_path / "p.jpg", size_bytes=int(1.9 * MIB)), "photo")

    listed = json.loads(json.dumps(verdict.as_dict()))

    assert listed["reasons"] == [
        {
            "code": "photo_too_small",
            "params": {"size": int(1.9 * MIB), "minimum": 2 * MIB},
            "message": "照片大小 1.9 MB，低于要求的 2 MB",
        }
    ]
    assert "preview_jpeg" not in listed and listed["has_preview"] is True


@pytest.mark.django_db
def test_rules_come_from_the_week():
    week = factories.week(photo_min_bytes=3 * MIB, video_min_width=1920, video_min_height=1080)

    rules = Rules.from_week(week)

    assert (rules.photo_min_bytes, rules.video_min_width, rules.video_min_height) == (3 * MIB, 1920, 1080)
    assert rules.is_hd(width=1080, height=1920) and not rules.is_hd(width=1280, height=720)


@pytest.mark.parametrize(
    ("head", "kind", "label"),
    [
        (b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00mif1heicmiaf", "photo", "HEIF"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "photo", "AVIF"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ", "video", "MOV"),
        (b"\x00\x00\x00\x14ftyp3gp4\x00\x00\x02\x003gp4", "video", "3GP"),
        ((b"\x47" + b"\x00" * 187) * 4, "video", "MPEG-TS"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video", "AVI"),
        (b"\xef\xbb\xbf#EXTM3U\n", "playlist", "M3U8"),
        (b"ffconcat version 1.0\nfile a.mp4\n", "playlist", "ffconcat"),
        (b"GIF89a\x01\x00", "photo", "GIF"),
        (b"hello world", "unknown", ""),
    ],
)
def test_content_sniffing(head, kind, label):
    sniffed = sniff_bytes(head)

    assert (sniffed.kind, sniffed.label) == (kind, label)


def test_a_child_dies_with_its_parent(tmp_path):
    # A stand-in worker starts a child as the sandbox does and sends it a request that
    # blocks (a FIFO nobody writes to; real callers never pass one), then the worker is
    # killed as a Celery worker can be. The child must not outlive it.
    fifo = tmp_path / "never-written"
    os.mkfifo(fifo)
    request = {"kind": "photo", "path": str(fifo), "max_pixels": 10**8, "preview_long_side": 480}
    worker_code = (
        "import json, subprocess, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from submissions.media.sandbox import ChildLimits, child_command\n"
        "child = subprocess.Popen(child_command(limits=ChildLimits(seconds=60, memory_bytes=1 << 30)),"
        " stdin=subprocess.PIPE)\n"
        f"child.stdin.write(json.dumps({request!r}).encode()); child.stdin.close()\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    worker = subprocess.Popen([sys.executable, "-c", worker_code], stdout=subprocess.PIPE)
    child_pid = None
    try:
        child_pid = int(worker.stdout.readline())
        time.sleep(1)  # the child is now blocked opening the FIFO
        assert not wait_until_gone(child_pid, seconds=0)
        worker.kill()
        worker.wait(timeout=10)

        assert wait_until_gone(child_pid, seconds=10)
    finally:
        worker.kill()
        worker.wait(timeout=10)
        worker.stdout.close()
        if child_pid and not wait_until_gone(child_pid, seconds=0):
            os.kill(child_pid, signal.SIGKILL)


def wait_until_gone(pid: int, *, seconds: float) -> bool:
    """True once ``pid`` no longer runs (a zombie awaiting its reaper counts as gone)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(") ", 1)[1].startswith("Z"):
                    return True
        except FileNotFoundError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


# --- the whole stream, read to its end -------------------------------------------------


@pytest.mark.parametrize("faststart", [False, True], ids=["moov-at-end", "faststart"])
def test_clip_followed_by_random_bytes_is_refused_and_the_clip_alone_passes(tmp_path, faststart):
    clip = samples.make_video(tmp_path / "clip.mp4", seconds=2, fps=10, with_audio=True, faststart=faststart)
    boxes = [kind for kind, _at, _size in samples.iso_boxes(clip)]
    assert (
        boxes.index("moov") > boxes.index("mdat")
        if not faststart
        else boxes.index("moov") < boxes.index("mdat")
    )

    alone = check(clip, "video")
    samples.append_random_bytes(clip, size_bytes=2 * MIB)
    glued = check(clip, "video")

    assert alone.passed, alone.reasons
    assert alone.scan["trailing_bytes"] == 0 and alone.scan["decode_complete"]
    assert alone.scan["video_decoded"] == alone.scan["video_packets"] == 20
    assert glued.passed is False
    assert glued.reason_codes == ["video_trailing_data"]
    assert glued.reasons[0].params == {"size": 2 * MIB}
    assert glued.reasons[0].message == "视频文件末尾有无法识别的数据（2 MB）"
    assert (glued.width, glued.height, glued.duration) == (alone.width, alone.height, alone.duration)


@pytest.mark.parametrize(("container", "codec"), [("mkv", "h264"), ("webm", "vp9"), ("mov", "hevc")])
def test_random_bytes_after_other_containers_are_refused(tmp_path, container, codec):
    clip = samples.make_video(
        tmp_path / "clip.bin", container=container, codec=codec, with_audio=True, seconds=2
    )
    assert check(clip, "video").passed

    verdict = check(samples.append_random_bytes(clip, size_bytes=2 * MIB), "video")

    assert verdict.reason_codes == ["video_trailing_data"]


def test_bytes_hidden_in_a_free_box_before_the_media_are_refused(tmp_path):
    clip = samples.make_video(tmp_path / "clip.mp4", seconds=2, fps=10, with_audio=True)

    verdict = check(samples.insert_free_box(clip, size_bytes=6 * MIB), "video")

    assert verdict.reason_codes == ["video_hidden_data"]
    assert verdict.reasons[0].params["size"] >= 6 * MIB
    assert verdict.reasons[0].message.startswith("视频文件中夹带了无法识别的数据")


@pytest.mark.parametrize(
    ("container", "faststart", "message"),
    [
        ("mp4", False, "视频文件不完整，可能没有上传完，请重新上传"),
        ("mp4", True, "视频文件不完整（只能读出 1.2 秒，应有 2 秒），可能没有上传完，请重新上传"),
        ("mkv", False, "视频文件不完整（只能读出 1.1 秒，应有 2.03 秒），可能没有上传完，请重新上传"),
    ],
    ids=["mp4-moov-at-end", "mp4-faststart", "mkv"],
)
def test_truncated_video_is_refused(tmp_path, container, faststart, message):
    clip = samples.make_video(
        tmp_path / "clip.bin", container=container, seconds=2, fps=10, with_audio=True, faststart=faststart
    )

    verdict = check(samples.truncate(clip, keep=0.6), "video")

    assert verdict.passed is False
    assert verdict.reason_codes[0] == "video_truncated"
    assert verdict.reasons[0].message == message


@pytest.mark.parametrize(("declared", "words"), [(20, "只能读出 2 秒"), (1, "实际有 2 秒")])
def test_a_declared_duration_the_stream_does_not_have_is_refused(tmp_path, declared, words):
    clip = samples.make_video(tmp_path / "clip.mkv", container="mkv", seconds=2, fps=10, with_audio=True)

    verdict = check(samples.set_matroska_duration(clip, seconds=declared), "video")

    assert verdict.reason_codes == ["video_duration_mismatch"]
    assert verdict.reasons[0].params == {"seconds": 2.0, "declared": float(declared)}
    assert words in verdict.reasons[0].message


def test_frames_that_do_not_decode_are_refused(tmp_path):
    clip = samples.make_video(tmp_path / "clip.mp4", seconds=2, fps=10)
    _kind, at, size = next(box for box in samples.iso_boxes(clip) if box[0] == "mdat")
    data = bytearray(clip.read_bytes())
    start = at + 16 + size // 4  # past the first (key) frame: the rest becomes noise
    data[start : at + size] = os.urandom(at + size - start)
    clip.write_bytes(bytes(data))

    verdict = check(clip, "video")

    assert verdict.reason_codes == ["video_frames_damaged"]
    assert verdict.reasons[0].params["decoded"] == 20


def test_decoding_stops_at_its_time_budget_and_the_packets_are_still_all_read(tmp_path, monkeypatch):
    from submissions.media import checks

    monkeypatch.setattr(checks, "DECODE_BUDGET_BASE_SECONDS", 0.0)
    monkeypatch.setattr(checks, "DECODE_BUDGET_PER_SECOND", 0.0)
    clip = samples.make_video(tmp_path / "clip.mp4", seconds=2, fps=10)

    verdict = check(samples.append_random_bytes(clip, size_bytes=2 * MIB), "video")

    assert verdict.scan["decode_complete"] is False and verdict.scan["video_fed"] < 20
    assert verdict.scan["video_packets"] == 20
    assert verdict.reason_codes == ["video_trailing_data"]


def test_a_video_child_gets_more_time_for_a_larger_file():
    from submissions.media import sandbox

    small, large, huge = (ChildLimits.for_video(size) for size in (MIB, 1024 * MIB, 64 * 1024 * MIB))

    assert small.seconds == pytest.approx(sandbox.TIME_LIMIT_SECONDS, abs=1)
    assert sandbox.TIME_LIMIT_SECONDS < large.seconds < huge.seconds == sandbox.VIDEO_TIME_LIMIT_MAX_SECONDS


def test_layout_of_a_recorder_webm_with_unknown_sizes(tmp_path):
    from submissions.media.layout import DATA, read_layout

    clip = samples.make_video(
        tmp_path / "live.webm", container="webm", codec="vp9", seconds=2, muxer_options={"live": "1"}
    )
    size = clip.stat().st_size

    layout = read_layout(clip, demuxer="matroska", size=size)

    assert not layout.truncated
    assert [region.kind for region in layout.regions].count(DATA) >= 1
    assert layout.regions[-1].end == size and all(r.kind != "garbage" for r in layout.regions)


def test_accounting_sets_packets_against_regions():
    from submissions.media.layout import DATA, GARBAGE, INDEX, PADDING, Layout, Region, account

    layout = Layout(
        regions=[
            Region(INDEX, 0, 100),
            Region(PADDING, 100, 1100),  # 1000 bytes before the media: hidden
            Region(DATA, 1100, 11100),  # 10,000 bytes, 9,000 in packets, the last ends at 10,600
            Region(INDEX, 11100, 12100),  # the index after the media: fine
            Region(GARBAGE, 12100, 15100),  # trailing
        ]
    )

    result = account(
        layout,
        size=15100,
        data_end=10600,
        media_bytes=9000,
        packets=10,
        index_allowance=2000,
        packet_overhead=0,
    )

    assert result.trailing_bytes == 500 + 3000
    assert result.hidden_bytes == 1000 + (9500 - 9000)
