"""Peak memory of the web process while a 1 GB video is uploaded through the Django views.

Starts its own gunicorn (one sync worker, pidfile in a temporary folder) against a
temporary SQLite database with the demo week, signs in as a demo organizer, streams the
body from disk with http.client (the client never holds the file either), and reads the
worker's peak resident set (VmHWM) before and after. Two ways in, each on a fresh server:

- ``multipart``: the normal upload form (one POST, the upload handler writes a temp file);
- ``tus``: the resumable upload (core/resumable): POST creates it, then PATCH requests of
  the page's chunk size (a fortieth of the file, 1–32 MiB), appended to the staging file;
  the last one makes the MediaFile (sha256 of the staged bytes, rename into MEDIA_ROOT).

The file is a sparse file of zeros behind an MP4 ``ftyp`` box, so it is stored as a video
(its check, on a worker, would refuse it: no worker runs here). Run by hand:

    .venv/bin/python benchmarks/upload_memory.py [--size-mb 1024] [--protocol multipart|tus|both]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BOUNDARY = "----shuangchuang-benchmark-boundary"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--protocol", choices=["multipart", "tus", "both"], default="both")
    args = parser.parse_args()
    protocols = ["multipart", "tus"] if args.protocol == "both" else [args.protocol]
    print(json.dumps([_measure(protocol, args.size_mb, args.port) for protocol in protocols], indent=2))


def _measure(protocol: str, size_mb: int, port: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as folder:
        folder = Path(folder)
        env = {
            **os.environ,
            "DEBUG": "1",
            "VAR_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "MEDIA_ROOT": str(folder / "media"),
            "FILE_UPLOAD_TEMP_DIR": str(folder),
        }
        env.pop("REDIS_URL", None)
        manage = [PYTHON, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [*manage, "load_demo_week", "--today"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        event_id, day = _todays_event(env)
        video = folder / "big.mp4"
        with open(video, "wb") as handle:
            handle.write(FTYP)
            handle.truncate(size_mb * 1024 * 1024)
        server = _start_gunicorn(env, folder, port)
        try:
            worker_pid = _worker_pid(server)
            cookies = _login(port)
            before = _peak_kib(worker_pid)
            started = time.monotonic()
            if protocol == "tus":
                status, sent = _upload_tus(port, cookies, f"/organizer/reports/{event_id}/{day}/tus/", video)
            else:
                status = _upload(port, cookies, f"/organizer/reports/{event_id}/{day}/upload/", video)
                sent = video.stat().st_size
            seconds = time.monotonic() - started
            after = _peak_kib(worker_pid)
        finally:
            os.kill(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        return {
            "protocol": protocol,
            "upload_mb": size_mb,
            "http_status": status,
            "bytes_sent_per_file_byte": round(sent / video.stat().st_size, 4),
            "seconds": round(seconds, 2),
            "worker_peak_rss_before_mb": round(before / 1024, 1),
            "worker_peak_rss_after_mb": round(after / 1024, 1),
            "growth_mb": round((after - before) / 1024, 1),
        }


# An MP4's first box: the upload is taken for a video (sniffed), the rest of the file is zeros.
FTYP = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
MIB = 1024 * 1024


def _todays_event(env) -> tuple[int, str]:
    script = (
        "from events.models import Event, Week; from django.utils import timezone;"
        "w = Week.objects.current(); d = w.today();"
        "e = next(e for e in Event.objects.filter(week=w, status='approved') if d in e.days);"
        "print(e.pk, d.isoformat(), e.host.memberships.first().user.username)"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    global USERNAME
    USERNAME = out[-1]
    return int(out[-3]), out[-2]


USERNAME = ""
PASSWORD = "organizer-demo-2017"


def _start_gunicorn(env, folder: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "shuangchuang.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "600",
            "--pid",
            str(folder / "gunicorn.pid"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _worker_pid(server: subprocess.Popen) -> int:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return int(children[0])


def _peak_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))


def _login(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    response.read()
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    body = urllib.parse.urlencode({"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": csrf})
    connection.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"http://127.0.0.1:{port}/",
        },
    )
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    return f"csrftoken={csrf}; sessionid={session}|{csrf}"


def _upload(port: int, cookies: str, path: str, video: Path) -> int:
    cookie, csrf = cookies.split("|")
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="videos"; filename="big.mp4"\r\n'
        f"Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    length = len(head) + video.stat().st_size + len(tail)

    def body():
        yield head
        with open(video, "rb") as handle:
            while chunk := handle.read(1024 * 1024):
                yield chunk
        yield tail

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request(
        "POST",
        path,
        body=body(),
        headers={
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(length),
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{port}/",
            "Accept": "application/json",
        },
    )
    response = connection.getresponse()
    response.read()
    return response.status


def _upload_tus(port: int, cookies: str, path: str, video: Path) -> tuple[int, int]:
    """Create the upload, then PATCH it chunk by chunk as the page does; the status of the
    result (GET: 200 when the MediaFile was made) and the bytes sent."""
    cookie, csrf = cookies.split("|")
    size = video.stat().st_size
    chunk = min(32 * MIB, max(MIB, -(-size // 40)))
    common = {"Cookie": cookie, "X-CSRFToken": csrf, "Tus-Resumable": "1.0.0"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    name = base64.b64encode(b"big.mp4").decode()
    connection.request(
        "POST",
        path,
        headers={**common, "Upload-Length": str(size), "Upload-Metadata": f"filename {name},kind dmlkZW8="},
    )
    response = connection.getresponse()
    response.read()
    if response.status != 201:
        return response.status, 0
    location = response.getheader("Location")
    sent = 0
    with open(video, "rb") as handle:
        while sent < size:
            length = min(chunk, size - sent)

            def body(length=length):
                left = length
                while left:
                    piece = handle.read(min(MIB, left))
                    left -= len(piece)
                    yield piece

            connection.request(
                "PATCH",
                location,
                body=body(),
                headers={
                    **common,
                    "Upload-Offset": str(sent),
                    "Content-Type": "application/offset+octet-stream",
                    "Content-Length": str(length),
                },
            )
            response = connection.getresponse()
            response.read()
            if response.status != 204:
                return response.status, sent
            sent += length
    connection.request("GET", location, headers={"Cookie": cookie, "Accept": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status, sent


if __name__ == "__main__":
    main()
