"""The WSGI module (what gunicorn and runserver load) leaves the loaded application out of the
garbage collector's walks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_application_freezes_what_it_made():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shuangchuang.test_settings"}
    probe = "import gc, shuangchuang.wsgi; print(gc.get_freeze_count())"
    frozen = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert int(frozen.stdout.strip().splitlines()[-1]) > 10_000
