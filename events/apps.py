from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("活动")

    def ready(self) -> None:
        # Registers the tasks in web processes too, for core.dispatch; tasks import models,
        # which cannot be imported before the app registry is ready.
        from . import tasks  # noqa: F401
        from .context_processors import forget_current_week
        from .models import Week

        for signal in (post_save, post_delete):
            signal.connect(forget_current_week, sender=Week, dispatch_uid="events.current_week")
