"""``{% event_cover_image event alt=... %}``: an event's cover as a responsive ``<img>``.

Its web versions (events/services/covers.py) go into ``srcset`` with their real widths, the
800 one (or the largest below it) into ``src`` with its width and height, so the page keeps
its place before the image loads. Until a worker has made them, the original is shown.
"""

from django import template
from django.urls import reverse

from ..services import current_cover_versions

register = template.Library()

# The cover spans the page's container: full width on phones, at most the widest container.
DEFAULT_SIZES = "(min-width: 1400px) 1320px, 100vw"
SRC_SLOT = 800


@register.inclusion_tag("events/_cover_image.html")
def event_cover_image(event, *, alt: str, css_class: str = "event-cover", sizes: str = DEFAULT_SIZES):
    if not event.cover:
        return {"url": None}
    url = reverse("event_cover", args=[event.pk])
    versions = current_cover_versions(event)
    context = {"url": url, "alt": alt, "css_class": css_class}
    if not versions:
        return context
    src = versions.get(SRC_SLOT) or max(
        (version for slot, version in versions.items() if slot <= SRC_SLOT), key=lambda v: v.slot
    )
    return {
        **context,
        "src": f"{url}?w={src.slot}",
        "srcset": ", ".join(f"{url}?w={v.slot} {v.width}w" for v in versions.values()),
        "sizes": sizes,
        "width": src.width,
        "height": src.height,
    }
