"""Every Celery task logs its start, its end and its outcome, in one place (task signals).

The task id becomes the log lines' ``request_id`` while the task runs, and the worker's own
handlers are switched to the JSON lines the web processes write.
"""

from __future__ import annotations

import logging
import time

from celery import signals

from .logging import JsonFormatter, RequestIdFilter, request_id

log = logging.getLogger("shuangchuang.tasks")
_started: dict[str, tuple[float, object]] = {}


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, kwargs=None, **_):
    _started[task_id] = (time.monotonic(), request_id.set(task_id or "-"))
    log.info("task started", extra={"task": task.name, "task_id": task_id, "task_kwargs": kwargs or {}})


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **_):
    started, token = _started.pop(task_id, (None, None))
    seconds = round(time.monotonic() - started, 3) if started is not None else None
    log.info(
        "task finished", extra={"task": task.name, "task_id": task_id, "outcome": state, "seconds": seconds}
    )
    if token is not None:
        request_id.reset(token)


@signals.task_failure.connect
def _task_failed(task_id=None, sender=None, exception=None, **_):
    log.error(
        "task failed",
        extra={
            "task": getattr(sender, "name", "?"),
            "task_id": task_id,
            "error": f"{type(exception).__name__}: {exception}",
        },
    )


@signals.task_retry.connect
def _task_retried(request=None, reason=None, sender=None, **_):
    log.warning(
        "task retried",
        extra={
            "task": getattr(sender, "name", "?"),
            "task_id": getattr(request, "id", None),
            "reason": str(reason),
        },
    )


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _json_handlers(logger=None, **_):
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
