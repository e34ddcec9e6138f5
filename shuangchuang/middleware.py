"""Request ids (every request gets one, every log line carries it, the response echoes it), the
language of a request (named by the public site's URLs, negotiated elsewhere) and the cookie
that tells a public page's script somebody is signed in."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import LocalePrefixPattern, URLResolver, get_resolver
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from core.public_cache import SIGNED_IN_MARKER

from .logging import request_id

HEADER = "X-Request-ID"
# Taken from the proxy (nginx: `proxy_set_header X-Request-ID $request_id;`) only when it looks
# like an id, so a client cannot write arbitrary text into our logs.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        rid = incoming if _ACCEPTED.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = rid
        return response


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware for a site whose public pages name their language in the URL
    (``i18n_patterns`` without a prefix for Chinese) while every other page negotiates it.

    - A path with a language prefix (``/en/schedule/``) is in that language.
    - Any other path is resolved in the default language; when its view is one of the
      language-prefixed patterns (the public site), it stays in it: ``/schedule/`` is Chinese
      for everybody, whatever cookie or Accept-Language comes with it.
    - Every other view (sign-in, the organizer, office, curator and contest organizer pages,
      the jury) gets the language Django negotiates: the switcher's cookie, then Accept-Language.

    ``request.language_from_url`` tells which. Only an answer whose language the URL names
    leaves out ``Vary: Accept-Language``, and only such a page may be kept by a shared cache
    (``core.public_cache``).
    """

    def process_request(self, request):
        request.language_from_url = True
        translation.activate(translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_view(self, request, view_func, view_args, view_kwargs):
        if translation.get_language_from_path(request.path_info):
            return None
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        if view_func in language_prefixed_views(urlconf):
            return None
        request.language_from_url = False
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if not getattr(request, "language_from_url", False):
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def language_prefixed_views(urlconf) -> frozenset:
    """The views mounted under ``i18n_patterns``, kept on the resolver (Django drops it, and so
    this, whenever the URLconf changes)."""
    resolver = get_resolver(urlconf)
    views = getattr(resolver, "_language_prefixed_views", None)
    if views is None:
        found = set()

        def walk(patterns, prefixed: bool) -> None:
            for pattern in patterns:
                if isinstance(pattern, URLResolver):
                    walk(pattern.url_patterns, prefixed or isinstance(pattern.pattern, LocalePrefixPattern))
                elif prefixed:
                    found.add(pattern.callback)

        walk(resolver.url_patterns, False)
        views = resolver._language_prefixed_views = frozenset(found)
    return views


class SignedInMarkerMiddleware:
    """Keeps ``SIGNED_IN_MARKER`` set while a session is signed in, and removes it otherwise.

    Public pages are the same for everybody (``core.public_cache``); their script fetches the
    account menu only when this cookie is there, so anonymous visitors make no extra request.
    It holds no secret (the session cookie stays HttpOnly); an answer that sets or removes it
    is made private, so no shared cache keeps a Set-Cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        marked = request.COOKIES.get(SIGNED_IN_MARKER) == "1"
        session = getattr(request, "session", None)
        if not marked and (session is None or not session.accessed):
            # Nothing read the session: nobody signed in here, and finding out whether a
            # session is signed in would cost a query the view did not need (a vote, a beacon).
            return response
        if "public" in response.get("Cache-Control", ""):
            # A shared cache may keep this answer: no Set-Cookie in it. The next private
            # answer (the account menu itself is one) sets or clears the marker.
            return response
        # After the view: a sign-in or sign-out in this request has changed request.user.
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and not marked:
            response.set_cookie(
                SIGNED_IN_MARKER,
                "1",
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
            _make_private(response)
        elif marked and not signed_in:
            response.delete_cookie(SIGNED_IN_MARKER, samesite="Lax")
            _make_private(response)
        return response


def _make_private(response) -> None:
    """An answer with a Set-Cookie is nobody else's (one that is no-store is kept by nobody)."""
    if "no-store" not in response.get("Cache-Control", ""):
        patch_cache_control(response, private=True)
