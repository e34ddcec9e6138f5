from django.db import models
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
    """One e-mail, written with the action that causes it and sent once by a worker.

    ``key`` names what the message is, so writing it twice stores it once. A send whose
    outcome is unknown (the connection broke after the message may have left) is marked
    uncertain and never sent again by itself: the office sees it in the admin.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        UNCERTAIN = "uncertain", _("不确定是否送达")

    key = models.CharField(_("消息键"), max_length=200, unique=True)
    to = models.JSONField(_("收件人"))
    subject = models.CharField(_("主题"), max_length=300)
    text = models.TextField(_("正文"))
    html = models.TextField(_("HTML 正文"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("写入时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待发邮件")
        verbose_name_plural = _("待发邮件")
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


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
