from django.apps import AppConfig

from core import summary_sections


class PublicConfig(AppConfig):
    name = "public"

    def ready(self) -> None:
        # "在线观看 N 人次" in the office's week summary, which lives in a lower app; models
        # cannot load before the registry, hence here.
        from .videos import online_views_sections

        summary_sections.register("online_views", online_views_sections)
