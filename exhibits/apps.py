from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitsConfig(AppConfig):
    name = "exhibits"
    verbose_name = _("云展厅")

    def ready(self) -> None:
        # Registers the hall's tasks in every process (services name them, never import them);
        # models cannot load before the registry, hence here.
        from . import tasks  # noqa: F401
