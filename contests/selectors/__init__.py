"""Reads of the contests, each doing its own joins: ``access`` (which contests a user runs),
``manage`` (the organizer's pages: entries with filters, a round's lineup and jurors),
``ranking`` (a round's scores ranked), ``jury`` (a juror's entrants and scores), ``voting``
(candidates, totals, bursts) and ``public`` (the public pages)."""
