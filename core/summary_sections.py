"""Sections that apps above ``submissions`` add to the office's week summary (报送汇总), without
``submissions`` knowing them.

The summary page and its .docx live in ``submissions``, below the apps whose figures belong
in it (the online hall's projects, intents and signings). Such an app registers a provider
in its ``AppConfig.ready``::

    summary_sections.register("exhibits", hall_summary_sections)

A provider takes the week and the moment (``week=``, ``now=``) and returns a list of
``SummarySection`` (none when it has nothing for that week): plain text and tables of
strings and numbers, already in the active language. The summary renders every registered
section the same way on the page and in the .docx (in the order of registration), so a
provider decides the figures and their labels, the summary decides the layout. Readers are
whoever may read the summary (the office and the observers): a provider returns figures fit
for all of them, never a person's contact details.

Knows no domain: the week is passed through as it came.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Cell = str | int | float


@dataclass(frozen=True)
class SummaryTable:
    """A table: a caption, the column headers, the rows, and an optional total row (bold)."""

    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None


@dataclass(frozen=True)
class SummarySection:
    """A part of the summary: a heading, paragraphs of text, tables. ``key`` names it in the
    page's markup (``id="summary-<key>"``)."""

    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[SummaryTable] = field(default_factory=list)


Provider = Callable[..., list[SummarySection]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or, under the same ``name``, replace) a provider of summary sections."""
    _providers[name] = provider


def unregister(name: str) -> None:
    _providers.pop(name, None)


def summary_sections(*, week: Any, now: dt.datetime) -> list[SummarySection]:
    """Every registered provider's sections for ``week`` as it stands at ``now``."""
    sections: list[SummarySection] = []
    for provider in list(_providers.values()):
        sections.extend(provider(week=week, now=now) or [])
    return sections
