from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("活动")

    def ready(self) -> None:
        # Registers the tasks in web processes too, for core.dispatch; tasks import models,
        # which cannot be imported before the app registry is ready.
        from . import tasks  # noqa: F401
