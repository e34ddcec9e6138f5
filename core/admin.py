"""Admin plumbing shared by every app whose records the public pages show."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import OutboxAttachment, OutboxMessage
from .outbox import outbox_mark_sent, outbox_send_again
from .public_cache import bump_public_version_after_commit


class BumpsPublicCache:
    """For ModelAdmins of what public pages show: a save or delete bumps the public version
    once the admin's transaction commits, so cached public pages do not outlive the change.

    The bump names the events whose public rows the change may have changed
    (``bump_public_version(events=...)``), so a process keeping the week's rows re-reads those
    only: ``events_named`` says which, asked after a save and before a delete (the rows that
    lead to them may go with the object). By ``bump_names``: nothing (anything the schedule
    shows may have changed: all rows are read again); ``OBJECTS``: the admin's objects are
    events, named; ``NO_EVENT``: its objects show in no event's row (the hall, contests,
    sub-venue sources). An admin whose objects show in some events' rows (a venue, a unit, a
    theme) names those by overriding ``events_named``."""

    OBJECTS = "objects"
    bump_names: str | tuple[int, ...] | None = None

    def events_named(self, ids: list) -> list[int] | tuple[int, ...] | None:
        return list(ids) if self.bump_names == self.OBJECTS else self.bump_names

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_public_version_after_commit(events=self.events_named([obj.pk]))

    def delete_model(self, request, obj):
        named = self.events_named([obj.pk])
        super().delete_model(request, obj)
        bump_public_version_after_commit(events=named)

    def delete_queryset(self, request, queryset):
        named = self.events_named(list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
        bump_public_version_after_commit(events=named)


class OutboxAttachmentInline(admin.TabularInline):
    model = OutboxAttachment
    extra = 0
    can_delete = False
    fields = ["name", "mime_type", "size"]
    readonly_fields = fields

    @admin.display(description=_("大小（字节）"))
    def size(self, attachment: OutboxAttachment) -> int:
        return len(attachment.content)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The office sees every outgoing message and its fate. An uncertain one is for a person
    to judge (ask the recipient), never resent by the portal itself: the actions record that
    decision. Bodies are not shown (they hold live password-reset and invitation links), nor
    a robot's secret key."""

    list_display = ["subject", "recipients", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["subject", "key"]
    fields = [
        "key",
        "channel",
        "recipients",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = fields
    inlines = [OutboxAttachmentInline]
    actions = ["mark_sent", "send_again"]

    @admin.display(description=_("收件人"))
    def recipients(self, message: OutboxMessage) -> str:
        return ", ".join(message.recipients_shown)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("标记为已送达（已向收件人核实）"), permissions=["change"])
    def mark_sent(self, request, queryset) -> None:
        chosen = queryset.count()
        done = outbox_mark_sent(message_ids=queryset.values_list("pk", flat=True), by=request.user)
        self._report(
            request,
            done=done,
            left=chosen - done,
            done_text=_("已将 %(count)d 条消息标记为已送达。"),
            left_text=_("%(count)d 条消息不是“不确定是否送达”状态，未作改动。"),
        )

    @admin.action(description=_("重新发送（已确认对方未收到）"), permissions=["change"])
    def send_again(self, request, queryset) -> None:
        chosen = queryset.count()
        done = outbox_send_again(message_ids=queryset.values_list("pk", flat=True), by=request.user)
        self._report(
            request,
            done=done,
            left=chosen - done,
            done_text=_("已安排重新发送 %(count)d 条消息。"),
            left_text=_(
                "%(count)d 条消息未重新发送：只有“不确定是否送达”或“发送失败”、且正文仍保留的消息可以重新发送。"
            ),
        )

    def _report(self, request, *, done: int, left: int, done_text, left_text) -> None:
        if done:
            self.message_user(request, done_text % {"count": done}, level=messages.SUCCESS)
        if left:
            self.message_user(request, left_text % {"count": left}, level=messages.WARNING)
