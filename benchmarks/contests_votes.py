"""Public vote burst benchmark (issue 17): votes cast at ~1,000/s for 30 s against the production
stack, and the count checked to the last vote.

    .venv/bin/python benchmarks/contests_votes.py [--rate 1000] [--duration 30] [--connections 48]
                                                  [--workers 4] [--read-rate 10] [--no-profile]
                                                  [--database NAME] [--redis-url URL]
                                                  [--limits-only TURNS]

All on this machine and loopback only:

1. (re)creates its own PostgreSQL database (``--database``, ``shuangchuang_votes_bench``) and
   uses Redis db 11 (``--redis-url``; flushed first); migrates, collects static files;
2. seeds a published contest of a current week with a public vote open now: two candidate
   groups (企业组, 团队组) of six candidates each (the plan's 12 contestants), and enough
   proven voters for the run. A voter is what the verification leaves in a browser, made by
   the views' own helpers: the signed device cookie (``set_device_cookie``), today's signed
   proof of a phone number (``set_voter_pass``, the keyed hash of 139xxxxxxxx), a CSRF cookie
   and token (``get_token``); and an address of its own (``X-Real-IP``, as nginx sends it),
   so the per-address and per-device limits stay as shipped and only hold back what they
   would in the field;
3. starts gunicorn (``--workers`` sync workers, as the Procfile, with its access log) with
   the production settings (DEBUG off; plain http, so ``SECURE_SSL_REDIRECT=0``;
   ``CLIENT_IP_HEADER=HTTP_X_REAL_IP`` as behind nginx) on a free 127.0.0.1 port, with a
   pidfile, and stops it at the end whatever happens;
4. drives the vote with an asyncio client: requests start on a fixed schedule of ``--rate``
   a second (open loop) from up to ``--connections`` at once, each the page script's request
   ``POST /contest/vote/<round>/cast/<entry>/`` with ``Accept: application/json``. Each voter
   votes once in each group; every tenth also sends a second vote in its first group right
   behind the first (another connection, a double tap), which the database must refuse
   whichever of the two arrives first. Beside it, ``--read-rate`` visitors a second load the
   vote page (counts from the shared cache, recounted by one process at a time). No request
   is abandoned: after the window the client waits for every answer (``--timeout`` 60 s);
5. closes the vote and checks, from the answers and the database: accepted answers (200,
   ``"accepted": true``) = vote rows = the sum of the exact totals = the final totals of
   ``totals.json``, candidate by candidate; exactly one accepted vote per voter and group;
   every refusal a 409 "again" of a double tap; no other answer;
6. profiles one vote (``--no-profile`` skips it): the same request through Django's full
   stack in one process on the same database and Redis (a test client with CSRF checks), a
   few hundred times: the time in SQL, in Redis (each command timed and counted where
   redis-py sends it: Django's cache and the rate limits' script alike) and in the rest, and
   the functions that take it;
7. prints the figures as Markdown and exits 1 if a vote was lost or counted twice.

``--limits-only TURNS`` does none of that: it times the two rate limits of a vote
(``core.ratelimit.spend``) in one process on the run's Redis, on counters already open, the
Lua script and the old ``cache.add`` + ``cache.incr`` taking turns of 200 votes each, and
prints the Redis round trips and the time a vote spends on them (the database must exist).

The client, gunicorn, PostgreSQL and Redis share the machine's cores: the figures are a floor
for the server and an upper bound for the latencies.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import public_load  # noqa: E402  (the stack's helpers: environment, run, start/stop)
from public_load import GUNICORN, HOST, PG, PYTHON, ROOT, environment, run  # noqa: E402

DB_NAME = "shuangchuang_votes_bench"
REDIS_URL = "redis://127.0.0.1:6379/11"
CANDIDATES_PER_GROUP = 6
DOUBLE_TAP_EVERY = 10

SEED = r"""
import datetime as dt, json
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone
from contests import services
from contests.models import Contest, Entry, Round, RoundEntry, Track
from contests.views import voting
from events.models import Event, Organizer, User, Week
from venues.models import Venue

VOTERS = __VOTERS__
OUT = __OUT__
now = timezone.now()
today = timezone.localdate()
week = Week.objects.create(name="压测活动周", theme="创新创业", unified_title="2026年全国大众创业万众创新活动周",
                           starts_on=today - dt.timedelta(days=2), ends_on=today + dt.timedelta(days=4),
                           is_current=True, is_published=True)
host = Organizer.objects.create(name="昆山市人力资源和社会保障局")
venue = Venue.objects.create(name="主会场", kind="main", address="创业路 1 号")
event = Event.objects.create(week=week, host=host, subtitle="青年创业大赛网络投票", form="contest", venue=venue,
                             starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=3),
                             status="approved")
contest = Contest.objects.create(event=event, title="青年创业大赛", slug="vote-bench",
                                 registration_opens_at=now - dt.timedelta(days=30),
                                 registration_closes_at=now - dt.timedelta(days=1), is_published=True)
round_ = Round.objects.create(contest=contest, name="决赛", number=1, starts_on=today, ends_on=today,
                              vote_opens_at=now - dt.timedelta(minutes=5), vote_closes_at=now + dt.timedelta(hours=2))
groups = []
for order, name in enumerate(["企业组", "团队组"]):
    track = Track.objects.create(contest=contest, name=name, order=order)
    entries = []
    for n in range(__PER_GROUP__):
        number = order * __PER_GROUP__ + n + 1
        applicant = User.objects.create(username=f"applicant{number}", full_name=f"选手{number}")
        entry = Entry.objects.create(contest=contest, track=track, applicant=applicant, number=number,
                                     name=f"{name}项目{n + 1}", organization=f"昆山某某科技有限公司{number}",
                                     contact_name="张三", contact_phone="13800000000",
                                     contact_email=f"team{number}@example.com", status="eligible",
                                     submitted_at=now, reached_round=round_)
        RoundEntry.objects.create(round=round_, entry=entry, running_order=number, story="参赛故事。" * 20)
        entries.append(entry.pk)
    groups.append(entries)

factory = RequestFactory()
voters = []
for n in range(VOTERS):
    request = factory.get("/")
    response = HttpResponse()
    voting.set_device_cookie(request, response)
    phone = f"139{n:08d}"
    voting.set_voter_pass(request, response, {"v": services.voter_hash(phone), "p": "phone", "d": today.isoformat()})
    token = get_token(request)
    cookies = {name: morsel.value for name, morsel in response.cookies.items()}
    cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    voters.append({"cookie": cookie, "token": token, "ip": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"})
with open(OUT, "w") as handle:
    json.dump({"round": round_.pk, "groups": groups, "voters": voters}, handle)
"""

CLOSE = r"""
import datetime as dt
from django.utils import timezone
from contests.models import Round
Round.objects.filter(pk=__ROUND__).update(vote_closes_at=timezone.now() + dt.timedelta(minutes=__MINUTES__))
"""

COUNT = r"""
import json
from django.db.models import Count
from contests.models import Vote
from contests.selectors.voting import vote_totals
from contests.models import Round
round_ = Round.objects.get(pk=__ROUND__)
rows = Vote.objects.filter(round=round_)
per_pair = rows.values("voter", "track").annotate(n=Count("id")).filter(n__gt=1).count()
print(json.dumps({
    "rows": rows.count(),
    "valid_rows": rows.filter(void__isnull=True).count(),
    "totals": {str(k): v for k, v in vote_totals(round_=round_).items()},
    "pairs_counted_twice": per_pair,
}))
"""

PROFILE = r"""
import cProfile, io, json, pstats, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

data = json.load(open(__DATA__))
round_id, groups, voters = data["round"], data["groups"], data["voters"]
sample = voters[-__SAMPLE__:]  # voters the load did not reach (500 spare): each vote is accepted

timings = {"sql": 0.0, "cache": 0.0, "round_trips": 0}
def sql_timer(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        timings["sql"] += time.perf_counter() - started

# Every Redis command leaves through redis-py's execute_command (Django's cache calls and the
# rate limits' script alike), one round trip each: timed and counted there.
import redis
_execute = redis.Redis.execute_command
def execute_command(self, *args, **options):
    started = time.perf_counter()
    try:
        return _execute(self, *args, **options)
    finally:
        timings["cache"] += time.perf_counter() - started
        timings["round_trips"] += 1
redis.Redis.execute_command = execute_command

client = Client(enforce_csrf_checks=True, REMOTE_ADDR="127.0.0.1", HTTP_HOST="127.0.0.1")

def vote(voter, entry):
    client.cookies.clear()
    for part in voter["cookie"].split("; "):
        key, _, value = part.partition("=")
        client.cookies[key] = value
    return client.post(f"/contest/vote/{round_id}/cast/{entry}/", HTTP_ACCEPT="application/json",
                       HTTP_X_CSRFTOKEN=voter["token"], HTTP_X_REAL_IP=voter["ip"])

vote(voters[-__SAMPLE__ - 1], groups[0][0])  # warm: imports, connections, templates
timed_part, profiled_part = sample[: len(sample) // 2], sample[len(sample) // 2 :]
# Each voter votes in both groups, as in the burst: the second vote finds the device's and
# the address's counters open (the first opened them).
timed_votes = [(voter, groups[g][n % len(groups[g])]) for n, voter in enumerate(timed_part) for g in (0, 1)]
profiled_votes = [(voter, groups[g][n % len(groups[g])]) for n, voter in enumerate(profiled_part) for g in (0, 1)]
statuses, queries = [], []
wall = 0.0
timings.update(cache=0.0, round_trips=0)
with connection.execute_wrapper(sql_timer):  # timed without the profiler's overhead
    for voter, entry in timed_votes:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = vote(voter, entry)
            wall += time.perf_counter() - started
        statuses.append(response.status_code)
        queries.append(len(captured))
timed = dict(timings)  # the profiled votes below are not counted in the figures
profiler = cProfile.Profile()
for voter, entry in profiled_votes:
    profiler.enable()
    response = vote(voter, entry)
    profiler.disable()
    statuses.append(response.status_code)
stream = io.StringIO()
stats = pstats.Stats(profiler, stream=stream)
stats.sort_stats("cumulative").print_stats(22)
stats.sort_stats("tottime").print_stats(12)
n = len(timed_votes)
print("PROFILE_JSON " + json.dumps({
    "n": n, "ms": 1000 * wall / n, "sql_ms": 1000 * timed["sql"] / n,
    "cache_ms": 1000 * timed["cache"] / n, "round_trips": timed["round_trips"] / n, "profiled": len(profiled_votes), "statuses": sorted(set(statuses)),
    "queries": sorted(set(queries)),
}))
print(stream.getvalue())
"""


LIMITS = r"""
import json, statistics, time, redis
from core import ratelimit
from contests.views.voting import VOTES_PER_ADDRESS, VOTES_PER_DEVICE

count = {"n": 0}
_execute = redis.Redis.execute_command
def execute_command(self, *args, **options):
    count["n"] += 1
    return _execute(self, *args, **options)
redis.Redis.execute_command = execute_command
script_path = ratelimit._redis_client

def old_path():  # the counter as before: cache.add, then cache.incr when the window is open
    return None

def vote_limits(n):  # the two limits of one vote, on counters the voter opened before
    ratelimit.spend(VOTES_PER_DEVICE, f"1|device-{n % 500}")
    ratelimit.spend(VOTES_PER_ADDRESS, f"1|10.8.{n % 500 // 250}.{n % 250}")

samples = {"script": [], "add+incr": []}
trips = {"script": 0, "add+incr": 0}
for n in range(500):  # open every counter first
    vote_limits(n)
for block in range(__BLOCKS__):  # both ways in turn, so the machine's noise falls on both alike
    for name, client in (("script", script_path), ("add+incr", old_path)):
        ratelimit._redis_client = client
        before = count["n"]
        for n in range(200):
            started = time.perf_counter()
            vote_limits(block * 200 + n)
            samples[name].append(time.perf_counter() - started)
        trips[name] += count["n"] - before
ratelimit._redis_client = script_path
print("LIMITS_JSON " + json.dumps({
    name: {
        "votes": len(values),
        "round_trips": trips[name] / len(values),
        "p50_us": 1e6 * statistics.median(values),
        "p99_us": 1e6 * sorted(values)[int(0.99 * len(values))],
        "mean_us": 1e6 * statistics.fmean(values),
    }
    for name, values in samples.items()
}))
"""


def limits_only(env: dict, blocks: int) -> None:
    """The two limits of a vote in one process on the Redis of the run, the Lua script and the
    old ``add`` + ``incr`` taking turns (``--limits-only``): round trips and time per vote."""
    output = run([PYTHON, "manage.py", "shell", "-c", LIMITS.replace("__BLOCKS__", str(blocks))], env).stdout
    line = next(item for item in output.splitlines() if item.startswith("LIMITS_JSON "))
    figures = json.loads(line.removeprefix("LIMITS_JSON "))
    print(
        f"\nThe two limits of a vote, {blocks} turns of 200 votes each way, load average {os.getloadavg()[0]:.1f}:\n"
    )
    print("| counter | votes | Redis round trips a vote | p50 µs | mean µs | p99 µs |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in figures.items():
        print(
            f"| {name} | {row['votes']:,} | {row['round_trips']:g} | {row['p50_us']:.0f} | "
            f"{row['mean_us']:.0f} | {row['p99_us']:.0f} |"
        )


def prepare(env: dict, *, database: str, voters: int, out: Path) -> dict:
    import psycopg2
    import redis

    admin = psycopg2.connect(f"{PG}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {database}")
        cursor.execute(f"CREATE DATABASE {database}")
    admin.close()
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    if (ROOT / "events" / "management" / "commands" / "compile_catalogs.py").exists():
        run([PYTHON, "manage.py", "compile_catalogs"], env)
    seed = (
        SEED.replace("__VOTERS__", str(voters))
        .replace("__OUT__", repr(str(out)))
        .replace("__PER_GROUP__", str(CANDIDATES_PER_GROUP))
    )
    run([PYTHON, "manage.py", "shell", "-c", seed], env)
    return json.loads(out.read_text())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def plan(data: dict) -> list[tuple[int, int, bool]]:
    """(voter, entry, double tap) in the order they are sent: each voter's vote in the first
    group, every tenth voter's second vote there right behind it, then its second group."""
    first, second = data["groups"]
    sent = []
    for n in range(len(data["voters"])):
        sent.append((n, first[n % len(first)], False))
        if n % DOUBLE_TAP_EVERY == 0:
            sent.append((n, first[(n + 1) % len(first)], True))
        sent.append((n, second[(n * 5 + 1) % len(second)], False))
    return sent


async def http(port: int, raw: bytes, timeout: float) -> tuple[int, bytes]:
    """One request on its own connection (gunicorn's sync workers close each one)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        writer.write(raw)
        answer = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunk(body)
    return status, body


def _unchunk(body: bytes) -> bytes:
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


def vote_request(port: int, round_id: int, entry: int, voter: dict) -> bytes:
    return (
        f"POST /contest/vote/{round_id}/cast/{entry}/ HTTP/1.1\r\n"
        f"Host: {HOST}:{port}\r\n"
        "Accept: application/json\r\n"
        f"X-Real-IP: {voter['ip']}\r\n"
        f"X-CSRFToken: {voter['token']}\r\n"
        f"Cookie: {voter['cookie']}\r\n"
        "Content-Length: 0\r\n"
        "Connection: close\r\n\r\n"
    ).encode()


async def drive(
    port: int, data: dict, *, rate: float, duration: float, connections: int, read_rate: float, timeout: float
) -> dict:
    schedule = plan(data)
    round_id, voters = data["round"], data["voters"]
    results: list[tuple[int, int, bool, int, dict, float]] = []  # voter, entry, tap, status, answer, seconds
    reads: list[tuple[int, float]] = []
    position = 0
    started = time.monotonic()
    ends = started + duration

    async def voter_worker() -> None:
        nonlocal position
        while True:
            index = position
            position += 1
            send_at = started + index / rate
            # Over at the window's end: a schedule the server fell behind is not caught up.
            if index >= len(schedule) or send_at >= ends or time.monotonic() >= ends:
                return
            await asyncio.sleep(max(0.0, send_at - time.monotonic()))
            voter, entry, tap = schedule[index]
            raw = vote_request(port, round_id, entry, voters[voter])
            began = time.monotonic()
            try:
                status, body = await http(port, raw, timeout)
                answer = json.loads(body) if body[:1] == b"{" else {}
            except (TimeoutError, OSError, ValueError) as error:
                status, answer = 0, {"error": repr(error)}
            results.append((voter, entry, tap, status, answer, time.monotonic() - began))

    async def reader_worker(offset: float) -> None:
        raw = (
            f"GET /contest/vote/{round_id}/ HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            "Accept: text/html\r\nConnection: close\r\n\r\n"
        ).encode()
        step = 1.0 / read_rate * 4
        next_at = started + offset
        while next_at < ends:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            began = time.monotonic()
            try:
                status, _ = await http(port, raw, timeout)
            except (TimeoutError, OSError):
                status = 0
            reads.append((status, time.monotonic() - began))
            next_at += step

    tasks = [voter_worker() for _ in range(connections)]
    if read_rate > 0:
        tasks += [reader_worker(n / read_rate) for n in range(4)]
    await asyncio.gather(*tasks)
    return {
        "results": results,
        "reads": reads,
        "seconds": time.monotonic() - started,
        "planned": len(schedule),
    }


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def check(load: dict, counted: dict, final: dict) -> tuple[list[str], dict]:
    """What went wrong (empty: nothing), and the figures."""
    problems = []
    accepted = Counter()
    per_pair = Counter()
    statuses = Counter()
    for voter, entry, _tap, status, answer, _seconds in load["results"]:
        statuses[status] += 1
        if status == 200 and answer.get("accepted"):
            accepted[entry] += 1
            per_pair[(voter, answer.get("track"))] += 1
        elif status == 409 and answer.get("code") == "again":
            pass
        else:
            problems.append(f"unexpected answer {status} {answer} (voter {voter}, entry {entry})")
    refused = statuses[409]
    taps_sent = sum(1 for _v, _e, tap, *_ in load["results"] if tap)
    if refused != taps_sent:
        problems.append(f"{refused} refusals for {taps_sent} double taps")
    if any(count != 1 for count in per_pair.values()):
        problems.append("a voter has more than one accepted vote in a group")
    total_accepted = sum(accepted.values())
    totals = {int(k): v for k, v in counted["totals"].items()}
    final_totals = {int(k): v for k, v in final["totals"].items()}
    if counted["rows"] != total_accepted:
        problems.append(f"{counted['rows']} vote rows for {total_accepted} accepted answers")
    if sum(totals.values()) != total_accepted or totals != dict(accepted):
        problems.append(f"totals {totals} differ from the accepted answers {dict(accepted)}")
    if final_totals != totals:
        problems.append(f"totals.json {final_totals} differs from the rows {totals}")
    if counted["pairs_counted_twice"]:
        problems.append(f"{counted['pairs_counted_twice']} voter/group pairs with two rows")
    if not final.get("final"):
        problems.append("totals.json does not say the count is final")
    figures = {
        "accepted": total_accepted,
        "refused": refused,
        "taps": taps_sent,
        "rows": counted["rows"],
        "sum_totals": sum(totals.values()),
        "sum_final": sum(final_totals.values()),
        "statuses": dict(statuses),
    }
    return problems, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=1000, help="votes started per second")
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--connections", type=int, default=48, help="requests in flight at most")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--read-rate", type=float, default=10, help="vote page loads per second beside")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--database", default=DB_NAME, help="PostgreSQL database (dropped and made anew)")
    parser.add_argument("--redis-url", default=REDIS_URL, help="Redis database (flushed)")
    parser.add_argument(
        "--limits-only",
        type=int,
        metavar="TURNS",
        help="only time the rate limits of a vote (needs a database)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="votes-bench-"))
    env = environment(tmp)
    env.update(
        DATABASE_URL=f"{PG}/{args.database}", REDIS_URL=args.redis_url, CLIENT_IP_HEADER="HTTP_X_REAL_IP"
    )
    env.pop("BEHIND_HTTPS_PROXY", None)
    if args.limits_only:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        limits_only(env, args.limits_only)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    # Each voter sends ~2.1 votes; enough voters for the whole window at the full rate.
    voters = int(args.rate * args.duration / 2.1) + 500
    started = time.monotonic()
    data = prepare(env, database=args.database, voters=voters, out=tmp / "voters.json")
    setup_seconds = time.monotonic() - started
    port = free_port()
    base = f"http://{HOST}:{port}"
    pidfile = tmp / "gunicorn.pid"
    access_log = tmp / "access.log"
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
        + ["--timeout", "120", "--access-logfile", str(access_log), "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    profile_out = ""
    try:
        public_load._wait_for(base + "/healthz")
        for _ in range(args.workers * 2):  # every worker's imports and connections
            urllib.request.urlopen(f"{base}/contest/vote/{data['round']}/", timeout=30).read()
        load = asyncio.run(
            drive(
                port,
                data,
                rate=args.rate,
                duration=args.duration,
                connections=args.connections,
                read_rate=args.read_rate,
                timeout=args.timeout,
            )
        )
        loadavg = os.getloadavg()[0]
        close = CLOSE.replace("__ROUND__", str(data["round"]))
        run([PYTHON, "manage.py", "shell", "-c", close.replace("__MINUTES__", "0")], env)
        counted = json.loads(
            run([PYTHON, "manage.py", "shell", "-c", COUNT.replace("__ROUND__", str(data["round"]))], env)
            .stdout.strip()
            .splitlines()[-1]
        )
        with urllib.request.urlopen(f"{base}/contest/vote/{data['round']}/totals.json", timeout=30) as answer:
            final = json.loads(answer.read())
    finally:
        public_load._stop(server, pidfile)
    if not args.no_profile:
        # The profile's votes need the vote open again, for a few minutes.
        run([PYTHON, "manage.py", "shell", "-c", close.replace("__MINUTES__", "5")], env)
        script = PROFILE.replace("__DATA__", repr(str(tmp / "voters.json"))).replace("__SAMPLE__", "300")
        profile_out = run([PYTHON, "manage.py", "shell", "-c", script], env).stdout
    shutil.rmtree(tmp, ignore_errors=True)

    problems, figures = check(load, counted, final)
    votes = load["results"]
    latencies = [seconds * 1000 for *_rest, seconds in votes]
    window = max(load["seconds"], 1e-9)
    read_ms = [seconds * 1000 for status, seconds in load["reads"]]
    read_errors = sum(1 for status, _ in load["reads"] if status != 200)
    print(
        f"\n{os.cpu_count()} cores, gunicorn {args.workers} sync workers (production settings, access log), "
        f"PostgreSQL + Redis on the same machine; offered {args.rate:,.0f} votes/s for {args.duration:.0f} s "
        f"from at most {args.connections} connections, {args.read_rate:g} vote page loads/s beside; "
        f"load average {loadavg:.1f} at the end; setup {setup_seconds:.0f} s\n"
    )
    print(
        "| offered/s | votes sent | answered/s | accepted (200) | refused 409 (double taps) | other | p50 ms | p95 ms | p99 ms | max ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    other = len(votes) - figures["accepted"] - figures["refused"]
    print(
        f"| {args.rate:,.0f} | {len(votes):,} | {len(votes) / window:,.0f} | {figures['accepted']:,} | {figures['refused']:,} "
        f"({figures['taps']:,} sent) | {other} | {percentile(latencies, 0.5):.1f} | {percentile(latencies, 0.95):.1f} | "
        f"**{percentile(latencies, 0.99):.1f}** | {max(latencies, default=0):.1f} |"
    )
    print(
        f"\nVote page beside it: {len(read_ms)} loads, p50 {percentile(read_ms, 0.5):.1f} ms, "
        f"p99 {percentile(read_ms, 0.99):.1f} ms, {read_errors} not 200.\n"
    )
    print(
        "| accepted answers | vote rows | sum of exact totals | sum of final totals.json | voter/group pairs counted twice |"
    )
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {figures['accepted']:,} | {figures['rows']:,} | {figures['sum_totals']:,} | {figures['sum_final']:,} | "
        f"{counted['pairs_counted_twice']} |"
    )
    if profile_out:
        line = next(item for item in profile_out.splitlines() if item.startswith("PROFILE_JSON "))
        summary = json.loads(line.removeprefix("PROFILE_JSON "))
        print(
            f"\nOne vote in one process (Django test client, CSRF checked, same PostgreSQL and Redis), "
            f"{summary['n']} votes timed: {summary['ms']:.2f} ms each, of which SQL {summary['sql_ms']:.2f} ms, "
            f"cache {summary['cache_ms']:.2f} ms in {summary['round_trips']:g} Redis round trips; statuses {summary['statuses']}, queries {summary['queries']}; "
            f"{summary['profiled']} more under cProfile, by own time:\n"
        )
        print("```")
        print(
            "\n".join(
                item for item in profile_out.splitlines() if not item.startswith("PROFILE_JSON ")
            ).strip()
        )
        print("```")
    if problems:
        print("\nPROBLEMS:")
        for problem in problems[:20]:
            print(f"- {problem}")
        sys.exit(1)
    print("\nNo vote lost, none counted twice.")


if __name__ == "__main__":
    main()
