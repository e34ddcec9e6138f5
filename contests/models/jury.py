"""The jury of a round: criteria, jurors invited by link, their assessments and scores."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .contest import Round, Track
from .entries import Entry


class Criterion(models.Model):
    """A scoring criterion (评分项) of a round, e.g. 技术创新: scored from 0 to ``max_score``,
    counted with ``weight`` (a juror's total is the sum of score ÷ max × weight, so criteria
    scored out of their weight, 30/30/20/20, simply add up)."""

    round = models.ForeignKey(
        Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("评分项"), max_length=40)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="criterion_name_once_per_round"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Juror(models.Model):
    """A juror (评委) of a round, invited by a link: no account, only a name and a phone or
    e-mail. With ``track`` set the juror is on that track's panel and sees only its entrants.

    ``link_generation`` is part of the signed link: a new link makes the old one useless.
    Once ``submitted_at`` is set the juror's scores are locked."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="jurors")
    track = models.ForeignKey(
        Track,
        verbose_name=_("评审组别"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jurors",
        help_text=_("留空表示评审本轮所有组别。"),
    )
    name = models.CharField(_("姓名"), max_length=60)
    title = models.CharField(_("单位及职务"), max_length=120, blank=True)
    phone = models.CharField(_("手机"), max_length=32, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    link_generation = models.PositiveIntegerField(_("链接版本"), default=1, editable=False)
    submitted_at = models.DateTimeField(_("提交评分时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("邀请时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评委")
        verbose_name_plural = _("评委")
        ordering = ["round_id", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="juror_has_phone_or_email"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_submitted(self) -> bool:
        return self.submitted_at is not None


class Assessment(models.Model):
    """What a juror says about one entrant besides the scores: a comment, or a declared
    conflict of interest (回避), which leaves that juror's scores of the entrant out."""

    juror = models.ForeignKey(
        Juror, verbose_name=_("评委"), on_delete=models.CASCADE, related_name="assessments"
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="assessments"
    )
    comment = models.TextField(_("评语"), blank=True)
    conflict = models.BooleanField(_("申请回避"), default=False)
    conflict_note = models.CharField(_("回避原因"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评审意见")
        verbose_name_plural = _("评审意见")
        constraints = [models.UniqueConstraint(fields=["juror", "entry"], name="assessment_once")]

    def __str__(self) -> str:
        return f"{self.juror_id} → {self.entry_id}"


class Score(models.Model):
    """A juror's score of one entrant on one criterion: one row, written again on every
    change (idempotent per juror, entrant and criterion). ``seq`` is the sending device's
    order of changes: an older change that arrives late (a resend after a dropped
    connection) never overwrites a newer one."""

    juror = models.ForeignKey(Juror, verbose_name=_("评委"), on_delete=models.CASCADE, related_name="scores")
    entry = models.ForeignKey(Entry, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("评分项"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    seq = models.BigIntegerField(_("修改序号"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["juror", "entry", "criterion"], name="score_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.juror_id}/{self.entry_id}/{self.criterion_id}: {self.value}"
