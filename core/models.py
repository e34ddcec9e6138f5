from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicVersion(models.Model):
    """How many times what the public sees has changed: one row, counted by every bump.

    Kept in the database so that a bump made while the shared cache is away is not lost: the
    cache remembers the count its version has seen, and a new version starts when they differ
    (``core.public_cache.resync_public_version``). Public pages never read it.
    """

    value = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.value)


class Heartbeat(models.Model):
    """When a periodic task last ran on a worker: fresh means beat scheduled it and a worker ran it."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


class OutboxMessage(models.Model):
    """One outgoing message (an e-mail, a group-robot post), written with the action that
    causes it and sent once by a worker (``core.outbox``).

    ``key`` names what the message is, so writing it twice stores it once. A send whose
    outcome is unknown (the connection broke after the message may have left) is marked
    uncertain and never sent again by itself: the office decides, in the admin, whether it
    arrived or should go again (``decided_by``).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("邮件")
        WEBHOOK = "webhook", _("群机器人")
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        UNCERTAIN = "uncertain", _("不确定是否送达")

    key = models.CharField(_("消息键"), max_length=200, unique=True)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # E-mail: the addresses. Webhook: the robot's URL (its query carries the robot's secret key).
    # SMS: one mobile number.
    to = models.JSONField(_("收件人"))
    subject = models.CharField(_("主题"), max_length=300)
    text = models.TextField(_("正文"))
    html = models.TextField(_("HTML 正文"), blank=True)
    # What a channel needs besides the text: SMS its template and parameters (``core.sms``), a
    # robot the mobile numbers to @mention and a DingTalk signing secret (``core.webhooks``).
    # Cleared with the body once sent: parameters hold codes, the secret signs posts.
    data = models.JSONField(_("发送参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("写入时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["email", "webhook", "sms"]), name="outbox_channel_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients_shown)}"

    @property
    def recipients_shown(self) -> list[str]:
        """The addresses as the office may see them: a robot's URL without its secret key."""
        if self.channel == self.Channel.WEBHOOK:
            return [address.split("?", 1)[0] for address in self.to]
        if self.channel == self.Channel.SMS:  # voters' numbers: enough to tell them apart
            return [f"{number[:3]}****{number[-4:]}" if len(number) >= 11 else "****" for number in self.to]
        return list(self.to)


class OutboxAttachment(models.Model):
    """A file sent with an e-mail of the outbox; deleted with the body once the message is sent."""

    message = models.ForeignKey(
        OutboxMessage, verbose_name=_("外发消息"), on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("文件名"), max_length=255)
    mime_type = models.CharField(_("文件类型"), max_length=100)
    content = models.BinaryField(_("内容"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ChangeCounter(models.Model):
    """How many times something a live page follows has changed (``core.change_counters``).

    One row per name ("events", "reports"); pages compare the numbers, never their size. Kept
    in the database rather than the shared cache so that a bump is never lost while Redis is
    away and readers never see the count go back after a Redis restart.
    """

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.value}"


class OneTimeCode(models.Model):
    """A code sent to prove an address (``core.codes``): only keyed hashes of the address and
    the code are kept. Single use; a newer code for the same address and purpose replaces it."""

    purpose = models.CharField(_("用途"), max_length=40)
    address_hash = models.CharField(_("地址摘要"), max_length=64)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("验证码")
        verbose_name_plural = _("验证码")
        indexes = [
            models.Index(fields=["purpose", "address_hash", "created_at"], name="onetimecode_address"),
            models.Index(fields=["created_at"], name="onetimecode_created"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.address_hash[:8]}"


class ViewCount(models.Model):
    """Plays of a page or video on one day (``core.view_counts``): one row per week, kind
    ("event", "media", ...: named by the app that counts), object id and day. No address,
    cookie or anything else about the viewer is kept."""

    week_id = models.BigIntegerField()
    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week_id", "kind", "object_id", "day"], name="view_count_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.day}: {self.count}"


# Resumable uploads keep their model beside their protocol (core/resumable/); imported here so
# the app registry and migrations know it.
from .resumable.models import ResumableUpload  # noqa: E402,F401
