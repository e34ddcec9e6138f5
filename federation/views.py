"""The office's page of the sub-venues' portals: each one's state, its last error in full,
when it last answered; subscribing and editing stay in the admin."""

from django.utils import timezone
from django.views.generic import TemplateView

from core.views import PortalPermissionMixin

from . import selectors


class SourcesView(PortalPermissionMixin, TemplateView):
    permission_required = "federation.see_sources"
    template_name = "federation/office_sources.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sources=list(selectors.sources_status()), now=timezone.now())
        return context
