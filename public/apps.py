from django.apps import AppConfig
from django.core.signals import request_finished

from core import summary_sections


class PublicConfig(AppConfig):
    name = "public"

    def ready(self) -> None:
        # "在线观看 N 人次" in the office's week summary, which lives in a lower app; models
        # cannot load before the registry, hence here.
        from .videos import online_views_sections
        from .week_snapshot import read_due_after_response

        summary_sections.register("online_views", online_views_sections)
        # Kept rows half a minute old are read again once a response is sent, not in a request.
        request_finished.connect(read_due_after_response, dispatch_uid="public.week_snapshot")
