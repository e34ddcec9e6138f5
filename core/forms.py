"""Form plumbing every app shares."""

from __future__ import annotations

from .text import validate_single_line


class SingleLineFieldsMixin:
    """For forms whose ``single_line_fields`` hold one line of text (titles, places, names):
    they refuse line breaks and control characters, which break .ics lines and headers."""

    single_line_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.single_line_fields:
            if name in self.fields:
                self.fields[name].validators.append(validate_single_line)
