"""Abuse benchmark (issue 20): the home page while somebody floods the login or bypasses the page cache.

    .venv/bin/python benchmarks/abuse_load.py [--duration 15] [--bypass-duration 10] [--events 300]

All on this machine and loopback only, every load bounded by wrk's own ``-d``:

1. (re)creates its own PostgreSQL database ``shuangchuang_abuse_bench`` and uses Redis db 8
   (flushed first, so no rate-limit window is left over from an earlier run); migrates,
   collects static files, seeds one current published week with ``--events`` events on 30
   venues (``public_load``'s ``generate_load_data`` week, fewer events);
2. starts gunicorn (``--workers`` sync workers) with the production settings (DEBUG off; plain
   http, so ``SECURE_SSL_REDIRECT=0`` and no ``BEHIND_HTTPS_PROXY``) on a free 127.0.0.1 port,
   with a pidfile, and stops it at the end whatever happens;
3. baseline: ``wrk`` on the home page ``/`` (anonymous, page cache warm);
4. login flood: ``wrk`` with a Lua script POSTs failed sign-ins to ``/accounts/login/`` from
   ``--attack-connections`` connections, a new username each time (one CSRF cookie and token
   fetched first, shared by every connection), counting the answers by status, while a second
   ``wrk`` measures the home page over the same seconds;
5. cache bypass: ``wrk`` on ``/schedule/`` and ``/schedule.ics`` without a cookie and with a
   made-up ``Cookie: sessionid=<32 random characters>``, each time with the home page
   measured alongside; these four lines start once the pages warmed at the start have expired
   and been stored again, so the 60 s page-cache expiry (every worker re-rendering / and
   /schedule/ at once) falls in none of them;
6. prints the figures as Markdown tables.

With ``--nginx`` the same loads go through nginx running ``deploy/nginx/shuangchuang.conf`` as
shipped (its own prefix, pidfile and a free port; plain http instead of TLS, the upstream on
gunicorn's port, the cache under the run's temporary directory), and gunicorn trusts
``X-Real-IP`` from it (``CLIENT_IP_HEADER``), as in production.

The load generators share the machine with gunicorn, PostgreSQL and Redis, so the figures
are floors for the server and upper bounds for the latencies.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import public_load  # noqa: E402  (the stack's helpers: environment, run, wrk parsing, start/stop)
from public_load import GUNICORN, HOST, PG, PYTHON, ROOT, environment, run  # noqa: E402

DB_NAME = "shuangchuang_abuse_bench"
REDIS_URL = "redis://127.0.0.1:6379/8"
LOGIN_PATH = "/accounts/login/"
# core.public_cache.PAGE_TIMEOUT: cached pages (/, /schedule/) expire this long after being
# stored, and every worker that misses then renders them at once. The bypass lines are kept
# inside one fresh window, so that re-render does not land in just one of them.
PAGE_TIMEOUT = 60

# Failed sign-ins, a new username on every request; each wrk thread counts its answers by status
# and done() adds them up (wrk runs each thread in its own Lua state).
FLOOD_LUA = r"""
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  counter = 0
  math.randomseed(os.time() * 100 + tid)
end

function request()
  counter = counter + 1
  local body = string.format(
    "csrfmiddlewaretoken=%s&username=flood-%d-%d-%d&password=not-the-password&next=",
    TOKEN, tid, counter, math.random(1, 1000000000))
  return wrk.format("POST", LOGIN_PATH, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. COOKIE,
  }, body)
end

function response(status, headers, body)
  local key = tostring(status)
  if status == 429 and body and string.find(body, "Too many requests. Please try again in a minute.", 1, true) then
    key = "429-nginx"  -- refused by nginx's limit_req, before Django
  end
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("STATUS %s %d\n", status, count))
  end
end
"""


def prepare(env: dict, events: int) -> None:
    import psycopg2
    import redis

    admin = psycopg2.connect(f"{PG}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        cursor.execute(f"CREATE DATABASE {DB_NAME}")
    admin.close()
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    if (ROOT / "events" / "management" / "commands" / "compile_catalogs.py").exists():
        run([PYTHON, "manage.py", "compile_catalogs"], env)
    public_load.seed(env, events)


NGINX_CONF = ROOT / "deploy" / "nginx" / "shuangchuang.conf"


def nginx_config(*, tmp: Path, listen: int, upstream: int) -> Path:
    """The shipped site config inside a minimal nginx.conf of the run's own, changed only where
    a benchmark must differ (each change checked, so an edit of the file cannot slip past)."""
    site = NGINX_CONF.read_text(encoding="utf-8")
    changes = (
        ("server 127.0.0.1:8000;", f"server {HOST}:{upstream};"),
        ("listen 443 ssl http2;", f"listen {HOST}:{listen};"),
        ("/var/cache/nginx/shuangchuang", str(tmp / "nginx-cache")),
        ("server { listen 80; server_name sc.example.gov.cn; return 301 https://$host$request_uri; }", ""),
    )
    for old, new in changes:
        if old not in site:
            raise RuntimeError(f"{NGINX_CONF} changed ({old!r} not found): update abuse_load.nginx_config")
        site = site.replace(old, new)
    (tmp / "site.conf").write_text(site, encoding="utf-8")
    _writable_by_nginx_workers(tmp)
    main_conf = tmp / "nginx.conf"
    main_conf.write_text(
        f"""worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp / "nginx-body"};
    proxy_temp_path {tmp / "nginx-proxy"};
    fastcgi_temp_path {tmp / "nginx-fastcgi"};
    uwsgi_temp_path {tmp / "nginx-uwsgi"};
    scgi_temp_path {tmp / "nginx-scgi"};
    include {tmp / "site.conf"};
}}
""",
        encoding="utf-8",
    )
    return main_conf


NGINX_DIRS = ("nginx-cache", "nginx-body", "nginx-proxy", "nginx-fastcgi", "nginx-uwsgi", "nginx-scgi")


def _writable_by_nginx_workers(tmp: Path) -> None:
    """Started as root, nginx's workers run as ``nobody``: they must reach the run's directory
    and write the cache and temporary files (mkdtemp makes it private to root)."""
    for name in NGINX_DIRS:
        (tmp / name).mkdir(exist_ok=True)
    if os.geteuid() != 0:
        return
    import pwd

    nobody = pwd.getpwnam("nobody")
    tmp.chmod(0o711)
    for name in NGINX_DIRS:
        os.chown(tmp / name, nobody.pw_uid, nobody.pw_gid)


def start_nginx(conf: Path) -> subprocess.Popen:
    subprocess.run(["nginx", "-t", "-q", "-p", str(conf.parent), "-c", str(conf)], check=True)
    return subprocess.Popen(
        ["nginx", "-p", str(conf.parent), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_nginx(process: subprocess.Popen, pidfile: Path) -> None:
    """Stopped by its own pidfile's PID (and the process we started), never by name."""
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text().strip()), 15)
        except (ValueError, ProcessLookupError):
            pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wrk(url: str, *, duration: int, connections: int, headers: list[str] | None = None) -> subprocess.Popen:
    """Start wrk in the background; ``result()`` waits for it and parses its report."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for header in headers or []:
        cmd += ["-H", header]
    return subprocess.Popen(cmd + [url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def flood(base: str, *, duration: int, connections: int, script: Path) -> subprocess.Popen:
    cookie, token = _csrf(base + LOGIN_PATH)
    script.write_text(
        f'TOKEN = "{token}"\nCOOKIE = "{cookie}"\nLOGIN_PATH = "{LOGIN_PATH}"\n' + FLOOD_LUA, encoding="utf-8"
    )
    cmd = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "5s",
        "-s",
        str(script),
    ]
    return subprocess.Popen(
        cmd + [base + LOGIN_PATH], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def result(process: subprocess.Popen, timeout: float) -> dict:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": rps,
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": public_load._ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": public_load._ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "statuses": {code: int(count) for code, count in re.findall(r"^STATUS (\S+) (\d+)$", out, re.M)},
    }


def _csrf(url: str) -> tuple[str, str]:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(url, timeout=5).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = next(c.value for c in jar if c.name == "csrftoken")
    return cookie, token


def _warm(url: str, headers: dict | None = None) -> None:
    for _ in range(5):  # the page cache and every worker's local copy
        urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30).read()


def made_up_session() -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(32))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of the baseline and the flood")
    parser.add_argument("--bypass-duration", type=int, default=10, help="seconds of each cache-bypass line")
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--home-connections", type=int, default=4)
    parser.add_argument("--attack-connections", type=int, default=8)
    parser.add_argument("--nginx", action="store_true", help="through deploy/nginx/shuangchuang.conf")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    if args.nginx and not shutil.which("nginx"):
        sys.exit("nginx is not installed: apt-get install -y nginx-light")

    tmp = Path(tempfile.mkdtemp(prefix="abuse-bench-"))
    env = environment(tmp)
    env.update(DATABASE_URL=f"{PG}/{DB_NAME}", REDIS_URL=REDIS_URL)
    env.pop("BEHIND_HTTPS_PROXY", None)
    if args.nginx:
        env["CLIENT_IP_HEADER"] = "HTTP_X_REAL_IP"  # the address nginx saw, as in production
    else:
        env.pop("CLIENT_IP_HEADER", None)  # the attacker's address is REMOTE_ADDR, as behind no proxy
    started = time.monotonic()
    prepare(env, args.events)
    port = free_port()
    base = f"http://{HOST}:{port}"
    proxy = None
    if args.nginx:
        proxy_port = free_port()
        proxy = start_nginx(nginx_config(tmp=tmp, listen=proxy_port, upstream=port))
        base = f"http://{HOST}:{proxy_port}"
    pidfile = tmp / "gunicorn.pid"
    server = subprocess.Popen(
        [
            GUNICORN,
            "shuangchuang.wsgi",
            "-b",
            f"{HOST}:{port}",
            "-w",
            str(args.workers),
            "--pid",
            str(pidfile),
        ]
        + ["--log-level", "warning"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    running: list[subprocess.Popen] = []
    home = base + "/"
    slack = 30  # seconds wrk may take beyond its -d before it is killed
    try:
        public_load._wait_for(base + "/healthz")
        setup_seconds = time.monotonic() - started
        for path in ("/", "/schedule/", "/schedule.ics"):
            _warm(base + path)
        warmed = time.monotonic()

        baseline = result(
            wrk(home, duration=args.duration, connections=args.home_connections), args.duration + slack
        )

        # The flood lasts two home measurements: the first holds the burst of password checks
        # before the address's limit is spent, the second only 429 answers.
        attacker = flood(
            base, duration=2 * args.duration, connections=args.attack_connections, script=tmp / "flood.lua"
        )
        running.append(attacker)
        home_flood = []
        for _ in range(2):
            during_flood = wrk(home, duration=args.duration, connections=args.home_connections)
            running.append(during_flood)
            home_flood.append(result(during_flood, args.duration + slack))
        attack = result(attacker, args.duration + slack)
        running.clear()

        time.sleep(max(0.0, warmed + PAGE_TIMEOUT + 1 - time.monotonic()))
        for path in ("/", "/schedule/"):
            _warm(base + path)
        bypass = []
        for path in ("/schedule/", "/schedule.ics"):
            for label, headers in (
                ("no cookie", []),
                ("made-up sessionid", [f"Cookie: sessionid={made_up_session()}"]),
            ):
                load = wrk(
                    base + path,
                    duration=args.bypass_duration,
                    connections=args.attack_connections,
                    headers=headers,
                )
                running.append(load)
                beside = wrk(home, duration=args.bypass_duration, connections=args.home_connections)
                running.append(beside)
                home_result = result(beside, args.bypass_duration + slack)
                bypass.append((path, label, result(load, args.bypass_duration + slack), home_result))
                running.clear()
    finally:
        for process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
        if proxy is not None:
            stop_nginx(proxy, tmp / "nginx.pid")
        public_load._stop(server, pidfile)
        shutil.rmtree(tmp, ignore_errors=True)

    total_seconds = time.monotonic() - started
    load = os.getloadavg()[0]
    print(
        f"\n{os.cpu_count()} cores, {'nginx (deploy/nginx/shuangchuang.conf) → ' if args.nginx else ''}"
        f"gunicorn {args.workers} sync workers, {args.events} events on 30 venues, "
        f"PostgreSQL + Redis; load average {load:.1f} at the end; setup {setup_seconds:.0f} s, "
        f"whole run {total_seconds:.0f} s\n"
    )
    print(f"Home page `/` (wrk -t2 -c{args.home_connections} -d{args.duration}s):\n")
    print("| home page during | req/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---:|---:|---:|---:|")
    print(_home_row("nothing else (baseline)", baseline))
    flood_label = f"login flood ({args.attack_connections} connections)"
    print(_home_row(f"{flood_label}, first {args.duration} s", home_flood[0]))
    print(_home_row(f"{flood_label}, next {args.duration} s", home_flood[1]))
    for path, label, _, home_result in bypass:
        print(_home_row(f"{path} load, {label} ({args.attack_connections} connections)", home_result))

    statuses = attack["statuses"]
    others = {code: count for code, count in statuses.items() if code not in ("200", "429", "429-nginx")}
    print(
        f"\nLogin flood (wrk -t2 -c{args.attack_connections} -d{2 * args.duration}s, a new username each POST):\n"
    )
    print(
        "| attacker requests | req/s | answered 200 (password checked) | 429 by Django | 429 by nginx | other | p50 ms | p99 ms |"
    )
    print("|---:|---:|---:|---:|---:|---|---:|---:|")
    print(
        f"| {attack['requests']:,} | {attack['rps']:,.0f} | {statuses.get('200', 0):,} | {statuses.get('429', 0):,} | "
        f"{statuses.get('429-nginx', 0):,} | {others or '-'} | {attack['p50']:.1f} | {attack['p99']:.1f} |"
    )

    print(f"\nCache bypass (wrk -t2 -c{args.attack_connections} -d{args.bypass_duration}s per line):\n")
    if args.nginx:
        print("(through nginx: non-2xx are its limit_req refusals, 429, before Django)\n")
    print("| page | cookie | req/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---|---:|---:|---:|---:|")
    for path, label, page, _ in bypass:
        print(
            f"| {path} | {label} | {page['rps']:,.0f} | {page['p50']:.1f} | {page['p99']:.1f} | {page['non2xx']} |"
        )

    errors = (
        baseline["non2xx"]
        + sum(figures["non2xx"] for figures in home_flood)
        + sum(
            home_result["non2xx"] + (0 if args.nginx else page["non2xx"])
            for _, _, page, home_result in bypass
        )
        + sum(others.values())
    )
    if errors:
        print(f"\n{errors} unexpected answers (non-2xx on GET pages, or a login answer neither 200 nor 429)")
        sys.exit(1)


def _home_row(label: str, figures: dict) -> str:
    return f"| {label} | {figures['rps']:,.0f} | {figures['p50']:.1f} | **{figures['p99']:.1f}** | {figures['non2xx']} |"


if __name__ == "__main__":
    main()
