"""The Celery app. Tasks live in each app's ``tasks.py`` and are found by autodiscovery."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuangchuang.settings")

app = Celery("shuangchuang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Start/end/outcome log lines for every task (signal receivers, connected on import).
from . import celery_logging  # noqa: E402,F401
