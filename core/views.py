"""What views share: sign-in first, then rules, 403 not a redirect loop; the public cache for public pages."""

from __future__ import annotations

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rules.contrib.views import PermissionRequiredMixin

from .public_cache import PAGE_TIMEOUT, public_cached


class PortalPermissionMixin(PermissionRequiredMixin):
    """Anonymous visitors go to the login page; signed-in users without the permission get 403."""

    raise_exception = True

    def has_permission(self) -> bool:
        # Ask the rules themselves: a superuser's has_perm() is always True, state or not.
        obj = self.get_permission_object()
        return all(rules.test_rule(name, self.request.user, obj) for name in self.get_permission_required())

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return redirect_to_login(self.request.get_full_path())
        raise PermissionDenied


class ObjectPermissionMixin(PortalPermissionMixin):
    """The object is looked up once (for the permission and the view) from ``get_queryset``."""

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = super().get_object(queryset)
        return self._object

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


class PublicCachedMixin:
    """A public page or feed answered from the public cache for anonymous visitors
    (``core.public_cache``): set ``cache_params`` to every query parameter the view reads.

    Mounted under ``i18n_patterns`` (its URL names its language) and free of CSRF tokens, its
    anonymous answers set no cookie, are gzipped for clients that accept it, and may be kept
    by a CDN (``settings.PUBLIC_CACHE_CONTROL``, purged through ``PUBLIC_CACHE_PURGE``)."""

    cache_timeout = PAGE_TIMEOUT
    cache_params: tuple[str, ...] = ()
    cors = False
    # A function of the request: True when a signed-in person gets the page everybody gets
    # (core.public_cache, ``shared_with``). None: signed-in people get pages of their own.
    shared_with_signed_in = None

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        return public_cached(
            timeout=cls.cache_timeout,
            cors=cls.cors,
            params=cls.cache_params,
            shared_with=cls.shared_with_signed_in,
        )(view)
