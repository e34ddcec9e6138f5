"""Real Celery workers and beats for the tests: started as processes, stopped by their PID.

They share the test database (PostgreSQL: a subprocess cannot see SQLite's in-memory
test database), the test media folder and a queue of their own on the real Redis.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT = 60
WARM_SHUTDOWN_SECONDS = 5


def worker_environment(*, redis_url: str, queue: str, **extra: str) -> dict[str, str]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shuangchuang.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": redis_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.update(extra)
    return env


class CeleryProcess:
    """One ``celery`` process in its own process group, with a pidfile and a log file."""

    def __init__(
        self, args: list[str], *, env: dict[str, str], folder: Path, name: str, app: str = "shuangchuang"
    ):
        self.pidfile = folder / f"{name}.pid"
        self.logfile = folder / f"{name}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            app,
            *args,
            f"--pidfile={self.pidfile}",
            f"--logfile={self.logfile}",
            "--loglevel=INFO",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )

    def wait_for(self, text: str, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.logfile.exists() and text in self.logfile.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"celery exited early:\n{self.log()}")
            time.sleep(0.1)
        raise TimeoutError(f"'{text}' did not appear in the celery log:\n{self.log()}")

    def log(self) -> str:
        return self.logfile.read_text(errors="replace") if self.logfile.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole group: the main process and its pool children, no clean-up."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown: SIGTERM to the main process only, so a task still running may finish
        (a SIGTERM to the whole group kills the pool child mid-task: WorkerLostError); the group
        is SIGKILLed if it has not exited within WARM_SHUTDOWN_SECONDS. A test that needs a
        task's end waits for it before stopping (its log line), so a long transcode left running
        costs a teardown seconds, not the 20 s it took each worker before."""
        if self.process.poll() is None:
            try:
                os.kill(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=WARM_SHUTDOWN_SECONDS)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.process.wait(timeout=10)
        self._signal_group(signal.SIGKILL)  # a pool child the main process left behind
        self.pidfile.unlink(missing_ok=True)

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass


def start_worker(
    *, env: dict[str, str], folder: Path, name: str = "worker", app: str = "shuangchuang"
) -> CeleryProcess:
    worker = CeleryProcess(
        [
            "worker",
            "-Q",
            env["CELERY_QUEUE"],
            "--concurrency=1",
            "--pool=prefork",
            f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h",
        ],
        env=env,
        folder=folder,
        name=name,
        app=app,
    )
    worker.wait_for("ready.")
    return worker


def start_beat(*, env: dict[str, str], folder: Path, name: str = "beat") -> CeleryProcess:
    beat = CeleryProcess(
        ["beat", f"--schedule={folder / (name + '-schedule')}"], env=env, folder=folder, name=name
    )
    beat.wait_for("beat: Starting...")
    return beat


@contextmanager
def sending_to(*, redis_url: str, queue: str, transcode_queue: str | None = None):
    """Make this (test) process send tasks to the real broker instead of running them eagerly;
    the transcode task to ``transcode_queue`` (a worker started with CELERY_QUEUE set to it
    consumes only that queue, as a production transcoding worker does)."""
    from shuangchuang.celery import app

    keys = ("task_always_eager", "broker_url", "task_default_queue", "task_routes")
    saved = {key: app.conf[key] for key in keys}
    routes = dict(app.conf.task_routes or {})
    if transcode_queue:
        routes["submissions.make_renditions"] = {"queue": transcode_queue}
    app.conf.update(
        task_always_eager=False, broker_url=redis_url, task_default_queue=queue, task_routes=routes
    )
    _forget_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _forget_connections(app)


def _forget_connections(app) -> None:
    """Forget the app's pooled connections so the next send uses the current broker_url
    (kombu keeps its own pools per broker, still open, for when we come back)."""
    app._pool = None
    app.amqp._producer_pool = None


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"
