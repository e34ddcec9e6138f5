"""The test settings for processes that stand for separate hosts (tests/storage/test_two_web_hosts.py):
tasks go to the broker instead of running inside the web process."""

from shuangchuang.test_settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
