"""How an event's state reads to its organizer."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Event

S = Event.Status
NEXT_STEPS = {
    S.DRAFT: gettext_lazy("补全信息后提交审核"),
    S.SUBMITTED: gettext_lazy("等待市发改委审核"),
    S.RETURNED: gettext_lazy("按退回意见修改后重新提交"),
    S.APPROVED: gettext_lazy("每个活动日在截止时间前报送当天信息"),
    S.CANCELLED: gettext_lazy("无需操作"),
}


def next_step(event: Event) -> str:
    if event.status == S.APPROVED and getattr(event, "pending_changes", None):
        return _("变更申请待审核")
    return str(NEXT_STEPS[event.status])
