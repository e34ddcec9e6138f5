"""The one door from services to the workers.

Tasks import the services they wrap, so a service that starts work on a worker must not
import the task back. It names the task here instead, and Celery finds it in its registry
(each app's ``AppConfig.ready`` imports its task modules in every process).
"""

from celery import current_app


def enqueue(task_name: str, *, countdown: float | None = None, **kwargs) -> None:
    """Send the task registered as ``task_name`` with keyword arguments ``kwargs`` (run in
    place when tasks are eager). Raises what the broker raises when it cannot be reached."""
    current_app.tasks[task_name].apply_async(kwargs=kwargs, countdown=countdown)
