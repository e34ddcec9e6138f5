"""Celery tasks of the submissions app, one module per subject; autodiscovery imports this."""
from .media import check_media_task, sweep_stuck_checks_task

__all__ = ["check_media_task", "sweep_stuck_checks_task"]
