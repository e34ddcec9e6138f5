from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        # Registers the tasks in web processes too, for core.dispatch; tasks import models,
        # which cannot be imported before the app registry is ready.
        from . import tasks  # noqa: F401
