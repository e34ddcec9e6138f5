"""The online exhibition hall (云展厅): exhibitions of a host unit, their sections, curators
and invited holders; the holders' projects with images, documents and review history; a
visitor's verified cooperation intent (合作意向), the signing (签约) it may lead to, and the
daily page-view counters.

Who may see or do what is decided in ``rules.py``; the actions are in ``services/``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Organizer, Week
from submissions.media.reasons import reason_message

from .uploads import (
    import_file_path,
    project_cover_path,
    project_document_path,
    project_image_path,
    project_video_path,
)

HOLDER_INVITATION_MAX_AGE = dt.timedelta(days=14)


class Cooperation(models.TextChoices):
    """What a holder seeks (several at once) and what an intent or a signing is about (one)."""

    TRANSFER = "transfer", _("技术转让")
    LICENSE = "license", _("许可")
    CODEVELOP = "codevelop", _("合作开发")
    FINANCING = "financing", _("融资")
    LANDING = "landing", _("落地")


# A project's cooperation sought is a set, stored as bits (one column, filterable the same
# way on SQLite and PostgreSQL: ``cooperation & bit``). The order of the choices fixes the bits.
COOPERATION_BITS = {code: 1 << position for position, code in enumerate(Cooperation.values)}
ALL_COOPERATION_BITS = sum(COOPERATION_BITS.values())
OTHER_KIND = "other"
KIND_CHOICES = [*Cooperation.choices, (OTHER_KIND, _("其他"))]


def cooperation_bits(codes) -> int:
    return sum(COOPERATION_BITS[code] for code in set(codes))


def cooperation_codes(bits: int) -> list[str]:
    return [code for code, bit in COOPERATION_BITS.items() if bits & bit]


class ExhibitionQuerySet(models.QuerySet):
    def public(self, *, today: dt.date | None = None) -> ExhibitionQuerySet:
        """Published halls: permanent ones always, the others until their week has ended."""
        today = today or timezone.localdate()
        return self.filter(Q(is_published=True) & (Q(is_permanent=True) | Q(week__ends_on__gte=today)))


class Exhibition(models.Model):
    """An online hall (展厅) run by a host unit for a week, with a call period for projects.

    ``invite_link_generation`` is part of the signed open invitation link: raising it (a
    curator's "new link") makes every earlier link invalid.
    """

    host = models.ForeignKey(
        Organizer, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="exhibitions"
    )
    week = models.ForeignKey(
        Week, verbose_name=_("活动周"), on_delete=models.PROTECT, related_name="exhibitions"
    )
    title = models.CharField(_("展厅名称"), max_length=120)
    slug = models.SlugField(
        _("网址名"), max_length=60, unique=True, help_text=_("英文字母、数字和连字符，用于网址。")
    )
    year = models.PositiveSmallIntegerField(_("年份"), help_text=_("往届展厅按年份归档。"))
    intro = models.TextField(_("展厅介绍"), blank=True)
    call_opens_at = models.DateTimeField(_("征集开始时间"))
    call_closes_at = models.DateTimeField(
        _("征集截止时间"), null=True, blank=True, help_text=_("留空表示常年征集。")
    )
    is_published = models.BooleanField(_("公开展厅"), default=False)
    is_permanent = models.BooleanField(
        _("活动周后常设"), default=True, help_text=_("不勾选时，活动周结束后展厅不再公开。")
    )
    invite_link_generation = models.PositiveIntegerField(_("邀请链接版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ExhibitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("展厅")
        verbose_name_plural = _("展厅")
        ordering = ["-year", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(call_closes_at__isnull=True) | Q(call_closes_at__gt=F("call_opens_at")),
                name="exhibition_call_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def call_is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.call_opens_at <= now and (self.call_closes_at is None or now <= self.call_closes_at)

    def is_public(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_published and (self.is_permanent or self.week.ends_on >= today)


class Section(models.Model):
    """A section (展区) of a hall, e.g. 碳中和, 生物医药与大健康, 数字文创."""

    exhibition = models.ForeignKey(
        Exhibition, verbose_name=_("展厅"), on_delete=models.CASCADE, related_name="sections"
    )
    name = models.CharField(_("展区名称"), max_length=40)
    intro = models.TextField(_("展区介绍"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("展区")
        verbose_name_plural = _("展区")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exhibition", "name"], name="section_name_once_per_exhibition"),
        ]

    def __str__(self) -> str:
        return self.name


class Curator(models.Model):
    """A member of the host unit named to curate the hall: invite holders, review, feature,
    see intents and totals. Only named members, not the whole unit: the unit's other staff
    (information reporters, event organizers) have no business with holders' and visitors'
    contact details. A curator who leaves the unit stops curating (``selectors.access``)."""

    exhibition = models.ForeignKey(
        Exhibition, verbose_name=_("展厅"), on_delete=models.CASCADE, related_name="curators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="curatorships",
    )
    added_at = models.DateTimeField(_("添加时间"), default=timezone.now)

    class Meta:
        verbose_name = _("策展人")
        verbose_name_plural = _("策展人")
        constraints = [
            models.UniqueConstraint(fields=["exhibition", "user"], name="curator_once_per_exhibition")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.exhibition}"


class Holder(models.Model):
    """A person invited to submit projects to a hall (a university's, a company's or a team's).

    Their projects can be submitted once their e-mail address is confirmed (``confirmed_email``
    equals the account's address): at joining, when they came by an e-mailed invitation to
    that address; else by the signed link mailed to it. A curator may remove a holder
    (``removed_at``): they lose the hall, and the hall keeps their projects.
    """

    exhibition = models.ForeignKey(
        Exhibition, verbose_name=_("展厅"), on_delete=models.CASCADE, related_name="holders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="holderships"
    )
    organization = models.CharField(_("所在单位"), max_length=120, blank=True)
    joined_at = models.DateTimeField(_("加入时间"), default=timezone.now)
    confirmed_email = models.EmailField(_("已确认的邮箱"), blank=True)
    email_confirmed_at = models.DateTimeField(_("邮箱确认时间"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("确认邮件发送时间"), null=True, blank=True)
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移出人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("项目方")
        verbose_name_plural = _("项目方")
        constraints = [
            models.UniqueConstraint(fields=["exhibition", "user"], name="holder_once_per_exhibition")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.exhibition}"

    @property
    def email_confirmed(self) -> bool:
        email = self.user.email or ""
        return bool(email and self.confirmed_email and self.confirmed_email.casefold() == email.casefold())


class HolderInvitation(models.Model):
    """An e-mailed invitation for one address. Single use; the link carries this row's id
    signed with a timestamp and expires ``HOLDER_INVITATION_MAX_AGE`` after it was sent."""

    exhibition = models.ForeignKey(
        Exhibition, verbose_name=_("展厅"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("邮箱"))
    organization = models.CharField(_("所在单位"), max_length=120, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("邀请人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接受邀请的用户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("项目方邀请")
        verbose_name_plural = _("项目方邀请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} → {self.exhibition}"

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + HOLDER_INVITATION_MAX_AGE


class Project(models.Model):
    """A holder's project (展项/成果). Public once accepted; the contact person never is."""

    class Stage(models.TextChoices):
        CONCEPT = "concept", _("概念")
        PROTOTYPE = "prototype", _("样机")
        LAB = "lab", _("小试")
        PILOT = "pilot", _("中试")
        PRODUCTION = "production", _("量产")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已入展")
        REJECTED = "rejected", _("未入选")

    exhibition = models.ForeignKey(
        Exhibition, verbose_name=_("展厅"), on_delete=models.PROTECT, related_name="projects"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("展区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exhibit_projects",
        help_text=_("维护此项目的项目方账号；批量导入的项目可以没有。"),
    )
    title = models.CharField(_("项目名称"), max_length=80)
    pitch = models.CharField(_("一句话介绍"), max_length=120, blank=True)
    description = models.TextField(_("项目介绍"), blank=True)
    stage = models.CharField(_("所处阶段"), max_length=16, choices=Stage.choices, blank=True)
    cooperation = models.PositiveSmallIntegerField(_("寻求合作方式"), default=0)
    organization = models.CharField(_("成果所属单位"), max_length=120, blank=True)
    team = models.TextField(_("团队成员"), blank=True)
    cover = models.ImageField(_("封面图"), upload_to=project_cover_path, blank=True)
    # Its web versions (services/images.py, core.image_versions): {"source": ..., "versions": ...}.
    cover_versions = models.JSONField(_("封面图网页版本"), default=dict, blank=True, editable=False)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系人电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("联系人邮箱"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    featured_order = models.PositiveSmallIntegerField(
        _("精选排序"), null=True, blank=True, help_text=_("留空表示不精选；数字小的排在前面。")
    )
    external_id = models.CharField(
        _("外部编号"), max_length=64, blank=True, help_text=_("批量导入时的稳定编号，再次导入时据此更新。")
    )
    # What the last import wrote (its values and image contents, hashed): the same row again
    # changes nothing; a changed row is updated.
    import_fingerprint = models.CharField(_("导入指纹"), max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("入展时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("展项")
        verbose_name_plural = _("展项")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["exhibition", "status"], name="project_exhibition_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned", "accepted", "rejected"]),
                name="project_status_known",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=["", "concept", "prototype", "lab", "pilot", "production"]),
                name="project_stage_known",
            ),
            models.CheckConstraint(
                condition=Q(cooperation__lte=ALL_COOPERATION_BITS), name="project_cooperation_known"
            ),
            models.UniqueConstraint(
                fields=["exhibition", "external_id"],
                condition=~Q(external_id=""),
                name="project_external_id_once_per_exhibition",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cooperation_codes(self) -> list[str]:
        return cooperation_codes(self.cooperation)

    @property
    def cooperation_labels(self) -> list[str]:
        labels = dict(Cooperation.choices)
        return [labels[code] for code in self.cooperation_codes]

    @property
    def is_featured(self) -> bool:
        return self.featured_order is not None

    @property
    def open_revision(self) -> ProjectRevision | None:
        """The holder's changes to this accepted project not yet accepted (pending or returned)."""
        return getattr(self, "revision", None)

    @property
    def has_pending_changes(self) -> bool:
        revision = self.open_revision
        return revision is not None and revision.status == ProjectRevision.Status.PENDING


# The fields the public sees that a holder's change to an accepted project puts in review.
PUBLIC_FIELDS = ("title", "pitch", "section", "stage", "cooperation", "organization", "team", "description")


class ProjectRevision(models.Model):
    """A holder's changes to an accepted project, in review: the public keeps seeing the last
    accepted version (the project's own row, images and documents) until a curator accepts
    them. It holds the changed project's public fields whole, and a new cover if one was
    uploaded; added and deleted images and documents are marked ``pending`` on their rows.
    Returned, the holder edits it again; accepted, it is applied to the project and deleted;
    not accepted, it is discarded."""

    class Status(models.TextChoices):
        PENDING = "pending", _("修改待审核")
        RETURNED = "returned", _("修改已退回")

    project = models.OneToOneField(
        Project, verbose_name=_("展项"), on_delete=models.CASCADE, related_name="revision"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    title = models.CharField(_("项目名称"), max_length=80)
    pitch = models.CharField(_("一句话介绍"), max_length=120, blank=True)
    section = models.ForeignKey(
        Section, verbose_name=_("展区"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(_("所处阶段"), max_length=16, choices=Project.Stage.choices, blank=True)
    cooperation = models.PositiveSmallIntegerField(_("寻求合作方式"), default=0)
    organization = models.CharField(_("成果所属单位"), max_length=120, blank=True)
    team = models.TextField(_("团队成员"), blank=True)
    description = models.TextField(_("项目介绍"), blank=True)
    cover = models.ImageField(_("新封面图"), upload_to=project_cover_path, blank=True)
    cover_cleared = models.BooleanField(_("删除封面图"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("展项修改")
        verbose_name_plural = _("展项修改")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "returned"]), name="project_revision_status_known"
            ),
            models.CheckConstraint(
                condition=Q(cover_cleared=False) | Q(cover=""), name="project_revision_cover_or_cleared"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.title}"


class Pending(models.TextChoices):
    """An image or document changed on an accepted project waits for the curator with its
    revision: an added one is not public yet, a deleted one stays public until then."""

    NONE = "", _("已生效")
    ADD = "add", _("新增，待审核")
    DELETE = "delete", _("删除，待审核")


class ProjectImage(models.Model):
    """One of a project's images (at most ``MAX_PER_PROJECT``), JPEG or PNG by content."""

    MAX_PER_PROJECT = 9

    project = models.ForeignKey(
        Project, verbose_name=_("展项"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(
        _("图片"), upload_to=project_image_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("宽度"), null=True, editable=False)
    height = models.PositiveIntegerField(_("高度"), null=True, editable=False)
    versions = models.JSONField(_("网页版本"), default=dict, blank=True, editable=False)
    caption = models.CharField(_("图片说明"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    pending = models.CharField(_("待审核变更"), max_length=8, choices=Pending.choices, blank=True, default="")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("展项图片")
        verbose_name_plural = _("展项图片")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class ProjectDocument(models.Model):
    """A PDF attached to a project (a brochure, a patent list), checked by its first bytes."""

    MAX_PER_PROJECT = 5

    project = models.ForeignKey(
        Project, verbose_name=_("展项"), on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("文件"), upload_to=project_document_path)
    title = models.CharField(_("文件名称"), max_length=80)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    pending = models.CharField(_("待审核变更"), max_length=8, choices=Pending.choices, blank=True, default="")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("展项文档")
        verbose_name_plural = _("展项文档")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class ProjectVideo(models.Model):
    """A project's video: one per project (on an accepted project a replacement waits for
    review beside it, like an added image: ``pending``). Uploaded by the holder, kept as
    uploaded and never served; a worker checks it with the reports' media check
    (``submissions.media``: a video by content, read to its end, the week's video rules) and
    then makes its web versions with the reports' transcoder
    (``submissions.services.renditions.web_versions_make``), recorded as in
    ``MediaFile.renditions``: {"source", "versions": {"360", "720", "preview"}, "poster",
    "seconds"}. Public pages play only those (``services.videos``).
    """

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

    project = models.ForeignKey(
        Project, verbose_name=_("展项"), on_delete=models.CASCADE, related_name="videos"
    )
    file = models.FileField(_("视频"), upload_to=project_video_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    pending = models.CharField(_("待审核变更"), max_length=8, choices=Pending.choices, blank=True, default="")
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
    # The worker's lease: set when the check or the web versions are queued or claimed,
    # renewed with each progress report; work whose lease ran out is taken over by the sweep.
    alive_at = models.DateTimeField(_("最近确认"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("展项视频")
        verbose_name_plural = _("展项视频")
        ordering = ["uploaded_at", "id"]
        constraints = [
            # One video the public may see (or sees until a deletion is accepted) ...
            models.UniqueConstraint(
                fields=["project"], condition=~Q(pending="add"), name="project_video_one_live"
            ),
            # ... and at most one waiting to replace it.
            models.UniqueConstraint(
                fields=["project"], condition=Q(pending="add"), name="project_video_one_in_review"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "checking", "passed", "failed"]),
                name="project_video_status_known",
            ),
            models.CheckConstraint(
                condition=Q(versions_status="") | Q(status="passed"),
                name="project_video_versions_only_if_passed",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.file.name

    @property
    def web_versions(self) -> dict[str, dict]:
        """The finished web versions by slot ("360", "720", "preview"); empty until made."""
        recorded = self.versions or {}
        if self.versions_status != self.VersionsStatus.DONE or recorded.get("source") != self.file.name:
            return {}
        return recorded.get("versions") or {}

    @property
    def poster_name(self) -> str:
        return (self.versions.get("poster") or {}).get("name", "") if self.web_versions else ""

    @property
    def is_processing(self) -> bool:
        """Checked or being made ready: neither playable nor refused yet."""
        if self.status in (self.Status.QUEUED, self.Status.CHECKING):
            return True
        return self.status == self.Status.PASSED and self.versions_status in (
            self.VersionsStatus.NONE,
            self.VersionsStatus.QUEUED,
            self.VersionsStatus.WORKING,
        )

    @property
    def reason_messages(self) -> list[str]:
        return [reason_message(item.get("code", ""), item.get("params") or {}) for item in self.reasons or []]


class Presentation(models.Model):
    """A project presented at an event of the hall's week (a 路演 or a 对接会), in the event's
    running order. Attached by the hall's curators or the office (``services.presentations``);
    the public event page lists the event's projects, a project's page its events."""

    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="exhibit_presentations"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("展项"), on_delete=models.CASCADE, related_name="presentations"
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("添加时间"), default=timezone.now)

    class Meta:
        verbose_name = _("路演展项")
        verbose_name_plural = _("路演展项")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "project"], name="presentation_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.project_id}"


class ProjectReview(models.Model):
    """One step of a project's review history: who did what, when, why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("提交审核")
        RETURN = "return", _("退回修改")
        ACCEPT = "accept", _("审核入展")
        REJECT = "reject", _("未予入选")
        REVISE = "revise", _("入展后修改，重新审核")
        REVISE_ACCEPT = "revise_accept", _("修改通过")
        REVISE_RETURN = "revise_return", _("修改退回")
        REVISE_REJECT = "revise_reject", _("修改未通过，保留原版本")
        IMPORT = "import", _("批量导入")

    project = models.ForeignKey(
        Project, verbose_name=_("展项"), on_delete=models.CASCADE, related_name="reviews"
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=Project.Status.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Project.Status.choices)
    reason = models.TextField(_("意见"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("展项审核记录")
        verbose_name_plural = _("展项审核记录")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=["return", "reject", "revise_return", "revise_reject"])
                | ~Q(reason=""),
                name="review_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.get_action_display()}"


class ProjectDailyViews(models.Model):
    """How many times a project's public page was opened on one day (local time). Nothing
    about the visitor is kept: no cookie, no address, only this number."""

    project = models.ForeignKey(
        Project, verbose_name=_("展项"), on_delete=models.CASCADE, related_name="daily_views"
    )
    day = models.DateField(_("日期"))
    count = models.PositiveIntegerField(_("浏览次数"), default=0)

    class Meta:
        verbose_name = _("展项每日浏览量")
        verbose_name_plural = _("展项每日浏览量")
        constraints = [models.UniqueConstraint(fields=["project", "day"], name="project_views_once_per_day")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day}: {self.count}"


class Intent(models.Model):
    """A visitor's cooperation intent (合作意向) on a project. It reaches the holder only once
    confirmed with the code sent to the visitor (``confirmed_at``); unconfirmed ones are
    deleted after a day. Never public."""

    class Role(models.TextChoices):
        INVESTOR = "investor", _("投资人")
        COMPANY = "company", _("企业")
        MENTOR = "mentor", _("创业导师")
        RESEARCH = "research", _("高校院所")
        CITIZEN = "citizen", _("个人")
        OTHER = "other", _("其他")

    class Answer(models.TextChoices):
        NEW = "new", _("待回复")
        CONTACTED = "contacted", _("已联系")
        IN_TALKS = "in_talks", _("洽谈中")
        DECLINED = "declined", _("暂不合作")

    project = models.ForeignKey(
        Project, verbose_name=_("展项"), on_delete=models.CASCADE, related_name="intents"
    )
    name = models.CharField(_("姓名"), max_length=60)
    organization = models.CharField(_("单位"), max_length=120, blank=True)
    role = models.CharField(_("身份"), max_length=16, choices=Role.choices)
    kind = models.CharField(_("合作方式"), max_length=16, choices=KIND_CHOICES)
    message = models.TextField(_("留言"), max_length=1000)
    email = models.EmailField(_("邮箱"))
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    channel = models.CharField(_("验证方式"), max_length=16, default="email")
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_sent_at = models.DateTimeField(_("验证码发送时间"), null=True, blank=True)
    code_sends = models.PositiveSmallIntegerField(_("验证码发送次数"), default=0)
    code_attempts = models.PositiveSmallIntegerField(_("验证码尝试次数"), default=0)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    answer = models.CharField(_("项目方回复"), max_length=16, choices=Answer.choices, default=Answer.NEW)
    answer_note = models.TextField(_("回复备注"), blank=True)
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("合作意向")
        verbose_name_plural = _("合作意向")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "confirmed_at"], name="intent_project_confirmed")]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer__in=["new", "contacted", "in_talks", "declined"]),
                name="intent_answer_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.project_id}"


class Signing(models.Model):
    """A cooperation agreement (签约) recorded by the holder or a curator."""

    project = models.ForeignKey(
        Project, verbose_name=_("展项"), on_delete=models.CASCADE, related_name="signings"
    )
    intent = models.ForeignKey(
        Intent,
        verbose_name=_("来自合作意向"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signings",
    )
    parties = models.CharField(_("签约方"), max_length=200)
    kind = models.CharField(_("合作方式"), max_length=16, choices=KIND_CHOICES)
    amount = models.DecimalField(
        _("金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True, help_text=_("可不填。")
    )
    signed_on = models.DateField(_("签约日期"))
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("签约")
        verbose_name_plural = _("签约")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="signing_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.parties}"


class ProjectImportJob(models.Model):
    """A curator's bulk import of projects: an .xlsx (and a .zip of images) checked by a
    worker into a preview, then, once the curator confirms, imported by a worker.

    The files wait in storage (never served) until the job is imported, cancelled or fails.
    ``preview`` holds the check's outcome (``importing.preview_as_json``), ``outcome`` the
    counts of an import; ``phase``, ``done`` and ``total`` the worker's progress.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        CHECKING = "checking", _("检查中")
        CHECKED = "checked", _("待确认")
        IMPORTING = "importing", _("导入中")
        IMPORTED = "imported", _("已导入")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    PENDING = ("queued", "checking", "importing")
    # A pending job whose progress has not moved for this long has lost its worker.
    STALE_AFTER = dt.timedelta(minutes=15)
    # Files of a job never confirmed are deleted this long after it was checked.
    KEEP_FILES_FOR = dt.timedelta(days=1)

    exhibition = models.ForeignKey(
        Exhibition, verbose_name=_("展厅"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sheet = models.FileField(_("项目表"), upload_to=import_file_path, blank=True)
    sheet_name = models.CharField(_("项目表文件名"), max_length=255, blank=True)
    images = models.FileField(_("图片压缩包"), upload_to=import_file_path, blank=True)
    images_name = models.CharField(_("图片压缩包文件名"), max_length=255, blank=True)
    accept = models.BooleanField(_("导入后直接入展"), default=False)
    language = models.CharField(_("语言"), max_length=16, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    # What the worker is doing now ("rows", "images", "saving") and how far it got.
    phase = models.CharField(_("阶段"), max_length=16, blank=True)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    preview = models.JSONField(_("检查结果"), null=True, blank=True)
    outcome = models.JSONField(_("导入结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("展项导入任务")
        verbose_name_plural = _("展项导入任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "queued",
                        "checking",
                        "checked",
                        "importing",
                        "imported",
                        "failed",
                        "cancelled",
                    ]
                ),
                name="project_import_job_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_name or self.pk}: {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def is_stale(self) -> bool:
        return self.is_pending and timezone.now() - self.updated_at > self.STALE_AFTER

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
