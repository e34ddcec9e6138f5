"""The hall's face: ``public`` (the hall, project pages, files, intents), ``area`` (the
signed-in home, a project's page and the holder's editing, intents, signings), ``curator``
(a hall's projects, review, featuring, invitations, intents, totals) and ``join`` (holders
joining from a link)."""
