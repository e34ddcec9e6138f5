"""Applicants, their entries (报名) and the rounds entrants reach."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exhibits.models import Project
from submissions.media.reasons import reason_message

from ..uploads import entry_file_path, entry_plan_path, entry_video_path
from .contest import Contest, FormField, Round, Track


class Applicant(models.Model):
    """A person who registers for contests, with the address their confirmation was sent to.

    ``email_confirmed_at`` counts only while ``email`` is still the account's address: an
    account whose address changed confirms again."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="contest_applicant",
    )
    email = models.EmailField(_("确认的邮箱"), blank=True)
    email_confirmed_at = models.DateTimeField(_("邮箱确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("注册时间"), default=timezone.now)

    class Meta:
        verbose_name = _("报名人")
        verbose_name_plural = _("报名人")

    def __str__(self) -> str:
        return str(self.user)

    def is_confirmed_for(self, email: str) -> bool:
        return self.email_confirmed_at is not None and self.email.casefold() == (email or "").casefold()


class Entry(models.Model):
    """A registration (报名): a project of a company or team in one track, with its business
    plan (PDF), an optional pitch video and the answers to the contest's own questions.

    The applicant edits it until registration closes; an edit after screening sends it back
    to be screened again. ``reached_round`` is the furthest round it entered (for filters);
    the rounds themselves are ``RoundEntry`` rows."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报名，待审核")
        ELIGIBLE = "eligible", _("审核通过")
        INELIGIBLE = "ineligible", _("审核未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    contest = models.ForeignKey(
        Contest, verbose_name=_("大赛"), on_delete=models.PROTECT, related_name="entries"
    )
    track = models.ForeignKey(Track, verbose_name=_("组别"), on_delete=models.PROTECT, related_name="entries")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名人"),
        on_delete=models.PROTECT,
        related_name="contest_entries",
    )
    number = models.PositiveIntegerField(_("报名序号"), null=True, blank=True, editable=False)
    name = models.CharField(_("项目名称"), max_length=80)
    organization = models.CharField(_("企业或团队名称"), max_length=120)
    contact_name = models.CharField(_("联系人"), max_length=60)
    contact_phone = models.CharField(_("联系电话"), max_length=32)
    contact_email = models.EmailField(_("联系邮箱"))
    answers = models.JSONField(_("报名表答案"), default=dict, blank=True)
    plan = models.FileField(_("商业计划书（PDF）"), upload_to=entry_plan_path, blank=True)
    plan_size = models.PositiveBigIntegerField(_("计划书大小（字节）"), default=0)
    video = models.FileField(_("路演视频"), upload_to=entry_video_path, blank=True)
    video_size = models.PositiveBigIntegerField(_("视频大小（字节）"), default=0)
    # A project of the week's online hall the entry presents (its holder picks it when
    # registering, or the organizer links it): shown with its cover and a link to its hall
    # page on the contest's page (once eligible) and the vote page, while it is public.
    project = models.ForeignKey(
        Project,
        verbose_name=_("展厅项目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contest_entries",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    screening_reason = models.TextField(_("审核意见"), blank=True)
    screened_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reached_round = models.ForeignKey(
        Round,
        verbose_name=_("已进入轮次"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报名时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["number", "id"]
        indexes = [
            models.Index(fields=["contest", "status", "number"], name="entry_contest_status"),
            models.Index(fields=["contest", "track", "number"], name="entry_contest_track"),
            models.Index(fields=["contest", "reached_round"], name="entry_contest_round"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contest", "applicant"], name="entry_once_per_applicant"),
            models.UniqueConstraint(
                fields=["contest", "number"], condition=Q(number__isnull=False), name="entry_number_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "eligible", "ineligible", "withdrawn"]),
                name="entry_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="ineligible") | ~Q(screening_reason=""),
                name="entry_ineligible_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        """The number shown to people, e.g. "0007" (a draft has none yet)."""
        return f"{self.number:04d}" if self.number else ""


class EntryVideo(models.Model):
    """The check and web versions of an entry's pitch video (``Entry.video``), on a row of its
    own so a worker's writes never race the applicant's edit of the entry.

    ``source`` is the stored name of the video this row judges: a replaced video starts over
    (``services.videos``). A worker checks it with the reports' media check (a video by
    content, read to its end in the sandboxed child, the week's video rules); a passed video
    of a public vote's candidate gets web versions from the reports' transcoder, recorded as
    in ``submissions.MediaFile.renditions``: {"source", "versions": {"360", "720",
    "preview"}, "poster", "seconds"}. Public pages play only those, never the upload."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待检查")
        CHECKING = "checking", _("检查中")
        PASSED = "passed", _("已通过检查")
        FAILED = "failed", _("未通过检查")

    class VersionsStatus(models.TextChoices):
        NONE = "", _("未开始")
        QUEUED = "queued", _("排队中")
        WORKING = "working", _("制作中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("制作失败")

    entry = models.OneToOneField(
        Entry, verbose_name=_("报名"), on_delete=models.CASCADE, primary_key=True, related_name="video_state"
    )
    source = models.CharField(_("视频文件"), max_length=255)
    status = models.CharField(_("检查状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    reasons = models.JSONField(_("未通过原因"), default=list, blank=True)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    duration = models.FloatField(_("时长（秒）"), null=True, blank=True)
    check_attempts = models.PositiveSmallIntegerField(_("检查次数"), default=0)
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    versions_status = models.CharField(
        _("网页版状态"), max_length=8, choices=VersionsStatus.choices, default="", blank=True
    )
    versions_progress = models.PositiveSmallIntegerField(_("网页版进度（百分比）"), default=0)
    versions_attempts = models.PositiveSmallIntegerField(_("网页版制作次数"), default=0)
    versions = models.JSONField(_("网页版"), default=dict, blank=True)
    queued_at = models.DateTimeField(_("排队时间"), default=timezone.now)
    # The worker's lease: set when a step is queued or claimed, renewed with each progress
    # report; work whose lease ran out is taken over by the sweep.
    alive_at = models.DateTimeField(_("最近确认"), null=True, blank=True)

    class Meta:
        verbose_name = _("路演视频检查")
        verbose_name_plural = _("路演视频检查")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "checking", "passed", "failed"]),
                name="entry_video_status_known",
            ),
            models.CheckConstraint(
                condition=Q(versions_status="") | Q(status="passed"),
                name="entry_video_versions_only_if_passed",
            ),
        ]

    def __str__(self) -> str:
        return self.source

    @property
    def web_versions(self) -> dict[str, dict]:
        """The finished web versions by slot ("360", "720", "preview"); empty until made."""
        recorded = self.versions or {}
        if self.versions_status != self.VersionsStatus.DONE or recorded.get("source") != self.source:
            return {}
        return recorded.get("versions") or {}

    @property
    def poster_name(self) -> str:
        return (self.versions.get("poster") or {}).get("name", "") if self.web_versions else ""

    @property
    def is_processing(self) -> bool:
        """Being checked: neither passed nor refused yet."""
        return self.status in (self.Status.QUEUED, self.Status.CHECKING)

    @property
    def reason_messages(self) -> list[str]:
        return [reason_message(item.get("code", ""), item.get("params") or {}) for item in self.reasons or []]


class EntryFile(models.Model):
    """A PDF answering a ``FormField`` of kind "file"."""

    entry = models.ForeignKey(Entry, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="files")
    field = models.ForeignKey(
        FormField, verbose_name=_("字段"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("文件"), upload_to=entry_file_path)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("报名附件")
        verbose_name_plural = _("报名附件")
        constraints = [models.UniqueConstraint(fields=["entry", "field"], name="entry_file_once_per_field")]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.field_id}"


class RoundEntry(models.Model):
    """An entrant of a round, in running order (出场顺序); ``story`` is what a public vote
    shows about the candidate (their interview, their path)."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="lineup")
    entry = models.ForeignKey(
        Entry, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="round_entries"
    )
    running_order = models.PositiveSmallIntegerField(_("出场顺序"))
    story = models.TextField(_("参赛故事"), blank=True)
    added_at = models.DateTimeField(_("晋级时间"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("轮次参赛项目")
        verbose_name_plural = _("轮次参赛项目")
        ordering = ["round_id", "running_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entry"], name="round_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.entry_id}"
