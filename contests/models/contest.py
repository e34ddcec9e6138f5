"""A contest, its tracks and rounds, and the fields of its registration form."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event


class Contest(models.Model):
    """A contest (大赛) attached to an event of the week; the event's host unit runs it.

    Registration is open from ``registration_opens_at`` to ``registration_closes_at``; until
    then applicants may edit their entries. ``is_published`` shows the contest's public page.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("所属活动"), on_delete=models.PROTECT, related_name="contests"
    )
    title = models.CharField(_("大赛名称"), max_length=120)
    slug = models.SlugField(
        _("网址名"), max_length=60, unique=True, help_text=_("英文字母、数字和连字符，用于网址。")
    )
    intro = models.TextField(_("大赛介绍"), blank=True)
    registration_opens_at = models.DateTimeField(_("报名开始时间"))
    registration_closes_at = models.DateTimeField(_("报名截止时间"))
    is_published = models.BooleanField(_("公开大赛页面"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("大赛")
        verbose_name_plural = _("大赛")
        ordering = ["-registration_opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                name="contest_registration_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def registration_is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.registration_opens_at <= now <= self.registration_closes_at

    def registration_has_closed(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) > self.registration_closes_at


class Track(models.Model):
    """A track (组别) entrants register in, e.g. 企业组, 团队组. In a public vote, a track is a
    candidate group: a voter votes once a day in each."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("大赛"), on_delete=models.CASCADE, related_name="tracks"
    )
    name = models.CharField(_("组别名称"), max_length=40)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("组别")
        verbose_name_plural = _("组别")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="track_name_once_per_contest")
        ]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """A round (预赛, 复赛, 决赛) with its dates. Jurors score its entrants on its criteria; a
    round with a vote window (``vote_opens_at``/``vote_closes_at``) is also a public vote
    over its entrants. Results are public from ``results_published_at``, as ``results`` holds
    them then (a snapshot: what was published stays what it was)."""

    class TieRule(models.TextChoices):
        CRITERIA = "criteria", _("总分相同时，依次比较权重最高的评分项平均得分，仍相同则名次并列")
        SHARED = "shared", _("总分相同时名次并列")

    contest = models.ForeignKey(
        Contest, verbose_name=_("大赛"), on_delete=models.CASCADE, related_name="rounds"
    )
    name = models.CharField(_("轮次名称"), max_length=20)
    number = models.PositiveSmallIntegerField(_("第几轮"), help_text=_("1 为第一轮，晋级按此顺序。"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    trimmed_mean = models.BooleanField(
        _("去掉一个最高分和一个最低分"),
        default=False,
        help_text=_("评委不少于 5 人时，每个参赛项目去掉一个最高分和一个最低分后取平均。"),
    )
    tie_rule = models.CharField(
        _("同分规则"), max_length=16, choices=TieRule.choices, default=TieRule.CRITERIA
    )
    vote_opens_at = models.DateTimeField(_("网络投票开始时间"), null=True, blank=True)
    vote_closes_at = models.DateTimeField(_("网络投票截止时间"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("成绩公布时间"), null=True, blank=True)
    results = models.JSONField(_("公布的成绩"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("轮次")
        verbose_name_plural = _("轮次")
        ordering = ["contest_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="round_number_once_per_contest"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="round_ends_after_start"),
            models.CheckConstraint(
                condition=Q(tie_rule__in=["criteria", "shared"]), name="round_tie_rule_known"
            ),
            models.CheckConstraint(
                condition=Q(vote_opens_at__isnull=True, vote_closes_at__isnull=True)
                | Q(vote_opens_at__isnull=False, vote_closes_at__gt=F("vote_opens_at")),
                name="round_vote_window_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_vote(self) -> bool:
        return self.vote_opens_at is not None

    def vote_is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.has_vote and self.vote_opens_at <= now < self.vote_closes_at

    def vote_has_closed(self, now: dt.datetime | None = None) -> bool:
        return self.has_vote and (now or timezone.now()) >= self.vote_closes_at

    @property
    def results_are_published(self) -> bool:
        return self.results_published_at is not None


class FormField(models.Model):
    """A question of the registration form, besides what every entry has (track, project
    name, unit or team, contact, plan, video). A removed field with answers is kept inactive,
    so the answers stay readable in exports."""

    class Kind(models.TextChoices):
        TEXT = "text", _("文字")
        CHOICE = "choice", _("单选")
        FILE = "file", _("文件（PDF）")
        MEMBERS = "members", _("团队成员")

    contest = models.ForeignKey(
        Contest, verbose_name=_("大赛"), on_delete=models.CASCADE, related_name="fields"
    )
    label = models.CharField(_("题目"), max_length=60)
    help_text = models.CharField(_("填写说明"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    required = models.BooleanField(_("必填"), default=True)
    multiline = models.BooleanField(_("多行文字"), default=False)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    max_members = models.PositiveSmallIntegerField(_("成员人数上限"), default=10)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        verbose_name = _("报名表字段")
        verbose_name_plural = _("报名表字段")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["text", "choice", "file", "members"]), name="form_field_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def answer_key(self) -> str:
        """Where an entry's ``answers`` keep this field's answer."""
        return str(self.pk)
