"""Fixed-window rate limits in Django's cache, for the forms anybody may post.

A ``RateLimit`` allows ``count`` hits per ``seconds`` for one key (a client address, a
normalised username or e-mail) within its scope. Windows are aligned to the clock
(``now // seconds``), so the 429 page can say when the next one starts. On Redis a hit is
one round trip: a small Lua script increments the window's counter and gives a new one its
expiry (``spend_distinct`` also stores the member in the same script), atomically, so
concurrent requests cannot all slip under a limit. Other caches (LocMem in tests and ``make
run``) take ``cache.add`` (the first hit opens the counter) then ``cache.incr``.

The cache is a guard, not a gate: when it cannot be reached the request goes through, the
failure is logged (at most once a minute) and the cache is not asked again for a few
seconds, so an outage costs no timeout per request.

The limits are the constants below; a deployment overrides one by its scope with
``RATE_LIMITS = {"login-address": (20, 300)}`` (count, seconds) in settings.

Two ways to count, both in ``RateLimitedPostMixin``:

- ``spend``: every hit counts (each POST to the password reset form);
- ``spend_distinct``: a member counts once per window (the usernames that failed to sign in
  from one address; the addresses a username failed from). A repeated guess at one
  username from one address is django-axes' business, which locks that pair.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from redis.commands.core import Script

from .cache_guard import CacheGuard, CacheUnavailable
from .client_ip import client_ip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateLimit:
    scope: str
    default_count: int
    default_seconds: int
    key_kind: str = "address"  # what the key is: only addresses are written to the log

    def _setting(self) -> tuple[int, int]:
        return getattr(settings, "RATE_LIMITS", {}).get(
            self.scope, (self.default_count, self.default_seconds)
        )

    @property
    def count(self) -> int:
        return self._setting()[0]

    @property
    def seconds(self) -> int:
        return self._setting()[1]


# Sign-in: failed usernames per address (a guesser trying a new username each time), and
# failing addresses per username (one account guessed at from many places). Both are soft:
# they lift when the window ends.
LOGIN_PER_ADDRESS = RateLimit("login-address", 20, 5 * 60)
# ... and at most a few of those at a time: each costs a password hash (~0.4 s of a core), so a
# flood's first seconds must not spend the whole window's allowance at once.
LOGIN_BURST_PER_ADDRESS = RateLimit("login-address-burst", 3, 15)
LOGIN_PER_USERNAME = RateLimit("login-username", 10, 15 * 60, key_kind="username")
# Password reset: requests per address (answered 429), mails per e-mail address (over the
# limit nothing is sent, and the answer is the usual "sent" page, as for an unknown address).
PASSWORD_RESET_PER_ADDRESS = RateLimit("password-reset-address", 5, 60 * 60)
PASSWORD_RESET_PER_EMAIL = RateLimit("password-reset-email", 3, 60 * 60, key_kind="email")
# A unit's application to join (each one mails the office): accepted applications per address.
APPLICATION_PER_ADDRESS = RateLimit("application-address", 3, 60 * 60)


def address_key(address: str) -> str:
    """The key a client address is counted under: IPv4 as it is, IPv6 as its /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def normalised(value: str | None) -> str:
    """A username or e-mail address as counted: trimmed, case folded."""
    return (value or "").strip().casefold()


def spend(limit: RateLimit, key: str) -> bool:
    """Count one hit for ``key``; True while within the limit (the n-th hit still is)."""
    try:
        count = _hit(_counter_key(limit, key), limit)
    except CacheUnavailable:
        return True
    _log_when_reached(limit, key, count)
    return count <= limit.count


def spend_distinct(limit: RateLimit, key: str, member: str) -> bool:
    """Count ``member`` for ``key`` once per window; True while within the limit."""
    counter = _counter_key(limit, key)
    try:
        count, counted = _hit_distinct(counter, f"{counter}:{digest(member)}", limit)
    except CacheUnavailable:
        return True
    if counted:
        _log_when_reached(limit, key, count)
    return count <= limit.count


def release_distinct(limit: RateLimit, key: str, member: str) -> None:
    """Undo ``spend_distinct`` of ``member`` in the current window (what it paid for went well)."""
    counter = _counter_key(limit, key)
    try:
        if _call(cache.delete, f"{counter}:{digest(member)}"):
            _call(cache.decr, counter)
    except (CacheUnavailable, ValueError):  # away, or the window ended meanwhile: nothing to undo
        pass


def is_spent(limit: RateLimit, key: str) -> bool:
    """True when the window's hits for ``key`` reached the limit: the next one is refused."""
    try:
        count = _call(cache.get, _counter_key(limit, key)) or 0
    except CacheUnavailable:
        return False
    return count >= limit.count


def minutes_left(limit: RateLimit) -> int:
    """Whole minutes until the current window ends (at least 1)."""
    return max(1, math.ceil(_seconds_left(limit) / 60))


def too_many_requests(request, limit: RateLimit):
    """The Chinese 429 page, with Retry-After, never cached."""
    page = render_to_string("429.html", {"minutes": minutes_left(limit)})
    response = HttpResponse(page, status=429)
    response["Retry-After"] = str(math.ceil(_seconds_left(limit)))
    add_never_cache_headers(response)
    return response


class RateLimitedPostMixin:
    """Refuses a POST over a limit with the 429 page, before the view's ``post`` does any work.

    ``rate_limits``: each POST spends one hit per client address. A view that counts only
    some outcomes (an accepted application) returns what to look at from
    ``rate_limit_checks()`` (a spent limit refuses the POST; looking counts nothing) and
    spends where the outcome happens, refusing with ``self.rate_limited(limit)`` if needed.
    A view whose work is costly whatever its outcome (a password check) reserves a member per
    limit from ``rate_limit_reservations()`` before the work, so concurrent requests cannot
    all slip under a limit, and gives back with ``release_reservations()`` what went well.
    """

    rate_limits: Sequence[RateLimit] = ()

    def post(self, request, *args, **kwargs):
        # In post(), not dispatch(): inside the view's own dispatch decorators (Django's
        # LoginView hides the password from error reports and never caches its answer).
        for limit in self.rate_limits:
            if not spend(limit, self.client_address):
                return self.rate_limited(limit)
        for limit, key in self.rate_limit_checks():
            if is_spent(limit, key):
                return self.rate_limited(limit)
        for limit, key, member in self.rate_limit_reservations():
            if not spend_distinct(limit, key, member):
                return self.rate_limited(limit)
        return super().post(request, *args, **kwargs)

    @functools.cached_property
    def client_address(self) -> str:
        """The address our own proxy saw (a forged header ignored), as django-axes counts it;
        an IPv6 address counts as its /64, which one subscriber holds whole."""
        return address_key(client_ip(self.request))

    def rate_limit_checks(self) -> Iterable[tuple[RateLimit, str]]:
        return ()

    def rate_limit_reservations(self) -> Iterable[tuple[RateLimit, str, str]]:
        return ()

    def release_reservations(self) -> None:
        for limit, key, member in self.rate_limit_reservations():
            release_distinct(limit, key, member)

    def rate_limited(self, limit: RateLimit):
        return too_many_requests(self.request, limit)


# --- the counter ---------------------------------------------------------------------------


def _window(limit: RateLimit) -> int:
    return int(time.time() // limit.seconds)


def _seconds_left(limit: RateLimit) -> float:
    return (_window(limit) + 1) * limit.seconds - time.time()


def _timeout(limit: RateLimit) -> int:
    return math.ceil(_seconds_left(limit)) + 1


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _counter_key(limit: RateLimit, key: str) -> str:
    return f"ratelimit:{limit.scope}:{_window(limit)}:{digest(key)}"


def _hit(counter: str, limit: RateLimit) -> int:
    """One more hit on ``counter``; its count now (1 opens the window)."""
    client = _redis_client()
    if client is not None:
        return int(
            _call(_HIT, keys=[cache.make_and_validate_key(counter)], args=[_timeout(limit)], client=client)
        )
    if _call(cache.add, counter, 1, timeout=_timeout(limit)):
        return 1
    try:
        return _call(cache.incr, counter)
    except ValueError:  # the counter expired between add and incr: a new window
        _call(cache.add, counter, 1, timeout=_timeout(limit))
        return 1


def _hit_distinct(counter: str, member_key: str, limit: RateLimit) -> tuple[int, bool]:
    """A hit on ``counter`` if ``member_key`` is new in the window: (the count, whether it counted)."""
    client = _redis_client()
    if client is not None:
        keys = [cache.make_and_validate_key(counter), cache.make_and_validate_key(member_key)]
        count, counted = _call(_HIT_DISTINCT, keys=keys, args=[_timeout(limit)], client=client)
        return int(count), bool(counted)
    if _call(cache.add, member_key, 1, timeout=_timeout(limit)):
        return _hit(counter, limit), True
    return _call(cache.get, counter) or 0, False


# On Redis: the counter goes up and a new one gets the window's expiry, in one round trip and
# atomically (a script runs whole). Values are plain integers, as Django's cache stores an int,
# so ``cache.get``/``cache.decr`` read and undo them alike. redis-py sends the script by its
# digest (EVALSHA) and loads it once per server when unknown.
_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
_HIT_DISTINCT_SCRIPT = """
if redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[1]) then
  local count = redis.call('INCR', KEYS[1])
  if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
  return {count, 1}
end
return {tonumber(redis.call('GET', KEYS[1]) or '0'), 0}
"""
_HIT = Script(None, _HIT_SCRIPT.encode())
_HIT_DISTINCT = Script(None, _HIT_DISTINCT_SCRIPT.encode())


def _redis_client():
    """The redis-py client of the default cache when it is Django's Redis cache, else None."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None


def _log_when_reached(limit: RateLimit, key: str, count: int) -> None:
    if count == limit.count:  # once per key and window, not once per refused request
        shown = key if limit.key_kind == "address" else f"{limit.key_kind} #{digest(key)[:8]}"
        log.warning(
            "rate limit %s reached by %s: %s per %s s", limit.scope, shown, limit.count, limit.seconds
        )


_guard = CacheGuard(consequence="requests are let through without rate limits")
_call = _guard.call
