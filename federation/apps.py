from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "federation"
    verbose_name = _("分会场")

    def ready(self) -> None:
        # Registers the sync tasks in every process (services name them, never import them);
        # models cannot load before the registry, hence here.
        from . import tasks  # noqa: F401
        from .models import Source
        from .selectors import forget_cities

        for signal in (post_save, post_delete):
            signal.connect(forget_cities, sender=Source, dispatch_uid="federation.cities")
