"""The language switch and the hreflang alternates of base.html.

On the public site the language is in the URL (``/schedule/``, ``/en/schedule/``), so the
switch is a plain link to the same page in the other language: no form, no CSRF token, no
cookie, and a page any cache may keep (the hall's /expo/ and the contests' /contest/ pages
included). Pages that negotiate their language (signed-in areas, sign-in, the jury) get no
variants: base.html shows them the form that sets the cookie.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

register = template.Library()


@register.simple_tag(takes_context=True)
def language_variants(context) -> list[dict]:
    """The current page in each language, or [] where the URL does not name the language.

    Each variant: ``code``, ``name`` (in its own language), ``hreflang`` (BCP 47: zh-Hans),
    ``url`` (the path with the query parameters that make the page, so a filtered schedule
    stays filtered; on a cached page only those it declares, never a visitor's made-up ones),
    ``absolute`` (on SITE_URL, without the query: what search engines are told) and ``current``.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or not getattr(request, "language_from_url", False):
        return []
    params = set(getattr(request, "public_cache_params", ()))
    query = urlencode(
        [(name, value) for name, values in request.GET.lists() if name in params for value in values]
    )
    current = translation.get_language()
    variants = []
    for code, _name in settings.LANGUAGES:
        try:
            with translation.override(code):
                path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return []
        variants.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "hreflang": hreflang(code),
                "url": f"{path}?{query}" if query else path,
                "absolute": settings.SITE_URL + path,
                "current": code == current,
            }
        )
    return variants


def hreflang(code: str) -> str:
    """Django's language code as BCP 47 writes it: zh-hans -> zh-Hans, en-gb -> en-GB."""
    first, *rest = code.split("-")
    return "-".join([first] + [part.title() if len(part) == 4 else part.upper() for part in rest])
