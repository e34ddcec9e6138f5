"""Where event covers are stored (named by the migrations, so this path stays)."""

from core.uploads import generated_name


def event_cover_path(instance, filename: str) -> str:
    return generated_name("covers", filename)
