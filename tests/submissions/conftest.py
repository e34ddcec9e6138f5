import pytest
from django.utils import timezone

from submissions.models import DailyReport, MediaFile


@pytest.fixture
def ready_report():
    """A draft that meets the week's minimum: text, leaders stated, one photo that passed."""

    def build(event, day) -> DailyReport:
        report = DailyReport.objects.create(event=event, day=day, text="活动顺利举行。", no_leaders=True)
        MediaFile.objects.create(
            report=report, kind="photo", file="reports/x.jpg", original_name="现场.jpg", size=3 * 1024 * 1024,
            sha256="0" * 64, status="passed", checked_at=timezone.now(),
        )
        return report

    return build
