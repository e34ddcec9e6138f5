"""Daily reports, their media files, and the reminders sent about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboxMessage
from core.uploads import generated_name


class DailyReport(models.Model):
    """The report an event's information reporter files for one day the event runs."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        ACCEPTED = "accepted", _("已采用")
        RETURNED = "returned", _("已退回")

    event = models.ForeignKey(
        "events.Event", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="reports"
    )
    day = models.DateField(_("日期"))
    text = models.TextField(_("活动信息"), blank=True)
    no_leaders = models.BooleanField(_("无领导出席"), default=False)
    attendance = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("每日信息报送")
        verbose_name_plural = _("每日信息报送")
        ordering = ["day", "event_id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "day"], name="report_once_per_event_day"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "accepted", "returned"]),
                name="report_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False, is_late__isnull=False),
                name="report_submitted_has_time_and_lateness",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "returned"]) | Q(reviewed_at__isnull=False),
                name="report_reviewed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["day", "status"], name="report_day_status")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.day:%Y-%m-%d}"


class ReportLeader(models.Model):
    """A leader present at the event that day (出席领导), stated explicitly."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省部级")
        MUNICIPAL = "municipal", _("市级")
        COUNTY = "county", _("县区级")
        OTHER = "other", _("其他")

    report = models.ForeignKey(
        DailyReport, verbose_name=_("报送"), on_delete=models.CASCADE, related_name="leaders"
    )
    name = models.CharField(_("姓名"), max_length=60)
    post = models.CharField(_("职务"), max_length=120)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices, default=Level.MUNICIPAL)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("出席领导")
        verbose_name_plural = _("出席领导")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name="") & ~Q(post=""), name="leader_name_and_post"),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.name}"


class ReportLogEntry(models.Model):
    """One step of a report's history: submitted, returned with a comment, accepted, ..."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("报送")
        RESUBMITTED = "resubmitted", _("重新报送")
        RETURNED = "returned", _("退回")
        ACCEPTED = "accepted", _("采用")
        MEDIA_PUBLISHED = "media_published", _("设为公开")
        MEDIA_UNPUBLISHED = "media_unpublished", _("取消公开")

    report = models.ForeignKey(
        DailyReport, verbose_name=_("报送"), on_delete=models.CASCADE, related_name="log"
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    comment = models.TextField(_("意见"), blank=True)
    checklist = models.JSONField(_("审核清单"), default=list, blank=True)

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


def media_upload_path(instance: MediaFile, filename: str) -> str:
    return generated_name(f"reports/{instance.report.event_id}/{instance.report.day:%Y%m%d}", filename)


def media_preview_path(instance: MediaFile, filename: str) -> str:
    return generated_name(f"previews/{instance.report.event_id}", filename)


def media_rendition_path(instance: MediaFile, filename: str) -> str:
    return generated_name(f"renditions/{instance.report.event_id}", filename)


class MediaFile(models.Model):
    """A photo or video uploaded with a report, and a worker's verdict on it.

    A video that passed its check and is public, or belongs to an accepted report, gets web
    versions (``renditions``, made by ``submissions.services.renditions``), recorded as::

        {"source": "reports/7/20250518/ab12.mov",
         "versions": {"360": {"name": "renditions/7/cd34.mp4", "size": 812345, "width": 640,
                              "height": 360, "duration": 61.04, "bit_rate": 106000}, "720": ...,
                      "preview": ...},
         "poster": {"name": "renditions/7/ef56.jpg", "size": 80211, "width": 1280, "height": 720},
         "seconds": 41.2}

    The public pages play those and never the original.
    """

    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        VIDEO = "video", _("视频")

    class Status(models.TextChoices):
        QUEUED = "queued", _("等待检查")
        CHECKING = "checking", _("检查中")
        PASSED = "passed", _("合格")
        FAILED = "failed", _("不合格")

    class RenditionStatus(models.TextChoices):
        NONE = "", _("不需要")
        QUEUED = "queued", _("等待制作")
        WORKING = "working", _("制作中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("制作失败")

    report = models.ForeignKey(
        DailyReport, verbose_name=_("报送"), on_delete=models.CASCADE, related_name="media"
    )
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=media_upload_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("检查状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    reasons = models.JSONField(_("不合格原因"), default=list, blank=True)
    detected_format = models.CharField(_("实际格式"), max_length=40, blank=True)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    orientation = models.PositiveSmallIntegerField(_("EXIF 方向"), null=True, blank=True)
    duration = models.FloatField(_("时长（秒）"), null=True, blank=True)
    video_codec = models.CharField(_("视频编码"), max_length=40, blank=True)
    frame_rate = models.FloatField(_("帧率"), null=True, blank=True)
    bit_rate = models.PositiveBigIntegerField(_("码率"), null=True, blank=True)
    preview = models.FileField(_("缩略图或封面帧"), upload_to=media_preview_path, blank=True, max_length=255)
    attempts = models.PositiveSmallIntegerField(_("检查次数"), default=0)
    queued_at = models.DateTimeField(_("排队时间"), default=timezone.now)
    # Renewed every few seconds while a worker checks the file: older than the lease, the check died.
    check_alive_at = models.DateTimeField(_("检查进行中（最近确认）"), null=True, blank=True)
    checked_at = models.DateTimeField(_("检查完成时间"), null=True, blank=True)
    is_public = models.BooleanField(_("公开展示"), default=False)
    rendition_status = models.CharField(
        _("网页版状态"), max_length=8, choices=RenditionStatus.choices, default="", blank=True
    )
    rendition_progress = models.PositiveSmallIntegerField(_("网页版进度（百分比）"), default=0)
    rendition_attempts = models.PositiveSmallIntegerField(_("网页版制作次数"), default=0)
    # Queued: when; working: renewed with each progress report (older than the lease, it died).
    rendition_alive_at = models.DateTimeField(_("网页版制作（最近确认）"), null=True, blank=True)
    renditions = models.JSONField(_("网页版"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("照片或视频")
        verbose_name_plural = _("照片和视频")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "sha256"], name="media_once_per_report"),
            models.CheckConstraint(condition=Q(kind__in=["photo", "video"]), name="media_kind_known"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "checking", "passed", "failed"]),
                name="media_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["passed", "failed"]) | Q(checked_at__isnull=False),
                name="media_verdict_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(is_public=True) | Q(status="passed"), name="media_public_only_if_passed"
            ),
        ]
        indexes = [models.Index(fields=["status", "queued_at"], name="media_status_queued")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def web_versions(self) -> dict[str, dict]:
        """The finished web versions of this video by slot ("360", "720", "preview"), each
        {"name", "size", "width", "height", "duration", "bit_rate"}; empty until they are made."""
        recorded = self.renditions or {}
        if self.rendition_status != self.RenditionStatus.DONE or recorded.get("source") != self.file.name:
            return {}
        return recorded.get("versions") or {}

    @property
    def web_poster_name(self) -> str:
        """The storage name of the web versions' poster frame, or ""."""
        if not self.web_versions:
            return ""
        return (self.renditions.get("poster") or {}).get("name", "")


class Reminder(models.Model):
    """One notice to one recipient for one event day and one slot, on one channel.

    The row is written before anything is sent, under a unique constraint, so that two beats
    or a task delivered twice can never send the same notice twice. An in-site notice is
    delivered by the portal itself (sent); an e-mail or robot message is handed over to the
    outbox (``outbox``), whose status is its real fate (``delivery``).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("邮件")
        SITE = "site", _("站内通知")
        WEBHOOK = "webhook", _("群机器人")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        HANDED_OVER = "handed_over", _("已交发件箱")
        SKIPPED = "skipped", _("已跳过")
        FAILED = "failed", _("发送失败")

    class Delivery(models.TextChoices):
        """What became of a notice, as the office's log shows it."""

        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        SKIPPED = "skipped", _("已跳过")
        FAILED = "failed", _("发送失败")
        UNCERTAIN = "uncertain", _("不确定是否送达")

    event = models.ForeignKey(
        "events.Event", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="reminders"
    )
    day = models.DateField(_("日期"))
    slot = models.CharField(
        _("时段"), max_length=16, help_text=_("提醒时间如 14:00，或 overdue（逾期通知）。")
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("说明"), blank=True)
    # The outbox keeps what left the portal: a robot message may carry several events' reminders.
    outbox = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("外发消息"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(
        _("发送时间"), null=True, blank=True, help_text=_("站内通知送达或交给发件箱的时间。")
    )

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "day", "slot", "recipient", "channel"],
                condition=Q(recipient__isnull=False),
                name="reminder_once_per_person",
            ),
            # Without a person, the address tells notices apart: an event with several
            # reporting units mails each unit's contact person and posts to each unit's robot.
            models.UniqueConstraint(
                fields=["event", "day", "slot", "channel", "address"],
                condition=Q(recipient__isnull=True),
                name="reminder_once_per_address",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "site", "webhook"]), name="reminder_channel_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "handed_over", "skipped", "failed"]),
                name="reminder_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="handed_over") | Q(outbox__isnull=False),
                name="reminder_handed_over_has_message",
            ),
        ]
        indexes = [models.Index(fields=["day", "slot"], name="reminder_day_slot")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.day} {self.slot} {self.channel}"

    @property
    def delivery(self) -> str:
        """The notice's fate: its outbox message's once handed over (needs ``outbox`` loaded)."""
        if self.outbox_id is None:
            return self.status
        return DELIVERY_OF_OUTBOX_STATUS[self.outbox.status]

    def get_delivery_display(self) -> str:
        return self.Delivery(self.delivery).label

    @property
    def delivered_at(self):
        """When the notice left: the outbox's sent time once handed over, else the notice's."""
        return self.outbox.sent_at if self.outbox_id is not None else self.sent_at


# How the office reads an outbox message's status for the notices it carries.
DELIVERY_OF_OUTBOX_STATUS = {
    OutboxMessage.Status.PENDING: Reminder.Delivery.PENDING,
    OutboxMessage.Status.SENDING: Reminder.Delivery.PENDING,
    OutboxMessage.Status.SENT: Reminder.Delivery.SENT,
    OutboxMessage.Status.FAILED: Reminder.Delivery.FAILED,
    OutboxMessage.Status.UNCERTAIN: Reminder.Delivery.UNCERTAIN,
}


class DailyDispatch(models.Model):
    """A once-a-day mailing to the office (the digest, the bulletin), claimed before sending;
    sending writes one outbox message per recipient (``outbox_messages``)."""

    class Kind(models.TextChoices):
        DIGEST = "digest", _("每日汇总")
        BULLETIN = "bulletin", _("每日简报")

    week = models.ForeignKey(
        "events.Week", verbose_name=_("活动周"), on_delete=models.CASCADE, related_name="dispatches"
    )
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=Reminder.Status.choices, default=Reminder.Status.PENDING
    )
    reason = models.TextField(_("说明"), blank=True)
    outbox_messages = models.ManyToManyField(
        OutboxMessage, verbose_name=_("外发消息"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("交给发件箱的时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("每日发送")
        verbose_name_plural = _("每日发送")
        constraints = [
            models.UniqueConstraint(fields=["week", "day", "kind"], name="dispatch_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.week_id} {self.day} {self.kind}"
