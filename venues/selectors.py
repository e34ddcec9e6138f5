from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import Venue


def venues_in_order() -> QuerySet[Venue]:
    """Main venue first, then sub-venues, then permanent venues, each by their own order."""
    rank = Case(
        When(kind=Venue.Kind.MAIN, then=Value(0)),
        When(kind=Venue.Kind.SUB, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return Venue.objects.select_related("parent").annotate(kind_rank=rank).order_by("kind_rank", "order", "id")
