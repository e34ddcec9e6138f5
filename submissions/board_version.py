"""The office board's version: a token that moves whenever something the board shows changes.

``board.js`` asks for it every second (``board:version``) and fetches the rendered rows only
when it moved. Submissions' services call ``bump_board()`` inside the transaction of a change
to a report, its review or its media; approved events changing bump the ``events`` counter
(``events.services.workflow``). Both are counted in the database, see ``core.change_counters``.
"""

from __future__ import annotations

from core.change_counters import bump_on_commit, token

REPORTS = "reports"
EVENTS = "events"


def bump_board() -> None:
    """A report, its review or its media changed: boards refresh once this transaction commits."""
    bump_on_commit(REPORTS)


def board_version() -> str:
    """The current version (one query)."""
    return token(EVENTS, REPORTS)
