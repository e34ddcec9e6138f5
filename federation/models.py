"""Other portals this one reads (``Source``) and their events, kept read-only (``RemoteEvent``).

A remote event is never a local ``events.Event``: it has no unit, no reports, no page of its
own here; it is shown apart from the local events and links back to its own portal's page.
The sync (``services.source_sync``) is the only writer of both models' synced fields.
"""

from __future__ import annotations

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

HTTP_URL = URLValidator(schemes=["http", "https"])


class Source(models.Model):
    """A sub-venue's portal: its public JSON API is read every few minutes."""

    name = models.CharField(_("名称"), max_length=120)
    city = models.CharField(_("城市"), max_length=40)
    base_url = models.URLField(
        _("门户地址"),
        max_length=300,
        validators=[HTTP_URL],
        help_text=_("对方门户的首页地址，例如 https://scz.example.cn ；读取其 /api/schedule.json。"),
    )
    totals_token = models.CharField(
        _("汇总数据令牌"),
        max_length=200,
        blank=True,
        help_text=_("对方的汇总数据接口需要令牌时填写；公开接口留空。"),
    )
    enabled = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # What the last good answer said (kept while the source fails).
    etag = models.CharField(max_length=300, blank=True, editable=False)
    api_version = models.CharField(_("接口版本"), max_length=20, blank=True, editable=False)
    week_name = models.CharField(_("对方活动周"), max_length=300, blank=True, editable=False)
    event_count = models.PositiveIntegerField(_("活动数"), default=0, editable=False)
    last_attempt_at = models.DateTimeField(_("最近读取"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("最近成功"), null=True, blank=True, editable=False)
    last_changed_at = models.DateTimeField(_("最近变化"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("最近错误"), blank=True, editable=False)
    # The source's public totals (only aggregate numbers), read after its schedule.
    totals = models.JSONField(_("汇总数据"), null=True, blank=True, editable=False)
    totals_etag = models.CharField(max_length=300, blank=True, editable=False)
    totals_read_at = models.DateTimeField(_("汇总读取时间"), null=True, blank=True, editable=False)
    totals_error = models.TextField(_("汇总错误"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("分会场门户")
        verbose_name_plural = _("分会场门户")
        ordering = ["order", "city", "id"]
        constraints = [models.UniqueConstraint(fields=["base_url"], name="federation_source_unique_url")]

    def __str__(self) -> str:
        return f"{self.city} · {self.name}"

    @property
    def root(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def api_url(self) -> str:
        return self.root + "/api/schedule.json"

    @property
    def totals_url(self) -> str:
        return self.root + "/api/weeks/current/totals.json"

    @property
    def is_failing(self) -> bool:
        return bool(self.last_error)


class RemoteEvent(models.Model):
    """One event as a source's API published it at the last good sync. Read-only here."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="events")
    remote_id = models.BigIntegerField()
    title = models.CharField(max_length=500)
    subtitle = models.CharField(max_length=300, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    form = models.CharField(max_length=30, blank=True)
    form_name = models.CharField(max_length=60, blank=True)
    themes = models.CharField(max_length=300, blank=True)
    place_kind = models.CharField(max_length=20, blank=True)
    where = models.CharField(max_length=500, blank=True)
    venue_name = models.CharField(max_length=200, blank=True)
    host = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, default="approved")
    # Links back to the source's own portal; empty when the source did not publish one.
    url = models.URLField(max_length=1000, blank=True)
    live_url = models.URLField(max_length=1000, blank=True)
    online_url = models.URLField(max_length=1000, blank=True)
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    # A hash of the fields above as read: an unchanged event is not written again.
    digest = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("分会场活动")
        verbose_name_plural = _("分会场活动")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "remote_id"], name="federation_remote_event_unique")
        ]
        indexes = [models.Index(fields=["starts_at"], name="federation_remote_starts")]

    def __str__(self) -> str:
        return self.subtitle or self.title

    @property
    def name(self) -> str:
        """How the event is named in a list: its own subtitle, else the full title."""
        return self.subtitle or self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"
