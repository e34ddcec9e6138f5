"""gunicorn's settings for every way the portal is started: the Procfile (`make`, honcho),
shuangchuang/scripts/stack.sh and deploy/systemd/shuangchuang-web.service all run
``gunicorn -c shuangchuang/scripts/gunicorn.conf.py shuangchuang.wsgi``, so they cannot drift
apart (the issue found stack.sh without --max-requests and without an access log).

Each worker asks itself for the busiest public pages before it takes a request
(``post_worker_init``, shuangchuang/warm_up.py), and keeps the week's rows young in a thread
of its own (``public.week_snapshot.keep_young``).

WEB_BIND (127.0.0.1:8000) and WEB_WORKERS (4) come from the environment. Each access-log
line is one JSON object like the portal's own lines, with the request id nginx sent in
X-Request-ID (or the one Django made up and echoed): a user's screenshot of an error page
leads to the access line and to every line Django logged for it.
"""

import datetime as dt
import json
import os
import threading
import time

from gunicorn.glogging import Logger

bind = os.environ.get("WEB_BIND") or "127.0.0.1:8000"
workers = int(os.environ.get("WEB_WORKERS") or 4)
worker_class = "sync"
timeout = 120  # = nginx's proxy_read_timeout
graceful_timeout = 30
max_requests = 2000  # against slow leaks
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"


class JsonAccessLogger(Logger):
    """Access lines as JSON: ts, level, logger, request_id, msg, and the request's facts."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        line = {
            "ts": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": atoms.get("{x-request-id}o") or atoms.get("{x-request-id}i") or "-",
            "msg": atoms["r"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "ms": atoms["M"],
            "client": atoms.get("{x-real-ip}i") or atoms["h"],
            "user_agent": atoms["a"],
        }
        self.access_log.info(json.dumps(line, ensure_ascii=False))


logger_class = JsonAccessLogger


def post_worker_init(worker):
    """The worker's first visitors do not wait for what the first pages load (the URL
    configuration, templates, the week's rows): it asks itself for them first. Then it keeps
    the week's rows young while no page asks for them (``public.week_snapshot.keep_young``)."""
    from django.conf import settings

    from public.week_snapshot import KEEP_YOUNG_EVERY, REFRESH_AGE, keep_young
    from shuangchuang.warm_up import warm_up

    if settings.PUBLIC_WEEK_SNAPSHOT:
        stop = threading.Event()
        worker.week_rows = stop, keep_young(stop=stop)
        worker.log.info("Keeping the week's rows younger than %d s", REFRESH_AGE + KEEP_YOUNG_EVERY)

    started = time.perf_counter()
    try:
        answers = warm_up(worker.wsgi)
    except Exception:  # a warm-up is worth a log line, never a worker that does not start
        worker.log.exception("Warm-up failed")
        return
    worker.log.info(
        "Warmed up in %d ms: %s",
        (time.perf_counter() - started) * 1000,
        ", ".join(f"{path} {status}" for path, status in answers),
    )


def worker_exit(server, worker):
    """The rows' thread ends its round and stops before the interpreter does (a worker recycled
    by ``max_requests``, or stopped), not in the middle of a query or a log line."""
    rows = getattr(worker, "week_rows", None)
    if rows is not None:
        stop, thread = rows
        stop.set()
        thread.join(timeout=5)
