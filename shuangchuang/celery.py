"""The Celery app. Tasks live in each app's ``tasks.py`` and are found by autodiscovery."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.settings")

app = Celery("shuangchuang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Transcoding takes minutes of CPU per video: its own queue, so checks and reminders never wait
# behind it. A worker must consume it (`-Q celery,media-transcode`; docs/operations.md).
app.conf.task_routes = {
    "submissions.make_renditions": {"queue": os.environ.get("CELERY_TRANSCODE_QUEUE", "media-transcode")}
}


@app.on_after_configure.connect
def make_broker_folders(sender, **_kwargs) -> None:
    """The file-system broker (``make run``, no servers) needs its folders; a fresh clone has none."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


# Start/end/outcome log lines for every task (signal receivers, connected on import).
from . import celery_logging  # noqa: E402,F401
