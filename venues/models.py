from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Venue(models.Model):
    """A place the week runs in: the main venue, its sub-venues, or a permanent venue."""

    class Kind(models.TextChoices):
        MAIN = "main", _("主会场")
        SUB = "sub", _("分会场")
        PERMANENT = "permanent", _("永久会场")

    name = models.CharField(_("名称"), max_length=120, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.SUB)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级会场"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_venues",
    )
    district = models.CharField(_("区镇"), max_length=60, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("会场")
        verbose_name_plural = _("会场")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["main", "sub", "permanent"]), name="venue_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(kind="sub") | Q(parent__isnull=True),
                name="venue_only_sub_venues_have_parent",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="venue_not_own_parent"),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__isnull=False, longitude__isnull=False)
                    & Q(latitude__gte=-90, latitude__lte=90)
                    & Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="venue_coordinates_both_or_neither_and_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_map_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None
