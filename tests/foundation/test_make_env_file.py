"""The production make targets read their environment from ENV_FILE themselves (issue 19):
nobody has to export /etc/shuangchuang.env by hand before `make deploy-check` or `make messages`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str) -> subprocess.CompletedProcess:
    # The environment of an operator's fresh shell: none of the portal's settings exported.
    env = {
        key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_messages_compile_without_a_production_environment():
    result = make("messages", "ENV_FILE=/nonexistent/shuangchuang.env")

    assert result.returncode == 0, result.stderr


def test_deploy_check_reads_the_env_file(tmp_path):
    env_file = tmp_path / "shuangchuang.env"
    env_file.write_text("SECRET_KEY=too-short\nALLOWED_HOSTS=portal.example.cn\n")

    without = make("deploy-check", "ENV_FILE=/nonexistent/shuangchuang.env")
    with_file = make("deploy-check", f"ENV_FILE={env_file}")

    assert without.returncode != 0
    assert "SECRET_KEY must be set" in without.stderr
    # The file was read: settings loaded with its key, and Django's checklist judged that key.
    assert with_file.returncode != 0
    assert "SECRET_KEY must be set" not in with_file.stderr
    assert "security.W009" in with_file.stdout + with_file.stderr
