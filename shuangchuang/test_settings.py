"""Settings for the test suite: the real settings, made fast and self-contained."""

import os
import tempfile
import uuid

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Folders of this test process, named but not made here (storage and tools make them on
# first write); worker processes started by the tests are handed the test process's folder.
_RUN_DIR = Path(tempfile.gettempdir()) / f"shuangchuang-test-{uuid.uuid4().hex[:12]}"  # noqa: F405
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or _RUN_DIR / "media")  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BEAT_SCHEDULE_FILENAME = str(_RUN_DIR / "celerybeat-schedule")
STATIC_ROOT = _RUN_DIR / "static"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A test database in a file, not Django's shared-cache memory database: with the live server
    # (browser tests) several threads write at once, and shared cache answers a busy table with
    # "database table is locked" at once, where a file waits for the lock (OPTIONS timeout).
    DATABASES["default"]["TEST"] = {"NAME": str(_RUN_DIR.with_name(_RUN_DIR.name + ".sqlite3"))}  # noqa: F405
