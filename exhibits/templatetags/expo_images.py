"""Responsive ``<img>`` tags for a project's cover and images (their web versions, made by a
worker, go into ``srcset`` with their real widths; until then the original is shown)::

    {% project_cover project alt=project.title sizes=CARD_SIZES css_class="cover" %}
    {% project_image project image alt=image.caption sizes=GALLERY_SIZES %}

``sizes`` says how wide the image is drawn at each screen width (see static/exhibits/expo.css);
named layouts: "card" (the hall's cards), "hero" (a project page's cover), "gallery".
"""

from django import template
from django.urls import reverse

from core.image_versions import responsive_attrs

from ..services import cover_versions, image_versions

register = template.Library()

SIZES = {
    # One column on a phone (the cover a third of the row), two from 576 px, three from 992 px.
    "card": "(min-width: 1400px) 430px, (min-width: 992px) 31vw, (min-width: 576px) 48vw, 32vw",
    # The page's container.
    "hero": "(min-width: 1400px) 1320px, 100vw",
    # Two a row on a phone, three from 768 px, inside the page's wider column from 992 px.
    "gallery": "(min-width: 1400px) 280px, (min-width: 992px) 21vw, (min-width: 768px) 31vw, 48vw",
}


@register.inclusion_tag("exhibits/_image.html")
def project_cover(project, *, alt: str = "", sizes: str = "hero", css_class: str = "", lazy: bool = True):
    if not project.cover:
        return {}
    url = reverse("expo:cover", args=[project.pk])
    return {
        **responsive_attrs(url, cover_versions(project), sizes=SIZES.get(sizes, sizes)),
        "alt": alt,
        "css_class": css_class,
        "lazy": lazy,
    }


@register.inclusion_tag("exhibits/_image.html")
def project_image(
    project, image, *, alt: str = "", sizes: str = "gallery", css_class: str = "", lazy: bool = True
):
    url = reverse("expo:image", args=[project.pk, image.pk])
    attrs = responsive_attrs(url, image_versions(image), sizes=SIZES.get(sizes, sizes))
    if "width" not in attrs and image.width:
        attrs.update(width=image.width, height=image.height)
    return {**attrs, "alt": alt, "css_class": css_class, "lazy": lazy}
