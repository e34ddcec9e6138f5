"""Week, organizer units and their members, events, and the notices users receive."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.roles import is_office_reviewer, organizer_ids

from .uploads import event_cover_path

MIB = 1024 * 1024


class User(AbstractUser):
    """A person who signs in: an organizer member, an office reviewer or an operator."""

    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机或电话"), max_length=32, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


def default_reminder_times() -> list[str]:
    return ["14:00", "15:30"]


def default_publication_checklist() -> list[str]:
    return ["不含涉密内容", "内容适合公开发布", "数字与事实准确"]


class WeekQuerySet(models.QuerySet):
    def current(self) -> Week | None:
        return self.filter(is_current=True).first()


class Week(models.Model):
    """One edition of the week, with the reporting rules every event of it follows."""

    name = models.CharField(_("名称"), max_length=120)
    theme = models.CharField(_("主题"), max_length=200)
    unified_title = models.CharField(
        _("统一冠名"),
        max_length=200,
        help_text=_("每项专题活动的标题都以此开头，活动自行增加副标题。"),
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    time_zone = models.CharField(_("时区"), max_length=64, default="Asia/Shanghai")
    deadline_time = models.TimeField(_("每日报送截止时间"), default=dt.time(16, 0))
    photo_min_bytes = models.PositiveBigIntegerField(_("照片最小字节数"), default=2 * MIB)
    photo_max_bytes = models.PositiveBigIntegerField(_("照片最大字节数"), default=40 * MIB)
    video_min_width = models.PositiveIntegerField(_("视频最小宽度（像素）"), default=1280)
    video_min_height = models.PositiveIntegerField(_("视频最小高度（像素）"), default=720)
    video_max_bytes = models.PositiveBigIntegerField(_("视频最大字节数"), default=2 * 1024 * MIB)
    photos_required = models.PositiveSmallIntegerField(_("每份报送至少合格照片数"), default=1)
    video_required = models.BooleanField(_("每份报送必须有视频"), default=False)
    # Quotas against storage exhaustion. A report may hold twenty photos and three videos
    # (the rules ask for a few of each; room is left to replace failed ones), and a unit may
    # store 8 GiB a day: one report filled to every maximum (20 x 40 MiB + 3 x 2 GiB, about
    # 6.8 GiB) still fits, with room for a re-upload. Failed files count until deleted.
    max_photos_per_report = models.PositiveSmallIntegerField(
        _("每份报送最多照片数"), default=20, help_text=_("含检查不合格但未删除的照片。")
    )
    max_videos_per_report = models.PositiveSmallIntegerField(
        _("每份报送最多视频数"), default=3, help_text=_("含检查不合格但未删除的视频。")
    )
    max_bytes_per_unit_day = models.PositiveBigIntegerField(
        _("每个单位每天最多上传字节数"),
        default=8 * 1024 * MIB,
        help_text=_("按活动周时区的自然日，合计主办单位所有活动上传的照片和视频；删除文件后释放。"),
    )
    reminder_times = models.JSONField(
        _("提醒时间"), default=default_reminder_times, help_text=_("当地时间，如 14:00、15:30。")
    )
    reminder_grace_minutes = models.PositiveSmallIntegerField(_("提醒宽限分钟数"), default=20)
    remind_contact = models.BooleanField(_("同时提醒联系人"), default=False)
    digest_delay_minutes = models.PositiveSmallIntegerField(_("截止后多少分钟发送汇总"), default=5)
    digest_recipients = models.JSONField(_("每日汇总收件人"), default=list, blank=True)
    bulletin_time = models.TimeField(_("每日简报发送时间"), default=dt.time(16, 30))
    bulletin_recipients = models.JSONField(_("每日简报收件人"), default=list, blank=True)
    publication_checklist = models.JSONField(
        _("发布审核清单"), default=default_publication_checklist, blank=True
    )
    # The office's own people, as the plan's 信息报送 section names them: shown on every
    # organizer page, in every reminder e-mail and in the public footer.
    office_contact_name = models.CharField(_("活动周联系人"), max_length=60, blank=True)
    report_contact_name = models.CharField(_("信息报送联系人"), max_length=60, blank=True)
    office_email = models.EmailField(_("联系邮箱"), blank=True)
    office_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    copy_to = models.TextField(
        _("抄送"),
        blank=True,
        help_text=_("收到每日简报的单位，照方案原文填写，如“市委办公室，市人大常委会办公室”；印在简报末尾。"),
    )
    is_current = models.BooleanField(_("当前活动周"), default=False)
    is_published = models.BooleanField(_("已公开"), default=False)
    review_public_changes = models.BooleanField(
        _("已发布活动的公开内容变更须审核"),
        default=True,
        help_text=_(
            "勾选后，已发布活动修改标题、活动简介、直播链接或封面图，与修改时间、地点一样须经审核通过才公开；"
            "不勾选则保存后立即公开。"
        ),
    )

    objects = WeekQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动周")
        verbose_name_plural = _("活动周")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="week_ends_on_or_after_start"
            ),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="week_only_one_current"
            ),
            models.CheckConstraint(condition=Q(photo_min_bytes__gt=0), name="week_photo_min_positive"),
            models.CheckConstraint(
                condition=Q(photo_max_bytes__gte=F("photo_min_bytes")),
                name="week_photo_max_at_least_min",
            ),
            models.CheckConstraint(
                condition=Q(video_min_width__gt=0, video_min_height__gt=0),
                name="week_video_min_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (KeyError, ValueError):
            raise ValidationError({"time_zone": _("未知的时区：%(tz)s") % {"tz": self.time_zone}}) from None
        if not isinstance(self.reminder_times, list) or not all(
            _is_hh_mm(value) for value in self.reminder_times
        ):
            raise ValidationError({"reminder_times": _("提醒时间须为“时:分”格式的列表，如 14:00。")})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def days(self) -> list[dt.date]:
        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + dt.timedelta(days=offset) for offset in range(count)]

    def local_now(self) -> dt.datetime:
        return timezone.now().astimezone(self.zone)

    def today(self) -> dt.date:
        return self.local_now().date()

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        """The aware instant of ``time`` on ``day`` in the week's zone."""
        return dt.datetime.combine(day, time, tzinfo=self.zone)

    def deadline_on(self, day: dt.date) -> dt.datetime:
        return self.at(day, self.deadline_time)

    def reminder_slots(self) -> list[dt.time]:
        return sorted(dt.time.fromisoformat(value) for value in self.reminder_times)

    @property
    def has_office_contacts(self) -> bool:
        return any((self.office_contact_name, self.report_contact_name, self.office_email, self.office_phone))


def _is_hh_mm(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.time.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 5


class Theme(models.Model):
    """A topic events are tagged with, for the public schedule's theme filter."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主题标签")
        verbose_name_plural = _("主题标签")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Organizer(models.Model):
    """An organizer unit (单位). Its members sign in and run its events."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("政府部门")
        DISTRICT = "district", _("区镇")
        ENTERPRISE = "enterprise", _("企业")
        ASSOCIATION = "association", _("社会团体")
        ACADEMIC = "academic", _("高校院所")
        OTHER = "other", _("其他")

    name = models.CharField(_("单位名称"), max_length=120, unique=True)
    kind = models.CharField(_("单位类型"), max_length=16, choices=Kind.choices, default=Kind.GOVERNMENT)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    webhook_url = models.URLField(
        _("群机器人地址"), blank=True, help_text=_("企业微信或钉钉群机器人的 Webhook 地址，可选。")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organizers",
        verbose_name=_("成员"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        # Granted by the office to an observer (core.roles.sees_contact_phones).
        permissions = [("view_contact_phones", _("可查看联系人电话"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["government", "district", "enterprise", "association", "academic", "other"]
                ),
                name="organizer_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's membership of an organizer unit."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("单位管理员")
        MEMBER = "member", _("成员")

    organizer = models.ForeignKey(
        Organizer, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")
        constraints = [
            models.UniqueConstraint(fields=["organizer", "user"], name="membership_once_per_unit"),
            models.CheckConstraint(condition=Q(role__in=["manager", "member"]), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organizer}"


class EventQuerySet(models.QuerySet):
    def public(self) -> EventQuerySet:
        """What the public may see: approved and cancelled events of published weeks."""
        return self.filter(status__in=Event.PUBLIC_STATUSES, week__is_published=True)

    def public_of(self, week: Week) -> EventQuerySet:
        """``public().filter(week=week)`` for a week the caller has read: whether it is
        published is known, so the events are read without joining their week (a list of the
        week's events asks this several times a page; issue 21)."""
        if not week.is_published:
            return self.none()
        return self.filter(week=week, status__in=Event.PUBLIC_STATUSES)

    def visible_to(self, user) -> EventQuerySet:
        """The events ``user`` may see (rule ``events.see_event``): the office sees all; anybody
        else the public ones and those their own units report for (``of_units``)."""
        if is_office_reviewer(user):
            return self.all()
        public = Q(status__in=Event.PUBLIC_STATUSES, week__is_published=True)
        return self.filter(public | reporting_units_q(organizer_ids(user)))

    def of_units(self, unit_ids) -> EventQuerySet:
        """The events any of ``unit_ids`` may file reports for: as lead host, as co-host, or as
        an undertaking or co-organizing unit the office gave the reporter role. The organizer
        area's events, reports and dashboard all start here (rule: ``Event.reporting_unit_ids``)."""
        return self.filter(reporting_units_q(unit_ids))


def reporting_units_q(unit_ids) -> Q:
    """``of_units`` as a condition. A subquery, not a join: no duplicate rows to remove."""
    unit_ids = list(unit_ids)
    partners = EventPartner.objects.filter(organizer_id__in=unit_ids, may_report=True).values("event_id")
    return Q(host_id__in=unit_ids) | Q(pk__in=partners)


class Event(models.Model):
    """A themed event (专题活动) registered by a host unit under the week's unified title."""

    class Form(models.TextChoices):
        EXHIBITION = "exhibition", _("成果展示")
        FORUM = "forum", _("会议论坛")
        CULTURE = "culture", _("文化传播")
        ROADSHOW = "roadshow", _("项目路演")
        CONTEST = "contest", _("群众竞赛")
        SERVICE = "service", _("专业服务")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已发布")
        RETURNED = "returned", _("已退回")
        CANCELLED = "cancelled", _("已取消")

    class PlaceKind(models.TextChoices):
        """Where an event happens, as city plans write it."""

        VENUE = "venue", _("本市会场")
        PLACE = "place", _("本市其他地点")
        ELSEWHERE = "elsewhere", _("外地")
        ONLINE = "online", _("线上")
        HYBRID = "hybrid", _("线下会场加线上")

    # What the public sees of a published week: approved events, and cancelled ones (marked).
    PUBLIC_STATUSES = (Status.APPROVED, Status.CANCELLED)

    # Kinds held at one of the city's venues (the venue is required) and kinds with a place
    # typed as text (no venue: no map of this city, the venue filter lists them under none).
    VENUE_KINDS = (PlaceKind.VENUE, PlaceKind.HYBRID)
    TEXT_PLACE_KINDS = (PlaceKind.PLACE, PlaceKind.ELSEWHERE)

    week = models.ForeignKey(Week, verbose_name=_("活动周"), on_delete=models.PROTECT, related_name="events")
    host = models.ForeignKey(
        Organizer, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="events"
    )
    subtitle = models.CharField(_("副标题"), max_length=200)
    form = models.CharField(_("活动形式"), max_length=16, choices=Form.choices)
    themes = models.ManyToManyField(Theme, verbose_name=_("主题标签"), blank=True, related_name="events")
    place_kind = models.CharField(
        _("地点类型"), max_length=16, choices=PlaceKind.choices, default=PlaceKind.VENUE
    )
    venue = models.ForeignKey(
        "venues.Venue",
        verbose_name=_("会场"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    place = models.CharField(_("活动地点"), max_length=120, blank=True)
    address = models.CharField(_("详细地址"), max_length=200, blank=True)
    online_url = models.URLField(
        _("线上参与链接"), blank=True, help_text=_("线上活动或线上线下同步活动的参与地址，如网络投票页面。")
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系人电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("联系人邮箱"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("信息报送员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_events",
    )
    # The live relay (云活动): a platform's or video site's page (opened in a new tab), or an HLS
    # stream (a URL whose path ends in .m3u8: played in the event page, ``relay_is_hls``).
    live_url = models.URLField(
        _("直播链接"),
        blank=True,
        help_text=_(
            "直播平台或视频网站的直播页面地址，或 HLS 直播流地址（以 .m3u8 结尾，在活动页面内播放）。"
        ),
    )
    # The recording: a link (a video site's replay page). A public, accepted video of the
    # event's reports with web versions is a recording too (``public.videos``).
    recording_url = models.URLField(
        _("回放链接"), blank=True, help_text=_("活动结束后的回放页面地址；也可在每日报送中上传活动视频。")
    )
    description = models.TextField(_("活动简介"), blank=True)
    cover = models.ImageField(_("封面图"), upload_to=event_cover_path, blank=True)
    # The cover's web versions made by a worker (events/services/covers.py): {"source": the
    # cover's storage name, "versions": {"400": {"name", "width", "height"}, ...}}. Versions of
    # another source than the current cover are stale and not used.
    cover_versions = models.JSONField(_("封面图网页版本"), default=dict, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    # Set by the office: an event that starts before the week's period (科普日 9/13-17 in a plan
    # from 9/15) reports only from the period's first day unless this is ticked.
    reports_before_period = models.BooleanField(
        _("活动周开始前的活动日也须报送"),
        default=False,
        help_text=_("活动在活动周开始前已开始时，由市发改委决定这些天是否也须每日报送。"),
    )
    # Set when the office accepts a change of time, place or venue: the public "有变更" badge.
    changed_at = models.DateTimeField(_("最近变更时间"), null=True, blank=True, editable=False)
    import_key = models.CharField(
        _("导入键"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("批量导入时由主办单位、副标题和开始时间算出，同一文件再次导入不会重复创建。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("专题活动")
        verbose_name_plural = _("专题活动")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["week", "status", "starts_at"], name="event_week_status_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(form__in=["exhibition", "forum", "culture", "roadshow", "contest", "service"]),
                name="event_form_known",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "approved", "returned", "cancelled"]),
                name="event_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="event_cancelled_has_reason",
            ),
            models.UniqueConstraint(
                fields=["week", "import_key"],
                condition=~Q(import_key=""),
                name="event_import_key_once_per_week",
            ),
            models.CheckConstraint(
                condition=Q(place_kind__in=["venue", "place", "elsewhere", "online", "hybrid"]),
                name="event_place_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(place_kind__in=["venue", "hybrid"]) | Q(venue__isnull=False),
                name="event_venue_kinds_have_venue",
            ),
            models.CheckConstraint(
                condition=~Q(place_kind__in=["place", "elsewhere"]) | ~Q(place=""),
                name="event_text_place_kinds_have_place",
            ),
        ]

    def __str__(self) -> str:
        return self.full_title

    @property
    def full_title(self) -> str:
        return compose_full_title(self.week.unified_title, self.subtitle)

    @property
    def days(self) -> list[dt.date]:
        """The calendar days, in the week's zone, on which the event runs."""
        zone = self.week.zone
        first = self.starts_at.astimezone(zone).date()
        # An event ending at midnight does not run on the day that midnight starts.
        last = (self.ends_at.astimezone(zone) - dt.timedelta(microseconds=1)).date()
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]

    @property
    def reporting_days(self) -> list[dt.date]:
        """The days a daily report is due: the event's days inside its week's period, and
        those before the period when the office ticked ``reports_before_period``. (``days``
        stays every day the event runs, for the public pages and feeds.)"""
        week = self.week
        return [
            day
            for day in self.days
            if day <= week.ends_on and (day >= week.starts_on or self.reports_before_period)
        ]

    @property
    def starts_before_period(self) -> bool:
        """Runs before its week's first day: allowed, and flagged to the office."""
        return self.starts_at.astimezone(self.week.zone).date() < self.week.starts_on

    @property
    def relay_is_hls(self) -> bool:
        """The relay is an HLS stream played in the page (its path ends in .m3u8), not a link."""
        return is_hls_url(self.live_url)

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def has_venue(self) -> bool:
        return self.place_kind in self.VENUE_KINDS and self.venue_id is not None

    @property
    def where(self) -> str:
        """Where the event is, in one line for the office's pages, e-mails and files: the venue
        and place, the place typed as text (外地 marked), or 线上; a hybrid event adds 线上."""
        kind = self.place_kind
        if kind == self.PlaceKind.ONLINE:
            return str(_("线上"))
        if kind == self.PlaceKind.ELSEWHERE:
            return f"{self.place}（{_('外地')}）"
        if kind == self.PlaceKind.PLACE or self.venue is None:
            return self.place
        text = " · ".join(part for part in (self.venue.name, self.place) if part)
        return f"{text} + {_('线上')}" if kind == self.PlaceKind.HYBRID else text

    # --- Several hosts, and the units that report ------------------------------------------
    # ``host`` is the lead host (主办单位 listed first): everything that names one unit names it.
    # Co-hosts are ``EventPartner`` rows of role "host"; they and the undertaking or
    # co-organizing units the office gave the reporter role (``may_report``) file reports too.
    # These read ``partners.all()``, so a prefetch of ``partners`` serves them.

    @property
    def co_hosts(self) -> list[EventPartner]:
        return [p for p in self.partners.all() if p.role == EventPartner.Role.HOST]

    @property
    def hosts(self) -> list[Organizer]:
        """Every host unit in the plan's order, the lead host first."""
        return [self.host, *(p.organizer for p in self.co_hosts)]

    @property
    def host_names(self) -> str:
        return "、".join(unit.name for unit in self.hosts)

    @property
    def other_partners(self) -> list[EventPartner]:
        """The undertaking and co-organizing units (not the co-hosts)."""
        return [p for p in self.partners.all() if p.role != EventPartner.Role.HOST]

    @property
    def reporting_partners(self) -> list[EventPartner]:
        """Co-hosts and partners with the reporter role, in order."""
        return [p for p in self.partners.all() if p.may_report and p.organizer_id]

    @property
    def reporting_unit_ids(self) -> frozenset[int]:
        """The units whose members may file this event's reports (``EventQuerySet.of_units``)."""
        return frozenset([self.host_id, *(p.organizer_id for p in self.reporting_partners)])

    @property
    def reporters(self) -> list[User]:
        """The information reporters every reporting unit named, lead host's first, each once."""
        people = [self.reporter] if self.reporter_id else []
        people += [p.reporter for p in self.reporting_partners if p.reporter_id]
        return list({person.pk: person for person in people}.values())

    @property
    def contacts(self) -> list[tuple[str, str, str]]:
        """(name, phone, e-mail) of each reporting unit's contact person, lead host's first."""
        rows = [(self.contact_name, self.contact_phone, self.contact_email)]
        rows += [(p.contact_name, p.contact_phone, p.contact_email) for p in self.reporting_partners]
        return [row for n, row in enumerate(rows) if n == 0 or any(row)]

    @property
    def phone_to_call(self) -> str:
        """The number to call about the event's reports: the reporter's, else the contact's."""
        reporter = self.reporter
        return (reporter.phone if reporter else "") or self.contact_phone


def is_hls_url(url: str) -> bool:
    """An HLS playlist: http(s) with a path ending in .m3u8 (any query string allowed)."""
    parsed = urlsplit(url or "")
    return parsed.scheme in ("http", "https") and parsed.path.lower().endswith(".m3u8")


def compose_full_title(unified_title: str, subtitle: str) -> str:
    """统一冠名 + 副标题, joined the way Chinese official documents join a subtitle."""
    if not subtitle:
        return unified_title
    return f"{unified_title}——{subtitle}"


class EventPartner(models.Model):
    """A co-host (主办, after the lead host ``Event.host``), an undertaking unit (承办) or a
    co-organizer (协办) of an event: a unit, or (not for a co-host) just a name.

    Co-hosts always report (``may_report``); an undertaking or co-organizing unit with an
    account reports when the office gives it the reporter role on the event's review page.
    A reporting unit names its own contact person and information reporter for the event,
    as the plan asks of every host; the lead host's are the event's own fields.
    """

    class Role(models.TextChoices):
        HOST = "host", _("主办单位")
        UNDERTAKER = "undertaker", _("承办单位")
        CO_ORGANIZER = "co_organizer", _("协办单位")

    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="partners"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    organizer = models.ForeignKey(
        Organizer, verbose_name=_("单位"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(
        _("单位名称"), max_length=120, blank=True, help_text=_("单位尚无账号时填写名称。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    may_report = models.BooleanField(_("可报送信息"), default=False)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系人电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("联系人邮箱"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("信息报送员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_reported_events",
    )

    class Meta:
        verbose_name = _("主办、承办或协办单位")
        verbose_name_plural = _("主办、承办或协办单位")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organizer__isnull=False) | ~Q(name=""), name="partner_unit_or_name"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["host", "undertaker", "co_organizer"]), name="partner_role_known"
            ),
            # A co-host reports, so it is a unit with members, and always may.
            models.CheckConstraint(
                condition=~Q(role="host") | Q(organizer__isnull=False, may_report=True),
                name="partner_host_is_reporting_unit",
            ),
            models.CheckConstraint(
                condition=Q(may_report=False) | Q(organizer__isnull=False),
                name="partner_reporting_is_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.organizer.name if self.organizer_id else self.name


class EventStatusChange(models.Model):
    """One step of an event's status history: who moved it from which state to which."""

    event = models.ForeignKey(Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(_("原状态"), max_length=16, choices=Event.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Event.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("活动状态记录")
        verbose_name_plural = _("活动状态记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.from_status} → {self.to_status}"


class Notice(models.Model):
    """An in-site notice in a user's notification list."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="notices"
    )
    title = models.CharField(_("标题"), max_length=200)  # in Chinese, as the e-mail said it
    # The title's message id and values, so the site shows it in the reader's language.
    subject_msgid = models.CharField(max_length=200, blank=True, editable=False)
    subject_params = models.JSONField(default=dict, blank=True, editable=False)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the active language (the stored Chinese one for older notices)."""
        if not self.subject_msgid:
            return self.title
        try:
            return gettext(self.subject_msgid) % self.subject_params
        except (KeyError, TypeError, ValueError):
            return self.title


class OrganizerApplication(models.Model):
    """A unit applying on its own to take part; the office accepts (and invites) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已拒绝")

    name = models.CharField(_("单位名称"), max_length=120)
    kind = models.CharField(_("单位类型"), max_length=16, choices=Organizer.Kind.choices)
    contact_name = models.CharField(_("联系人"), max_length=60)
    contact_phone = models.CharField(_("联系电话"), max_length=32)
    contact_email = models.EmailField(_("联系邮箱"))
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.TextField(_("拒绝原因"), blank=True)
    organizer = models.ForeignKey(
        Organizer, verbose_name=_("单位"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)

    class Meta:
        verbose_name = _("单位申请")
        verbose_name_plural = _("单位申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined"]), name="application_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="application_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An invitation for one person to join a unit. Single use: ``used_at`` is set on use.

    The link carries this row's id signed with a timestamp (``TimestampSigner``), so a link
    cannot be guessed, and it expires ``INVITATION_MAX_AGE`` after it was signed.
    """

    organizer = models.ForeignKey(
        Organizer, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("邮箱"))
    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
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
        verbose_name = _("成员邀请")
        verbose_name_plural = _("成员邀请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organizer}"

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + INVITATION_MAX_AGE

    @property
    def is_expired(self) -> bool:
        return timezone.now() > self.expires_at


INVITATION_MAX_AGE = dt.timedelta(days=7)


class EventChangeRequest(models.Model):
    """A change of time, place or venue to an approved event, waiting for the office.

    ``proposed`` holds the new values and ``previous`` the approved ones at the time of the
    request (both as JSON: ISO datetimes, venue id), so the queue can show the difference
    and the public page keeps showing the approved event until the office accepts.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已通过")
        REJECTED = "rejected", _("未通过")

    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="change_requests"
    )
    proposed = models.JSONField(_("申请变更为"))
    previous = models.JSONField(_("原内容"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("活动变更申请")
        verbose_name_plural = _("活动变更申请")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(status="pending"), name="change_request_one_pending_per_event"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "rejected"]),
                name="change_request_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.get_status_display()}"


class ImportJob(models.Model):
    """A large spreadsheet upload waiting for, or checked by, a worker (``events.preview_import``).

    The file is kept here (5 MB at most) until it is imported or a day old. ``result`` holds the
    preview as JSON (``{"file_errors": [...], "rows": [{"number", "values", "errors",
    "exists"}]}``), written in the uploader's ``language``; ``error`` the Chinese message of a
    file that could not be checked as a whole.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("检查中")
        DONE = "done", _("已检查")
        FAILED = "failed", _("检查失败")
        IMPORTED = "imported", _("已导入")

    # A queued or running job this old has lost its worker: the page stops waiting for it.
    STALE_AFTER = dt.timedelta(minutes=15)
    # Jobs older than this are deleted by the next large upload.
    KEEP_FOR = dt.timedelta(days=1)

    week = models.ForeignKey(
        Week, verbose_name=_("活动周"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    name = models.CharField(_("文件名"), max_length=255, blank=True)
    content = models.BinaryField(_("文件内容"))
    publish = models.BooleanField(_("导入后直接发布"), default=False)
    language = models.CharField(_("语言"), max_length=16, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(_("检查结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed", "imported"]),
                name="import_job_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.pk}: {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_stale(self) -> bool:
        return self.is_pending and timezone.now() - self.created_at > self.STALE_AFTER
