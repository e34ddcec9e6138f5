"""Rules for text that must stay on one line, shared by every app that stores names and titles."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Unicode category Cc (C0 and C1 controls, DEL: CR, LF, TAB, NUL ...) and the line and paragraph
# separators, which break a line as surely as LF does.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SINGLE_LINE_MESSAGE = _("不能包含换行或控制字符。")


def validate_single_line(value: str) -> None:
    """One line of text (a subtitle, a place, a name): no line break, tab or other control character.

    Such text ends up in headers and one-line formats (an .ics property, an HTTP header, a CSV
    cell), where a line break splits or breaks the record.
    """
    if value and CONTROL_RE.search(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="control_character")
