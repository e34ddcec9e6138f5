"""What the organizer's views share: everything is looked up among the contests the user runs
(``selectors.access.managed_contests``), so another unit's contest, round or entry is a
404; the rule ``contests.manage_contest`` (or a stricter one) is then asked of the object."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin

from core.views import ObjectPermissionMixin, PortalPermissionMixin

from ..selectors.access import managed_contests
from ..selectors.manage import managed_contest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ContestMixin(PortalPermissionMixin):
    """One contest the user runs, from the URL's ``pk``; another is a 404."""

    permission_required = "contests.manage_contest"
    contest_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.contest = get_object_or_404(managed_contest(user=request.user, pk=kwargs[self.contest_kwarg]))
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.contest

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contest": self.contest}


class ManagedObjectMixin(ObjectPermissionMixin, SingleObjectMixin):
    """An object of a contest the user runs (``contest_path``: how the model reaches its
    contest), from the URL's ``pk``; any other is a 404."""

    permission_required = "contests.manage_contest"
    contest_path = "contest"
    related = ()

    def get_queryset(self):
        scope = {f"{self.contest_path}__in": managed_contests(user=self.request.user)}
        return self.model.objects.filter(**scope).select_related(*self.related)


class ManagedActionView(ManagedObjectMixin, View):
    """A POST on one object: ``act`` it, say what happened, go back to ``back``."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        target = self.get_object()
        try:
            said = self.act(target)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if said:
                messages.success(request, said)
        return redirect(self.back(target))


def download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
