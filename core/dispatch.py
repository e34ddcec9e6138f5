"""The one door from services to the workers.

Tasks import the services they wrap, so a service that starts work on a worker must not
import the task back. It names the task here instead, and Celery finds it in its registry
(each app's ``AppConfig.ready`` imports its task modules in every process).
"""

import logging

from celery import current_app

log = logging.getLogger(__name__)


def enqueue(task_name: str, *, countdown: float | None = None, **kwargs) -> None:
    """Send the task registered as ``task_name`` with keyword arguments ``kwargs`` (run in
    place when tasks are eager). Raises what the broker raises when it cannot be reached."""
    current_app.tasks[task_name].apply_async(kwargs=kwargs, countdown=countdown)


def try_enqueue(task_name: str, *, about: str, **kwargs) -> bool:
    """``enqueue``, for a caller whose own work is done and must not fail when the broker is
    away: the failure is logged with ``about`` (what the task was for) and False returned, so
    the caller's sweep or fallback takes over."""
    try:
        enqueue(task_name, **kwargs)
    except Exception:  # any broker failure: the caller decides what happens instead
        log.warning("%s: could not enqueue %s", about, task_name, exc_info=True)
        return False
    return True
