"""Export a day's material: ``export_day --date 2026-09-21 --format zip|xlsx|docx --output PATH``."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from events.models import Week
from events.selectors.reporting import reporting_calendar
from submissions.exports.docx import bulletin_document
from submissions.exports.xlsx import day_workbook
from submissions.exports.zip import stream_day_zip


class Command(BaseCommand):
    help = "导出某一天的材料：已采用材料（zip）、报送情况（xlsx）或每日简报（docx）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="YYYY-MM-DD, in the week's zone")
        parser.add_argument("--format", required=True, choices=["zip", "xlsx", "docx"])
        parser.add_argument("--output", required=True, help="file to write; '-' for standard output")
        parser.add_argument(
            "--week", type=int, help="week id (default: the week that has that date, current first)"
        )

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from None
        week = self._week(day, options.get("week"))
        fmt = options["format"]
        now = timezone.now()
        if fmt == "zip":
            chunks = stream_day_zip(week=week, day=day)
        elif fmt == "xlsx":
            chunks = [day_workbook(week=week, day=day, now=now)]
        else:
            chunks = [bulletin_document(week=week, day=day, now=now)]
        written = 0
        if options["output"] == "-":
            out = self.stdout._out.buffer
            for chunk in chunks:
                out.write(chunk)
                written += len(chunk)
            out.flush()
            return
        with open(options["output"], "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                written += len(chunk)
        self.stderr.write(f"{options['output']}: {written} bytes ({week.name}, {day.isoformat()}, {fmt})")

    def _week(self, day: dt.date, week_id: int | None) -> Week:
        if week_id is not None:
            week = Week.objects.filter(pk=week_id).first()
            if week is None:
                raise CommandError(f"No week with id {week_id}.")
        else:
            week = (
                Week.objects.filter(starts_on__lte=day, ends_on__gte=day)
                .order_by("-is_current", "-starts_on")
                .first()
            )
        if week is None or (day not in week.days and day not in reporting_calendar(week=week)):
            raise CommandError(f"{day.isoformat()} is not a day of any week (or of the week given).")
        return week
