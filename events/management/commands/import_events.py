"""python manage.py import_events FILE.xlsx [--week ID] [--publish] [--dry-run]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from events import importing
from events.models import Week


class Command(BaseCommand):
    help = "从 .xlsx 活动计划表批量导入活动（全部行有效才导入；同一文件重复导入不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="按模板填写的 .xlsx 文件")
        parser.add_argument("--week", type=int, help="活动周 ID（默认：当前活动周）")
        parser.add_argument("--publish", action="store_true", help="导入后直接发布")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")

    def handle(self, *args, file: str, week: int | None, publish: bool, dry_run: bool, **options):
        target = Week.objects.filter(pk=week).first() if week else Week.objects.current()
        if target is None:
            raise CommandError("找不到活动周：请用 --week 指定，或先设置当前活动周。")
        try:
            with open(file, "rb") as handle:
                content = handle.read()
        except OSError as error:
            raise CommandError(f"无法打开文件 {file}：{error}") from None
        checked = importing.preview(content=content, week=target)
        if not checked.is_valid:
            for line in checked.messages():
                self.stderr.write(line)
            raise CommandError("文件有错误，未导入任何活动。")
        if dry_run:
            self.stdout.write(
                f"检查通过：新活动 {len(checked.new_rows)} 项，已存在 {len(checked.rows) - len(checked.new_rows)} 项。"
            )
            return
        result = importing.import_events(content=content, week=target, by=None, publish=publish)
        self.stdout.write(
            self.style.SUCCESS(f"导入完成：新建 {result.created} 项，已存在跳过 {result.skipped} 项。")
        )
