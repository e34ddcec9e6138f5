"""deploy/: the systemd units run exactly the Procfile's commands (absolute paths, the
environment from /etc/shuangchuang.env), systemd and logrotate accept the files as shipped."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
APP = "/srv/shuangchuang/app"


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def unit(name: str) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for line in (UNITS / f"shuangchuang-{name}.service").read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key, []).append(value)
    return keys


def as_procfile_writes_it(command: str) -> str:
    """A unit's ExecStart in the Procfile's words: relative paths, ${VAR:-...} defaults, one %."""
    command = command.replace(f"{APP}/", "").replace("%%", "%")
    return command.replace("/var/lib/shuangchuang/celerybeat-schedule", "${VAR_DIR}/celerybeat-schedule")


@pytest.mark.parametrize("name", ["web", "worker", "transcode", "beat"])
def test_each_procfile_line_has_a_unit_running_the_same_command(name):
    keys = unit(name)
    expected = re.sub(r"\$\{(\w+):-[^}]*\}", r"${\1}", procfile()[name])

    assert keys["EnvironmentFile"] == ["/etc/shuangchuang.env"]
    assert keys["WorkingDirectory"] == [APP]
    (command,) = keys["ExecStart"]
    assert command.startswith(f"{APP}/.venv/bin/")
    assert as_procfile_writes_it(command) == expected
    for word in command.split():
        if "/" in word and not word.startswith("--"):
            assert word.startswith("/"), f"relative path in {name}: {word}"
    assert keys["Restart"] == ["always"]


def test_every_procfile_line_has_a_unit_and_no_unit_is_extra():
    assert {path.stem.removeprefix("shuangchuang-") for path in UNITS.glob("*.service")} == set(procfile())


def test_systemd_accepts_the_units(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    for path in UNITS.glob("*.service"):  # the binaries must exist: point the units at this checkout
        (tmp_path / path.name).write_text(path.read_text().replace(APP, str(ROOT)))

    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.glob("*.service"))],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_logrotate_accepts_its_file(tmp_path):
    if shutil.which("logrotate") is None:
        pytest.skip("logrotate is not installed")
    config = tmp_path / "shuangchuang"  # this machine has no user shuangchuang: root stands in
    config.write_text(
        (ROOT / "deploy/logrotate/shuangchuang").read_text().replace("shuangchuang shuangchuang", "root root")
    )
    done = subprocess.run(
        ["logrotate", "--debug", "--state", str(tmp_path / "state"), str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr.lower()


def test_the_env_template_names_only_variables_the_settings_read():
    settings_source = (ROOT / "shuangchuang" / "settings.py").read_text()
    gunicorn_source = (ROOT / "shuangchuang" / "scripts" / "gunicorn.conf.py").read_text()
    template = (ROOT / "deploy" / "shuangchuang.env.example").read_text()
    names = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", template, flags=re.M))

    unknown = {
        name
        for name in names
        if f'"{name}"' not in settings_source
        and f'"{name}"' not in gunicorn_source
        and name not in ("WORKER_CONCURRENCY",)  # the worker unit's ExecStart
    }
    assert unknown == set()
