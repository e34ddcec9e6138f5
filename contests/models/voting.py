"""The public vote (网络投票) of a round: one vote per verified person, candidate group and
day, every vote kept as its own audit row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contest import Round, Track
from .entries import Entry


class VoteVoid(models.Model):
    """Votes of a flagged window voided by the organizer, with the reason: they leave the
    totals and stay in the audit. ``entry`` empty: every candidate's votes in the window."""

    round = models.ForeignKey(
        Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="vote_voids"
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("候选项目"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(_("起始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    reason = models.TextField(_("作废原因"))
    count = models.PositiveIntegerField(_("作废票数"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("操作时间"), default=timezone.now)

    class Meta:
        verbose_name = _("作废投票记录")
        verbose_name_plural = _("作废投票记录")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="vote_void_window_ordered"),
            models.CheckConstraint(condition=~Q(reason=""), name="vote_void_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.starts_at:%m-%d %H:%M}–{self.ends_at:%H:%M}"


class Vote(models.Model):
    """One vote. Nobody is named: ``voter`` is a keyed hash of the verified phone number or
    e-mail address, ``ip_prefix`` the client's network (/24, IPv6 /48), ``device`` a hash
    of the browser's signed device cookie. The unique constraint is the rule "once per
    candidate group (``track``) per day" itself."""

    class Proof(models.TextChoices):
        PHONE = "phone", _("手机")
        EMAIL = "email", _("邮箱")

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.PROTECT, related_name="votes")
    entry = models.ForeignKey(
        Entry, verbose_name=_("候选项目"), on_delete=models.PROTECT, related_name="votes"
    )
    track = models.ForeignKey(Track, verbose_name=_("组别"), on_delete=models.PROTECT, related_name="+")
    voter = models.CharField(_("投票人摘要"), max_length=64)
    proof = models.CharField(_("验证方式"), max_length=8, choices=Proof.choices)
    day = models.DateField(_("投票日"))
    ip_prefix = models.CharField(_("网段"), max_length=50)
    device = models.CharField(_("设备摘要"), max_length=32)
    created_at = models.DateTimeField(_("投票时间"), default=timezone.now)
    void = models.ForeignKey(
        VoteVoid,
        verbose_name=_("作废记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
    )

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["round", "entry"], name="vote_round_entry"),
            models.Index(fields=["round", "created_at"], name="vote_round_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "track", "voter", "day"], name="vote_once_per_group_and_day"
            ),
            models.CheckConstraint(condition=Q(proof__in=["phone", "email"]), name="vote_proof_known"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.entry_id} {self.created_at:%Y-%m-%d %H:%M:%S}"
