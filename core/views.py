"""What every organizer and office view shares: sign-in first, then rules, 403 not a redirect loop."""

from __future__ import annotations

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rules.contrib.views import PermissionRequiredMixin


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
