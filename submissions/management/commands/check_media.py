"""python manage.py check_media PATH... [--week ID] [--kind photo|video] [--json]

For offices checking material that arrived by e-mail or on a USB stick: the same checks
uploads get, one verdict per file, exit status 1 when any file fails (2 on bad usage).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from events.models import Week
from submissions.media import Rules, Verdict, format_resolution, format_size, inspect_file


class Command(BaseCommand):
    help = gettext_lazy(
        "按活动周的要求检查照片和视频（按内容识别类型），每个文件输出一条结论；有不合格文件时退出码为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help=gettext_lazy("要检查的文件"))
        parser.add_argument(
            "--week",
            type=int,
            help=gettext_lazy("按此活动周（ID）的要求检查；默认当前活动周，没有则用默认要求"),
        )
        parser.add_argument(
            "--kind",
            choices=["photo", "video"],
            help=gettext_lazy("按照片或视频栏目检查；默认由文件内容决定"),
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help=gettext_lazy("输出 JSON 列表")
        )

    def handle(self, *args, paths: list[str], week: int | None, kind: str | None, as_json: bool, **options):
        rules = _rules(week_id=week)
        verdicts = [(path, inspect_file(path, expected_kind=kind, rules=rules)) for path in paths]
        if as_json:
            listing = [{"path": path, **verdict.as_dict()} for path, verdict in verdicts]
            self.stdout.write(json.dumps(listing, ensure_ascii=False, indent=2))
        else:
            for path, verdict in verdicts:
                self._print(path, verdict)
        failed = sum(not verdict.passed for _path, verdict in verdicts)
        if failed:
            raise CommandError(
                ngettext("%(count)d 个文件未通过检查。", "%(count)d 个文件未通过检查。", failed)
                % {"count": failed},
                returncode=1,
            )

    def _print(self, path: str, verdict: Verdict) -> None:
        state = self.style.SUCCESS(_("合格")) if verdict.passed else self.style.ERROR(_("不合格"))
        self.stdout.write(f"{path}: {state} — {describe(verdict)}")
        for reason in verdict.reasons:
            self.stdout.write(f"  · {reason.message}")


def _rules(*, week_id: int | None) -> Rules:
    if week_id is not None:
        week = Week.objects.filter(pk=week_id).first()
        if week is None:
            raise CommandError(_("找不到 ID 为 %(id)s 的活动周。") % {"id": week_id}, returncode=2)
        return Rules.from_week(week)
    current = Week.objects.current()
    return Rules.from_week(current) if current else Rules()


def describe(verdict: Verdict) -> str:
    """One line of what was measured: "视频 · MP4 · h264 · 1280×720 · 12.5 秒 · 25 帧/秒 · 8.1 MB"."""
    kinds = {"photo": _("照片"), "video": _("视频")}
    parts = [kinds.get(verdict.kind, _("未知类型"))]
    parts += [value for value in (verdict.detected_format, verdict.video_codec) if value]
    if verdict.width and verdict.height:
        parts.append(format_resolution(verdict.width, verdict.height))
    if verdict.orientation and verdict.orientation != 1:
        parts.append(_("EXIF 方向 %(orientation)d") % {"orientation": verdict.orientation})
    if verdict.duration:
        parts.append(_("%(seconds).1f 秒") % {"seconds": verdict.duration})
    if verdict.frame_rate:
        parts.append(_("%(rate)g 帧/秒") % {"rate": verdict.frame_rate})
    if "file_missing" not in verdict.reason_codes:
        parts.append(format_size(verdict.size))
    return " · ".join(parts)
