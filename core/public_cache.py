"""The version of everything the public sees, and the cache that public pages and feeds use.

Public pages and feeds put the version in their cache keys and ETags, so approving,
changing or cancelling an event makes every cached public page stale at once, with no
list of keys to hunt down.

``public_cached`` wraps a public view:

- anonymous GET/HEAD requests are answered from the cache, keyed by the path and only the
  query parameters the view declares; a hit runs no SQL query and,
  when this process served the page lately, one small cache read (the version); an entry
  stored under an older version is a miss;
- a signed-in user of a view that says so (``shared_with``: the public site's pages and feeds)
  gets the same cached page as everybody (issue 21: browsing the schedule costs an organizer
  what it costs the public): a miss renders the page as for an anonymous
  visitor (``request.user`` is anonymous while the view runs), so the stored page holds nobody's
  name or token, and marks it ``request.account_menu_deferred``: the page then names the
  account fragment (``<body data-account-menu-url>``), which ``static/js/account_menu.js``
  fetches when the ``SIGNED_IN_MARKER`` cookie says somebody signed in in this browser
  (``shuangchuang.middleware.SignedInMarkerMiddleware`` keeps that cookie). Other views (the
  hall's pages, which show a curator the way to their area) render signed-in pages of their
  own and never store them; so does a pending message (it belongs to one person). A made-up
  session cookie is looked up (one query) and served the cached page;
- the shared cache may fail: pages are then rendered afresh, the failure is remembered for
  a few seconds (no timeout per request) and logged once a minute (``core.cache_guard``); bumps are
  counted in the database, so one the cache missed starts a new version once it is back;
- every answer has an ETag (a hash of the content, language and nothing user-specific) and
  a Last-Modified; a matching ``If-None-Match`` (or, without it, ``If-Modified-Since``)
  gets 304;
- a page with a form keeps its CSRF token as a placeholder, filled in for each visitor, so
  one cached page serves everybody; such a page is sent ``private``;
- feeds can ask for CORS (``Access-Control-Allow-Origin: *``) and answer preflights.

What browsers and shared caches (a CDN) may keep:

- an anonymous answer with no token whose language the URL names (the public site under
  ``i18n_patterns``: see ``shuangchuang.middleware.PortalLocaleMiddleware``) sets no cookie
  and is sent ``settings.PUBLIC_CACHE_CONTROL`` (``public, max-age=60, s-maxage=300``) with
  ``Vary: Cookie`` (a signed-in visitor's page differs) and ``X-Accel-Expires`` for the nginx
  in front (``PUBLIC_CACHE_ACCEL_EXPIRES``: its cache cannot be purged, so it keeps the
  answer a second, however long the CDN may);
- an anonymous answer whose language is negotiated (pages outside ``i18n_patterns``) is
  ``public, max-age=0, must-revalidate`` with ``Vary: Accept-Language``, as before;
- a page with a CSRF token, and any answer to a signed-in visitor (the same bytes, but a
  shared cache has no business keeping what a session asked for), is
  ``private, max-age=0, must-revalidate``.

A CDN that ignores ``Vary: Cookie`` (many do) serves a signed-in visitor the anonymous copy:
that is the same page now, and the account menu still comes from the fragment, which is
``private, no-store``. Only a page with a pending message differs, which a CDN holding it
would show without the message.

A bump of the version calls ``settings.PUBLIC_CACHE_PURGE`` (a dotted path; empty: nothing
happens) as ``purge(version=<new version or None>)``, so a CDN holding pages for
``s-maxage`` drops them at once: purge everything, or the site's HTML and feeds, with the
CDN's API. The version it is given may be None (the shared cache was away); a hook that
fails is logged and changes nothing else. A resync that starts a new version calls it too.

Compression: the anonymous answers with no token (no secret a BREACH attack could guess
byte by byte) are stored gzipped as well, compressed once per version, and sent gzipped to
clients that accept it (``Vary: Accept-Encoding``, an ETag of their own). Nothing else is
compressed by Django; the shipped nginx compresses no proxied answer either.

Pages that show the time of day ("live now", "today") are kept for ``PAGE_TIMEOUT``
seconds; feeds, which do not depend on the clock, for ``FEED_TIMEOUT``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from zlib_ng import gzip_ng, zlib_ng

from . import page_splices
from .cache_guard import CacheGuard, CacheUnavailable
from .models import PublicVersion

logger = logging.getLogger(__name__)

VERSION_KEY = "public:version"
# The database's count of bumps that the version in the cache has seen.
STORED_KEY = "public:stored-bumps"
# What each bump named (see bump_public_version), kept long enough for every process that
# holds rows to catch up; one that fell further behind reads them afresh.
CHANGES_TIMEOUT = 60 * 60
MAX_CHANGES_READ = 200
# ``bump_public_version(events=NO_EVENT)``: a page changed that shows no event's row (the hall's, a contest's).
NO_EVENT: tuple[int, ...] = ()

PAGE_TIMEOUT = 60
FEED_TIMEOUT = 600
# Pages kept in each web process beside the shared cache (see _LocalEntries).
LOCAL_MAX_BYTES = 32 * 1024 * 1024
CSRF_PLACEHOLDER = b"__PUBLIC_CSRF_TOKEN__"
# Set while somebody is signed in in this browser (not secret, not HttpOnly: the page's script
# reads it to decide whether to fetch the account fragment; the session cookie stays HttpOnly).
SIGNED_IN_MARKER = "sc_account"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# Answers compressed when a client accepts gzip; smaller ones are not worth it.
_COMPRESSIBLE = re.compile(r"^(text/|application/(json|xml|javascript)|image/svg\+xml)")
_MIN_COMPRESSED_BYTES = 200
# zlib-ng at zlib's default level: as small as zlib's (phones pay for every byte of a page
# served many times per change) in half its time (1.5 ms for the 840 KB all-days page instead
# of 3; ISA-L's fastest levels take 0.2 ms but send a third more bytes).
GZIP_LEVEL = 6
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
NEGOTIATED_CACHE_CONTROL = "public, max-age=0, must-revalidate"
PRIVATE_CACHE_CONTROL = "private, max-age=0, must-revalidate"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}
# Headers of the view's answer that are not stored (set per answer, or by middleware).
_DROPPED_HEADERS = {
    "content-length",
    "set-cookie",
    "vary",
    "etag",
    "last-modified",
    "cache-control",
    "expires",
}


# While a cached view renders its page: the version the page will be stored under.
_rendering_version: ContextVar[int | None] = ContextVar("public_rendering_version", default=None)
# Set in the WSGI environment of a new process's own warm-up requests (shuangchuang.warm_up;
# no client can set it): their pages are rendered, neither answered from the cache nor kept.
WARM_UP_ENVIRON_KEY = "shuangchuang.warm_up"


def public_version() -> int | None:
    """The current version, or None while the shared cache cannot be reached.

    While a public page renders (``public_cached``), the version read before it began: what
    the page shows is then of the version it is stored under, and costs no second read.

    A version never used before starts whenever the cache has lost it (a Redis restart keeps
    nothing) or this process saw the cache fail (a bump may have missed it meanwhile), so no
    page held from before counts.
    """
    rendering = _rendering_version.get()
    if rendering is not None:
        return rendering
    try:
        version = _guard.call(cache.get, VERSION_KEY)
        # Asked every time: a version restarted because the cache lost it is the restart the
        # recovery needs, not one more at the next read.
        recovered = _guard.recovered()
        if version is None or recovered:
            version = _restart_version()
        return version
    except CacheUnavailable:
        return None


def bump_public_version(*, events: Iterable[int] | None = None) -> int | None:
    """Call after any change to what the public sees (approve, change, cancel).

    ``events``: the ids of the events whose public rows may have changed (their own fields,
    hosts, partners, themes, public media, relay), when nothing else the schedule and the
    feeds show did; an empty list when none of them did (a hall or contest page changed).
    Recorded beside the new version, so a process holding the week's rows re-reads only
    those (``public.week_snapshot``; a venue's, a unit's or a theme's admin names the events
    that show it; a plan's import the events it made and updated). Leave it out when
    anything else may have changed (the week's settings in the admin, many events at once by
    hand): the rows are then read afresh.
    A wrong name cannot be made right later, a missing one costs only speed.

    The bump is counted in the database first, so an outage of the cache cannot lose it:
    ``resync_public_version`` (every minute, from beat) starts a new version when the cache
    missed a counted bump. Returns the cache's new version, None while it is away."""
    stored = _count_stored_bump()
    try:
        try:
            version = _guard.call(cache.incr, VERSION_KEY)
        except ValueError:  # the cache lost the version: start a new one
            version = _restart_version()
        else:
            if events is not None:
                _guard.call(cache.set, _changes_key(version), sorted(set(events)), timeout=CHANGES_TIMEOUT)
        _guard.call(cache.set, STORED_KEY, stored, timeout=None)
    except CacheUnavailable:
        version = None  # this process starts a new version once the cache answers again
    purge_shared_copies(version)
    return version


def bump_public_version_after_commit(*, events: Iterable[int] | None = None) -> None:
    """``bump_public_version`` once the current transaction commits: bumping inside it would
    let a request in between keep the old rows under the new version."""
    named = None if events is None else list(events)
    transaction.on_commit(functools.partial(bump_public_version, events=named), robust=True)


def changed_events_between(old: int, new: int) -> set[int] | None:
    """The events named by the bumps after version ``old`` up to ``new``, or None when any of
    those bumps named none (anything may have changed), is forgotten, or the versions are not
    of one run of the counter (the cache restarted it)."""
    if not 0 < new - old <= MAX_CHANGES_READ:
        return None
    keys = [_changes_key(version) for version in range(old + 1, new + 1)]
    try:
        found = _guard.call(cache.get_many, keys)
    except CacheUnavailable:
        return None
    if len(found) != len(keys):
        return None
    return {event for events in found.values() for event in events}


def _changes_key(version: int) -> str:
    return f"public:changes:{version}"


def resync_public_version() -> bool:
    """Start a new version if the cache missed a bump counted in the database (it was away
    when the bump came). True when it did."""
    stored = PublicVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    try:
        if stored is None or _guard.call(cache.get, STORED_KEY) == stored:
            return False
        version = _restart_version()
        _guard.call(cache.set, STORED_KEY, stored, timeout=None)
    except CacheUnavailable:
        return False
    purge_shared_copies(version)
    return True


def purge_shared_copies(version: int | None) -> None:
    """Tell the CDN (``settings.PUBLIC_CACHE_PURGE``) that every public page changed.

    Called after the version moved, so what the CDN fetches next is already new. Without a
    hook configured nothing happens; a hook that raises is logged, never passed on (the
    change it follows is committed)."""
    hook = getattr(settings, "PUBLIC_CACHE_PURGE", "")
    if not hook:
        return
    try:
        import_string(hook)(version=version)
    except Exception:
        logger.exception("The public cache's purge hook %s failed", hook)


def _restart_version() -> int:
    version = secrets.randbits(62)
    _guard.call(cache.set, VERSION_KEY, version, timeout=None)
    return version


def _count_stored_bump() -> int:
    if not PublicVersion.objects.filter(pk=1).update(value=F("value") + 1):
        PublicVersion.objects.get_or_create(pk=1, defaults={"value": 1})
    return PublicVersion.objects.values_list("value", flat=True).get(pk=1)


_guard = CacheGuard(consequence="public pages are served without it")


def may_use_cache(request, *, shared_with=None) -> bool:
    """GET/HEAD with no message waiting, from a visitor, or from a signed-in person for whom
    ``shared_with(request)`` says the page everybody gets is right (None: nobody signed in);
    not a process's warm-up request (``WARM_UP_ENVIRON_KEY``).

    A session or messages cookie alone proves nothing: anybody can send a made-up one to skip
    the cache. With such a cookie the session is looked up (one query) and the messages
    decoded; a real pending message is answered uncached, since it belongs to one person.
    Without such a cookie, the decision touches neither the database nor the cache.
    """
    if request.method not in ("GET", "HEAD") or WARM_UP_ENVIRON_KEY in request.META:
        return False
    cookies = request.COOKIES
    if is_signed_in(request) and (shared_with is None or not shared_with(request)):
        return False
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return not len(get_messages(request))
    return True


def is_signed_in(request) -> bool:
    """Without a session cookie nobody is signed in: no lookup."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


@contextlib.contextmanager
def _as_anonymous(request):
    """The view renders the page everybody gets: no name, no token, no area links."""
    user = request.user
    request.user = AnonymousUser()
    try:
        yield
    finally:
        request.user = user


def cache_key(request, params: tuple[str, ...] = ()) -> str:
    """The language, the path and only the query parameters the view reads (``params``).

    Any other parameter (``?x=<random>``, tracking tags) is left out, so it shares the page
    instead of storing a new one each time. Names are sorted; each name keeps its values in
    the order given, since a view reading ``GET.get`` takes the last one.
    """
    query = urlencode([(name, value) for name in sorted(set(params)) for value in request.GET.getlist(name)])
    digest = hashlib.sha1(f"{request.path}?{query}".encode()).hexdigest()
    return f"public:page:{get_language()}:{digest}"


class _LocalEntries:
    """The most recently served entries, kept in this process beside the shared cache.

    A hit then costs one small read of the version from the shared cache instead of moving
    the whole page (100 KB to 1 MB) out of it. Entries remember their version and expiry,
    so a bump or a timeout elsewhere is seen at once. Bounded in bytes.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.entries: OrderedDict[str, dict] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str, version: int) -> dict | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry["version"] != version or entry["expires"] <= time.monotonic():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict, timeout: int) -> None:
        entry = {**entry, "expires": time.monotonic() + timeout}
        with self.lock:
            self._drop(key)
            self.entries[key] = entry
            self.size += _entry_bytes(entry)
            while self.size > self.max_bytes and self.entries:
                self._drop(next(iter(self.entries)))

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= _entry_bytes(entry)


def _entry_bytes(entry: dict) -> int:
    return len(entry["body"]) + len(entry.get("gzip") or b"")


_local = _LocalEntries(max_bytes=LOCAL_MAX_BYTES)


def forget_local_pages() -> None:
    """Drop the pages this process keeps beside the shared cache (a process that starts), and
    the values kept at a version (``kept_at_version``)."""
    _local.clear()
    _kept_at_version.clear()


_T = TypeVar("_T")
# key -> (the public version, when it was made (time.monotonic()), the value).
_kept_at_version: dict[str, tuple[int, float, object]] = {}
# Seconds: a value kept longer is made again even at the same version.
KEPT_MAX_AGE = PAGE_TIMEOUT / 2


def kept_at_version(key: str, make: Callable[[], _T]) -> _T:
    """``make()`` as this process made it at the version a public page renders for, for what
    every public page reads alike and only a bumped change changes (the current week, the
    sub-venues' cities): one query less per page. Made afresh at another version, when kept for
    ``KEPT_MAX_AGE`` (a change that skipped its bump is stale no longer than a cached page),
    when forgotten (``forget_kept``: this process changed it), and outside a public page's
    render or without the shared cache (the office's pages read it as they always did). The
    version was read before the page began: a value is never older than the version it is
    kept at."""
    version = _rendering_version.get()
    if version is None:
        return make()
    now = time.monotonic()
    held = _kept_at_version.get(key)
    if held is not None and held[0] == version and now - held[1] <= KEPT_MAX_AGE:
        return held[2]
    value = make()
    _kept_at_version[key] = (version, now, value)
    return value


def forget_kept(key: str) -> None:
    """Make ``key``'s value afresh at its next use (``kept_at_version``)."""
    _kept_at_version.pop(key, None)


def _cached_entry(key: str, timeout: int) -> tuple[int | None, dict | None]:
    """The current public version (None without the shared cache: nothing is cached then)
    and the entry for ``key`` if it is that version's."""
    version = public_version()
    if version is None:
        return None, None
    entry = _local.get(key, version)
    if entry is not None:
        return version, entry
    try:
        # The entry's version first, apart: after a bump the stale entry (up to a megabyte
        # with its gzip) is not moved out of the cache only to be thrown away.
        if _guard.call(cache.get, _version_key(key)) != version:
            return version, None
        entry = _guard.call(cache.get, key)
    except CacheUnavailable:
        return None, None
    # Another process may have stored a newer version's page between the two reads.
    if entry is None or entry.get("version") != version:
        return version, None
    _local.put(key, entry, timeout)
    return version, entry


def _version_key(key: str) -> str:
    return f"{key}:version"


def public_cached(
    *, timeout: int = PAGE_TIMEOUT, cors: bool = False, params: tuple[str, ...] = (), shared_with=None
):
    """Cache a public view's 200 answers; see the module docstring.

    ``params`` names every query parameter the view reads: only those tell cached pages apart.
    ``shared_with(request)``: whether a signed-in person gets the page everybody gets (the
    view shows nobody anything of their own); None: signed-in people get pages of their own.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if cors and request.method == "OPTIONS":
                return _preflight()
            use_cache = may_use_cache(request, shared_with=shared_with)
            # The query parameters that make a page: the language switch links keep only those.
            request.public_cache_params = params
            signed_in = is_signed_in(request)
            entry, version = None, None
            if use_cache:
                key = cache_key(request, params)
                version, entry = _cached_entry(key, timeout)
                request.account_menu_deferred = True
            if entry is None:
                with (
                    page_splices.collecting() as splices,
                    _as_anonymous(request) if use_cache and signed_in else contextlib.nullcontext(),
                    _rendering(version),
                ):
                    response = view(request, *args, **kwargs)
                    if isinstance(response, SimpleTemplateResponse):
                        response.render()  # class-based views answer lazily; the cache stores the bytes
                if splices.pieces and not response.streaming:
                    response.content = splices.apply(response.content)
                if response.status_code != 200 or response.streaming:
                    return _with_cors(response, cors)
                entry = _entry_from(response, compress=use_cache)
                if use_cache and version is not None:
                    # The version read before rendering: a bump meanwhile makes this entry stale.
                    entry = {**entry, "version": version}
                    with contextlib.suppress(CacheUnavailable):
                        _guard.call(cache.set_many, {key: entry, _version_key(key): version}, timeout)
                    _local.put(key, entry, timeout)
            return _answer(request, entry, cors=cors, cacheable=use_cache, shared=use_cache and not signed_in)

        return wrapped

    return decorate


@contextlib.contextmanager
def _rendering(version: int | None):
    token = _rendering_version.set(version)
    try:
        yield
    finally:
        _rendering_version.reset(token)


def _entry_from(response, *, compress: bool) -> dict:
    headers = {name: value for name, value in response.items() if name.lower() not in _DROPPED_HEADERS}
    content_type = headers.get("Content-Type", "")
    body = response.content
    if content_type.startswith("text/html"):
        body = _CSRF_INPUT.sub(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", body)
    has_csrf = CSRF_PLACEHOLDER in body
    compressible = (
        compress and not has_csrf and len(body) >= _MIN_COMPRESSED_BYTES and _COMPRESSIBLE.match(content_type)
    )
    return {
        "body": body,
        # mtime=0: the same page compresses to the same bytes in every process.
        "gzip": gzip_ng.compress(body, compresslevel=GZIP_LEVEL, mtime=0) if compressible else None,
        "headers": headers,
        "etag": quote_etag(_digest(body)),
        "last_modified": int(time.time()),
        "has_csrf": has_csrf,
    }


def _digest(body: bytes) -> str:
    """The ETag's: the same bytes in the same language, the same tag, in every process.

    Two checksums and the length rather than a cryptographic hash: nobody gains by forging a
    tag of their own page, and a megabyte's MD5 took a millisecond of every render (these take
    a twentieth of it, with the CPU's CRC instructions).
    """
    language = (get_language() or "").encode()
    crc = zlib_ng.crc32(language, zlib_ng.crc32(body))
    adler = zlib_ng.adler32(language, zlib_ng.adler32(body))
    return f"{crc:08x}{adler:08x}{len(body):x}"


def _gzip_etag(entry: dict) -> str:
    return entry["etag"][:-1] + '-gzip"'


def _answer(request, entry: dict, *, cors: bool, cacheable: bool, shared: bool) -> HttpResponse:
    """``cacheable``: the page everybody gets (from the cache, or rendered for it); ``shared``:
    and asked for without a session, so a shared cache may keep the answer."""
    # Only the page everybody gets, without a token, holds nothing secret: compressing it
    # cannot leak one (BREACH).
    token_free = cacheable and not entry["has_csrf"]
    gzipped = (
        token_free and entry.get("gzip") and _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", ""))
    )
    etag = _gzip_etag(entry) if gzipped else entry["etag"]
    if _not_modified(request, entry):
        response = HttpResponseNotModified()
    else:
        body = entry["gzip"] if gzipped else entry["body"]
        if entry["has_csrf"]:
            body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(body)
        for name, value in entry["headers"].items():
            response[name] = value
        if gzipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(entry["last_modified"])
    if token_free and shared and getattr(request, "language_from_url", False):
        response["Cache-Control"] = settings.PUBLIC_CACHE_CONTROL
        if settings.PUBLIC_CACHE_ACCEL_EXPIRES:
            response["X-Accel-Expires"] = str(settings.PUBLIC_CACHE_ACCEL_EXPIRES)
    elif token_free and shared:
        response["Cache-Control"] = NEGOTIATED_CACHE_CONTROL
    else:
        # A CSRF token differs per visitor, a signed-in visitor's answer (or page with a
        # message) is theirs: never in a shared cache.
        response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    # A page with a pending message is rendered for its reader; a browser that kept the page
    # everybody gets asks again once a session cookie is there.
    patch_vary_headers(response, ("Cookie", "Accept-Encoding") if entry.get("gzip") else ("Cookie",))
    if request.method == "HEAD":
        response.content = b""
    return _with_cors(response, cors)


def _not_modified(request, entry: dict) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return (
            "*" in tags
            or entry["etag"] in tags
            or (entry.get("gzip") is not None and _gzip_etag(entry) in tags)
        )
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and entry["last_modified"] <= since


def _with_cors(response, cors: bool):
    if cors:
        for name, value in CORS_HEADERS.items():
            response[name] = value
    return response


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = "86400"
    return _with_cors(response, True)
