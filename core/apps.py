from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        # Registers the tasks in web processes too, for core.dispatch; tasks import models,
        # which cannot be imported before the app registry is ready. `checks` registers the
        # deployment checks of the media storage (manage.py check --deploy).
        from . import checks, tasks  # noqa: F401
