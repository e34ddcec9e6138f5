"""python manage.py check_media: verdicts for files that came by other channels."""

import json

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from tests import factories
from tests.submissions import media_samples as samples

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("check_media", *map(str, args), stdout=out)
    return out.getvalue()


def test_passing_files_print_one_line_each_and_exit_normally(tmp_path):
    photo = samples.make_jpeg(tmp_path / "现场.jpg", size_bytes=int(2.1 * MIB))
    video = samples.make_video(tmp_path / "clip.mp4")

    output = run(photo, video)

    lines = output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{photo}: 合格") and "JPEG" in lines[0]
    assert lines[1].startswith(f"{video}: 合格") and "1280×720" in lines[1]


def test_a_failing_file_makes_the_exit_status_1(tmp_path, capsys):
    good = samples.make_jpeg(tmp_path / "good.jpg", size_bytes=int(2.1 * MIB))
    small = samples.make_jpeg(tmp_path / "small.jpg", size_bytes=int(1.9 * MIB))

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "check_media", str(good), str(small)]).execute()

    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert f"{small}: 不合格" in captured.out
    assert "照片大小 1.9 MB，低于要求的 2 MB" in captured.out
    assert "1 个文件未通过检查" in captured.err


def test_json_lists_path_kind_verdict_reasons_and_measurements(tmp_path):
    video = samples.make_video(tmp_path / "small.mp4", width=640, height=360)
    missing = tmp_path / "missing.mp4"
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_media", str(video), str(missing), "--json", stdout=out)

    assert error.value.returncode == 1
    listing = json.loads(out.getvalue())
    assert [item["path"] for item in listing] == [str(video), str(missing)]
    first = listing[0]
    assert (first["kind"], first["passed"], first["width"], first["height"]) == ("video", False, 640, 360)
    assert first["video_codec"] == "h264" and first["duration"] > 0 and first["frame_rate"] == 5.0
    assert first["reasons"] == [
        {
            "code": "video_not_hd",
            "params": {"width": 640, "height": 360, "min_width": 1280, "min_height": 720},
            "message": "视频分辨率 640×360，低于要求的 1280×720（高清，横竖均可）",
        }
    ]
    assert [reason["code"] for reason in listing[1]["reasons"]] == ["file_missing"]


def test_week_option_uses_that_weeks_rules(tmp_path):
    strict = factories.week(photo_min_bytes=3 * MIB, is_current=False)
    photo = samples.make_jpeg(tmp_path / "p.jpg", size_bytes=int(2.1 * MIB))

    assert "合格" in run(photo)  # no current week: the defaults (2 MiB)
    with pytest.raises(CommandError) as error:
        run(photo, "--week", strict.pk)

    assert error.value.returncode == 1


def test_without_week_option_the_current_weeks_rules_apply(tmp_path):
    factories.week(photo_min_bytes=3 * MIB, is_current=True)
    photo = samples.make_jpeg(tmp_path / "p.jpg", size_bytes=int(2.1 * MIB))

    with pytest.raises(CommandError):
        run(photo)


def test_unknown_week_is_a_usage_error(tmp_path):
    photo = samples.make_jpeg(tmp_path / "p.jpg", size_bytes=int(2.1 * MIB))

    with pytest.raises(CommandError) as error:
        run(photo, "--week", 999999)

    assert error.value.returncode == 2


def test_kind_option_checks_against_the_slot(tmp_path):
    video = samples.make_video(tmp_path / "clip.jpg")

    with pytest.raises(CommandError):
        run(video, "--kind", "photo")
