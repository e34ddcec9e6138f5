from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("大赛")

    def ready(self) -> None:
        # Registers the tasks in web processes too, for core.dispatch; tasks import models,
        # which cannot be imported before the app registry is ready.
        from . import tasks  # noqa: F401
