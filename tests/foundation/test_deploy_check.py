"""With DEBUG off and real secrets, Django's deployment check has nothing to say."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    # The browser tests allow async-unsafe calls in this process; a deployment never does.
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "shuangchuang.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x7!kq2#v9z@p4m8w1r6t3y5u0i-o_l;j,h.g/f'd~s=a+b{c}e[n]",
        "ALLOWED_HOSTS": "shuangchuang.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }

    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr


def test_settings_refuse_to_start_without_a_secret_key_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="shuangchuang.settings", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"
    )

    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr
