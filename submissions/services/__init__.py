"""Business actions on daily reports, their media, reminders and reviews.

One module per subject: ``reports`` (drafts, submission), ``media`` (uploads and their
checks). Views, tasks, admin actions and commands all call these functions.
"""
