"""Load benchmark of the public site: gunicorn + PostgreSQL + Redis, a week of 1,000 events on 30 venues.

    .venv/bin/python benchmarks/public_load.py [--duration 10] [--connections 16] [--workers 4]

What it does, all on this machine and loopback only:

1. (re)creates its own PostgreSQL database ``shuangchuang_public_bench`` and uses Redis db 3;
2. migrates, collects static files, and makes one current published week (7 days) with
   1,000 events spread over 30 venues (1 main + 29 sub-venues), 6 forms and 20 host units
   with ``manage.py generate_load_data`` (``seed_command``; the other benchmarks use it too);
3. starts gunicorn with the production settings (DEBUG off, whitenoise manifest storage) on
   127.0.0.1 with a pidfile, and stops it at the end whatever happens;
4. runs ``wrk`` (Debian package ``wrk``) from a second process against ``/schedule/``, an event
   page, ``/schedule.ics`` and ``/api/schedule.json``, cached and uncached, and prints
   requests per second and p50/p99 latency as a Markdown table.

"Cached" is an anonymous visitor hitting the warm page cache. "Uncached" sends a session
cookie, which the page cache never serves (as for a signed-in user), so every request renders
the page from the database (plus one session lookup).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB_NAME = "shuangchuang_public_bench"
PG = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"


def seed_command(events: int) -> list[str]:
    """The week every public benchmark reads, made by ``manage.py generate_load_data``: one
    current published week of 7 days from the day before yesterday, ``events`` events on 30
    venues (1 main + 29 sub-venues), 6 forms and 20 host units, with themes, co-organizers,
    live streams and a few cancelled; reports and media rows as on a busy week."""
    return [
        PYTHON,
        "manage.py",
        "generate_load_data",
        "--events",
        str(events),
        "--venues",
        "30",
        "--units",
        "20",
    ]


def seed(env, events: int = 1000) -> dict:
    """Run ``seed_command`` and return its JSON summary (week, days, an event in the middle)."""
    out = run(seed_command(events), env).stdout
    return json.loads(out.strip().splitlines()[-1])


TARGETS = [
    ("/schedule/", "schedule"),
    ("/events/{event}/", "event page"),
    ("/schedule.ics", "schedule.ics"),
    ("/api/schedule.json", "api/schedule.json"),
]


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, capture_output=True, **kwargs)


def environment(tmp: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"{PG}/{DB_NAME}",
        REDIS_URL="redis://127.0.0.1:6379/3",
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SITE_URL=f"http://{HOST}",
        VAR_DIR=str(tmp),
        STATIC_ROOT=str(tmp / "static"),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="shuangchuang.settings",
    )
    return env


def prepare(env) -> int:
    import psycopg2

    admin = psycopg2.connect(f"{PG}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        cursor.execute(f"CREATE DATABASE {DB_NAME}")
    admin.close()
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    if (ROOT / "events" / "management" / "commands" / "compile_catalogs.py").exists():
        run([PYTHON, "manage.py", "compile_catalogs"], env)
    return seed(env)["middle_event"]


def wrk(url: str, *, duration: int, connections: int, headers: list[str]) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for header in headers:
        cmd += ["-H", header]
    out = subprocess.run(cmd + [url], check=True, text=True, capture_output=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8741)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")

    tmp = Path(tempfile.mkdtemp(prefix="public-bench-"))
    env = environment(tmp)
    event_id = prepare(env)
    pidfile = tmp / "gunicorn.pid"
    base = f"http://{HOST}:{args.port}"
    server = subprocess.Popen(
        [
            GUNICORN,
            "shuangchuang.wsgi",
            "-b",
            f"{HOST}:{args.port}",
            "-w",
            str(args.workers),
            "--pid",
            str(pidfile),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(base + "/healthz")
        rows = []
        for path, label in TARGETS:
            url = base + path.format(event=event_id)
            for _ in range(3):  # warm the cache and every worker's connection
                urllib.request.urlopen(url).read()
            cached = wrk(url, duration=args.duration, connections=args.connections, headers=[])
            uncached = wrk(
                url,
                duration=args.duration,
                connections=args.connections,
                headers=["Cookie: sessionid=benchmark-no-cache"],
            )
            rows.append((label, cached, uncached))
    finally:
        _stop(server, pidfile)
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"\n{os.cpu_count()} cores, gunicorn {args.workers} sync workers, wrk -t2 -c{args.connections} "
        f"-d{args.duration}s, 1,000 events on 30 venues, PostgreSQL + Redis\n"
    )
    print(
        "| page | cached req/s | cached p50 ms | cached p99 ms | uncached req/s | uncached p50 ms | uncached p99 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, cached, uncached in rows:
        print(
            f"| {label} | {cached['rps']:.0f} | {cached['p50']:.1f} | {cached['p99']:.1f} | "
            f"{uncached['rps']:.0f} | {uncached['p50']:.1f} | {uncached['p99']:.1f} |"
        )
    errors = sum(c["errors"] + u["errors"] for _, c, u in rows)
    if errors:
        print(f"\n{errors} non-2xx answers: the figures are not valid")
        sys.exit(1)


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url}")


def _stop(server: subprocess.Popen, pidfile: Path) -> None:
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            pass
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
