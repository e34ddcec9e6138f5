from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import summary_sections


class ExhibitsConfig(AppConfig):
    name = "exhibits"
    verbose_name = _("云展厅")

    def ready(self) -> None:
        # Registers the hall's tasks in every process (services name them, never import them);
        # models cannot load before the registry, hence here, as the presenter below.
        from . import tasks  # noqa: F401
        from .presenters import hall_summary_sections

        # The hall's totals in the office's week summary, which lives in a lower app.
        summary_sections.register("exhibits", hall_summary_sections)
