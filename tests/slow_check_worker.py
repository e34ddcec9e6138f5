"""The portal's Celery app for a worker whose media checks are slow on purpose.

Started with ``celery -A tests.slow_check_worker`` by the worker-kill test, which needs a
check that lasts long enough to kill its worker mid-check. The delay (``SLOW_CHECK_SECONDS``)
is put in front of the real check in each pool process, so production code carries no hook.
"""

import os
import time

from celery.signals import worker_process_init

from shuangchuang.celery import app

__all__ = ["app"]


@worker_process_init.connect
def slow_down_checks(**_kwargs) -> None:
    from submissions.services import media  # the app registry is ready in a pool process

    real_inspect_file = media.inspect_file
    delay = float(os.environ.get("SLOW_CHECK_SECONDS", "30"))

    def slow_inspect_file(*args, **kwargs):
        time.sleep(delay)
        return real_inspect_file(*args, **kwargs)

    media.inspect_file = slow_inspect_file
