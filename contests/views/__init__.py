"""The contests' face: ``manage`` (the organizer's contest, its setup, entries and screening),
``rounds`` (a round's lineup, criteria, jurors, ranking, results, votes), ``public`` (the
public contest and results pages), ``register`` (an applicant's account and entry), ``jury``
(a juror's scoring on a phone) and ``voting`` (the public vote)."""
