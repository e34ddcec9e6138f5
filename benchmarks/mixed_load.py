"""Mixed load for 60 s against the production stack: public schedule reads (wrk) while 20
organizers upload photos and a reviewer works the office board; then how long the checks
queue takes to drain.

    .venv/bin/python benchmarks/mixed_load.py [--duration 60] [--connections 16] [--organizers 20]

All on this machine, loopback only:

1. (re)creates PostgreSQL database ``shuangchuang_ops`` and empties Redis db 7;
2. makes a current week (today inside it) with ``manage.py generate_load_data``: 300 public
   events, 20 units each with one reporter and events today, and one office reviewer;
3. starts the stack with ``shuangchuang/scripts/stack.sh`` (gunicorn, one Celery worker pool, one beat; each
   with a pidfile in a temporary folder) and stops exactly those PIDs at the end;
4. runs at once, for ``--duration`` seconds: ``wrk`` on ``/schedule/`` (anonymous, page cache on);
   20 organizer threads, each logging in and uploading distinct 2.1 MB JPEGs to its event's
   report (one after another, 1 s apart); one reviewer thread cycling board, live board and
   report pages;
5. waits until no photo is queued or being checked, and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DB_NAME = "shuangchuang_ops"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/7"
HOST = "127.0.0.1"
PASSWORD = "load-test-password-2026"
MIB = 1024 * 1024


def seed_command(organizers: int) -> list[str]:
    """``manage.py generate_load_data``: a current week (today its third day) of 300 public
    events on 10 venues, hosted by ``organizers`` units whose reporters sign in with PASSWORD
    (each unit has events today), no reports yet, photos of at least 2 MiB, and the reviewer
    ``office``."""
    return [
        PYTHON,
        "manage.py",
        "generate_load_data",
        "--events",
        "300",
        "--busiest",
        str(max(45, organizers)),
        "--venues",
        "10",
        "--units",
        str(organizers),
        "--reports",
        "0",
        "--media",
        "0",
        "--password",
        PASSWORD,
        "--office",
        "office",
        "--set",
        f"photo_min_bytes={2 * MIB}",
    ]


def environment(tmp: Path, port: int) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="shuangchuang.settings",
        DEBUG="0",
        DATABASE_URL=f"{PG}/{DB_NAME}",
        REDIS_URL=REDIS,
        SECRET_KEY="benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        SITE_URL=f"http://{HOST}:{port}",
        VAR_DIR=str(tmp),
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        LOG_LEVEL="WARNING",
        RUN_DIR=str(tmp / "run"),
        WEB_BIND=f"{HOST}:{port}",
        WEB_WORKERS=os.environ.get("WEB_WORKERS", "4"),
        WORKER_CONCURRENCY="2",
        # The load comes from a few loopback addresses; throttling is about guessing, not volume.
        LOGIN_FAILURE_LIMIT="1000",
    )
    return env


def prepare(env, organizers: int) -> dict:
    import psycopg2
    import redis

    admin = psycopg2.connect(f"{PG}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        cursor.execute(f"CREATE DATABASE {DB_NAME}")
    admin.close()
    redis.Redis.from_url(REDIS).flushdb()
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "compile_catalogs"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    out = subprocess.run(
        seed_command(organizers),
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    made = json.loads(out.strip().splitlines()[-1])
    return {
        "day": made["busiest_day"],
        "organizers": [{"username": r["username"], "event": r["event"]} for r in made["reporters"]],
    }


class Session:
    """A signed-in browser: cookie jar, CSRF token from the cookie, latencies and errors kept."""

    def __init__(self, base: str, username: str):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.request("GET", "/accounts/login/")
        self.request(
            "POST",
            "/accounts/login/",
            urllib.parse.urlencode(
                {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
            ).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            expect=(302,),
        )

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def request(self, method, path, body=None, headers=None, expect=(200,)) -> bytes:
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, data = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
        except OSError as error:
            status, data = 0, str(error).encode()
        self.latencies.append(time.monotonic() - started)
        if status not in expect and not (302 in expect and status == 200):
            self.errors.append(f"{method} {path}: {status}")
        return data


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(field: str, name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def distinct(jpeg: bytes, tag: str) -> bytes:
    """The same picture with a COM segment right after SOI: a valid, different JPEG."""
    comment = tag.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def organizer_loop(session: Session, event: int, day: str, jpeg: bytes, stop: threading.Event, uploads: list):
    path = f"/organizer/reports/{event}/{day}/"
    session.request("GET", path)
    n = 0
    while not stop.is_set():
        body, content_type = multipart(
            "photos", f"现场{n}.jpg", distinct(jpeg, f"{event}-{n}-{uuid.uuid4()}")
        )
        answer = session.request(
            "POST",
            path + "upload/",
            body,
            {"Content-Type": content_type, "X-CSRFToken": session.csrf(), "Accept": "application/json"},
        )
        if answer.startswith(b"{") and json.loads(answer).get("created"):
            uploads.append(time.monotonic())
        session.request("GET", path + "media.json")
        n += 1
        stop.wait(1.0)


def reviewer_loop(session: Session, stop: threading.Event):
    while not stop.is_set():
        for path in ("/review/", "/review/live/", "/review/events/", "/review/events/all/"):
            session.request("GET", path)
        stop.wait(0.5)


def wrk(url: str, *, duration: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s", url],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def pending_checks() -> int:
    import psycopg2

    with psycopg2.connect(f"{PG}/{DB_NAME}") as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM submissions_mediafile WHERE status IN ('queued', 'checking')")
        return cursor.fetchone()[0]


def verdicts() -> dict:
    import psycopg2

    with psycopg2.connect(f"{PG}/{DB_NAME}") as conn, conn.cursor() as cursor:
        cursor.execute("SELECT status, count(*) FROM submissions_mediafile GROUP BY status")
        return dict(cursor.fetchall())


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] * 1000 if len(values) >= 2 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--organizers", type=int, default=20)
    parser.add_argument("--port", type=int, default=8751)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    from tests.submissions.media_samples import make_jpeg

    tmp = Path(tempfile.mkdtemp(prefix="mixed-load-"))
    env = environment(tmp, args.port)
    seeded = prepare(env, args.organizers)
    jpeg = make_jpeg(tmp / "base.jpg", size_bytes=int(2.1 * MIB)).read_bytes()
    base = f"http://{HOST}:{args.port}"
    stack = ROOT / "shuangchuang" / "scripts" / "stack.sh"
    subprocess.run([str(stack), "start"], env=env, cwd=ROOT, check=True, capture_output=True)
    try:
        _wait_for(base + "/healthz")
        for _ in range(3):
            urllib.request.urlopen(base + "/schedule/").read()
        organizers = [Session(base, row["username"]) for row in seeded["organizers"]]
        reviewer = Session(base, "office")
        stop, uploads = threading.Event(), []
        threads = [
            threading.Thread(
                target=organizer_loop, args=(s, row["event"], seeded["day"], jpeg, stop, uploads)
            )
            for s, row in zip(organizers, seeded["organizers"], strict=True)
        ]
        threads.append(threading.Thread(target=reviewer_loop, args=(reviewer, stop)))
        for thread in threads:
            thread.start()
        public = wrk(base + "/schedule/", duration=args.duration, connections=args.connections)
        stop.set()
        for thread in threads:
            thread.join()
        load_end = time.monotonic()
        while pending_checks():
            if time.monotonic() - load_end > 900:
                break
            time.sleep(0.5)
        drained = time.monotonic() - load_end
        outcome = verdicts()
    finally:
        subprocess.run([str(stack), "stop"], env=env, cwd=ROOT, check=False, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)

    upload_latencies = [t for s in organizers for t in s.latencies]
    upload_errors = [e for s in organizers for e in s.errors]
    print(
        f"\n{os.cpu_count()} cores; gunicorn {env['WEB_WORKERS']} sync workers, Celery worker concurrency 2, "
        f"one beat; PostgreSQL + Redis; wrk -t2 -c{args.connections} -d{args.duration}s on /schedule/ "
        f"with {args.organizers} organizers uploading 2.1 MB JPEGs and one reviewer on the board\n"
    )
    print("| traffic | requests | throughput | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| public /schedule/ (wrk) | {public['requests']} | {public['rps']:.0f} req/s | {public['p50']:.1f} | "
        f"{public['p99']:.1f} | {public['errors']} |"
    )
    print(
        f"| organizers: upload + status poll | {len(upload_latencies)} | {len(uploads) / args.duration:.1f} photos/s "
        f"({len(uploads)} photos) | {statistics.median(upload_latencies) * 1000:.0f} | {p99(upload_latencies):.0f} | "
        f"{len(upload_errors)} |"
    )
    print(
        f"| reviewer: board, live, queue, list | {len(reviewer.latencies)} | "
        f"{len(reviewer.latencies) / args.duration:.1f} pages/s | {statistics.median(reviewer.latencies) * 1000:.0f} | "
        f"{p99(reviewer.latencies):.0f} | {len(reviewer.errors)} |"
    )
    print(f"\nChecks queue drained {drained:.1f} s after the load stopped; verdicts: {outcome}")
    if upload_errors or reviewer.errors:
        print("errors:", (upload_errors + reviewer.errors)[:10])


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the stack did not answer {url}")


if __name__ == "__main__":
    main()
