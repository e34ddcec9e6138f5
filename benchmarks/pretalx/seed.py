"""Seed pretalx with the portal's benchmark shape: one 7-day event, 30 rooms, 1,000 confirmed
talks (2 h each, the same per-day counts as generate_load_data: 15% on day 2 = today),
500 speakers, schedule released as v1.0.

PRETALX_CONFIG_FILE=/path/to/pretalx-bench/pretalx.cfg /path/to/pretalx-bench/venv/bin/python benchmarks/pretalx/seed.py
"""

# ruff: noqa: E402 - pretalx's models can be imported only after django.setup()
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

# The portal's word lists (plain data: nothing of the portal's Django is imported); appended, so
# pretalx's own packages are found first.
sys.path.append(str(Path(__file__).resolve().parents[2]))
from submissions.management.load_text import KINDS, PLACES, SENTENCES, TOPICS

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretalx.settings")
import django

django.setup()
from django.db import connection, transaction
from django.utils.timezone import now
from django_scopes import scope, scopes_disabled
from pretalx.event.domain.event import initialise_event, shred_event
from pretalx.event.models import Event, Organiser
from pretalx.person.models import SpeakerProfile, User
from pretalx.schedule.domain.release import freeze_schedule
from pretalx.schedule.models import Room, TalkSlot
from pretalx.submission.models import Submission

SLUG = "sc2026"
EVENTS, DAYS, ROOMS, SPEAKERS = 1000, 7, 30, 500
TZ = ZoneInfo("Asia/Shanghai")

rng = random.Random(7)
t0 = time.time()
today = now().astimezone(TZ).date()
start = today - dt.timedelta(days=2)
busiest = EVENTS * 15 // 100  # 150 = 30 rooms x 5 slots
per_day = [0] * DAYS
per_day[2] = busiest
others = [d for d in range(DAYS) if d != 2]
for n in range(EVENTS - busiest):
    per_day[others[n % len(others)]] += 1

with scopes_disabled(), transaction.atomic():
    old = Event.objects.filter(slug=SLUG).first()
    if old:
        shred_event(old)  # 2026.2.1: Event.shred() moved to the domain layer
    Organiser.objects.filter(slug="scorg").delete()
    User.objects.filter(email__endswith="@speakers.example.com").delete()
    organiser = Organiser.objects.create(name="双创周组委会", slug="scorg")
    event = Event.objects.create(
        name="2026年全国大众创业万众创新活动周",
        slug=SLUG,
        organiser=organiser,
        is_public=True,
        date_from=start,
        date_to=start + dt.timedelta(days=DAYS - 1),
        timezone="Asia/Shanghai",
        email="org@example.com",
        locales=["zh-hans"],  # 2026.2.1: JSON lists instead of locale_array/content_locale_array
        locale="zh-hans",
        content_locales=["zh-hans"],
    )
with scope(event=event), transaction.atomic():
    initialise_event(event)  # 2026.2.1: was event.build_initial_data()
    talk_type = event.submission_types.first()
    talk_type.default_duration = 120
    talk_type.save()
    rooms = [
        Room.objects.create(event=event, name=f"第{n}分会场" if n else "主会场", position=n)
        for n in range(ROOMS)
    ]
    speakers = []
    for n in range(SPEAKERS):
        user = User.objects.create_user(
            name=f"演讲嘉宾{n}", email=f"speaker{n}@speakers.example.com", locale="zh-hans"
        )
        # 2026.2.1: Submission.speakers points at SpeakerProfile, not User
        speakers.append(
            SpeakerProfile.objects.create(user=user, event=event, biography="".join(rng.sample(SENTENCES, 3)))
        )
    wip = event.wip_schedule
    slots = []
    number = 0
    for day_index, count in enumerate(per_day):
        day = start + dt.timedelta(days=day_index)
        for k in range(count):
            n = number
            number += 1
            room = rooms[k % ROOMS]
            hour = 8 + 2 * (k // ROOMS)  # 08:00 10:00 12:00 14:00 16:00, no overlap in a room
            begins = dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)
            sub = Submission.objects.create(
                event=event,
                title=f"{rng.choice(PLACES)}{rng.choice(TOPICS)}{rng.choice(KINDS)}（第{n}场）",
                submission_type=talk_type,
                state="confirmed",
                content_locale="zh-hans",
                duration=120,
                abstract="".join(rng.sample(SENTENCES, 2)),
                description="".join(rng.sample(SENTENCES, rng.randint(2, 6))),
            )
            sub.speakers.add(speakers[n % SPEAKERS])
            slots.append(
                TalkSlot(
                    submission=sub, schedule=wip, room=room, start=begins, end=begins + dt.timedelta(hours=2)
                )
            )
    TalkSlot.objects.bulk_create(slots)
    freeze_schedule(wip, "v1.0", notify_speakers=False)  # 2026.2.1: was Schedule.freeze()
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
with scope(event=event):
    codes = list(Submission.objects.filter(event=event).order_by("id").values_list("code", flat=True))
print(
    f"event={SLUG} days={start}..{start + dt.timedelta(days=DAYS - 1)} per_day={per_day} "
    f"talks={len(codes)} middle_code={codes[len(codes) // 2]} in {time.time() - t0:.1f}s"
)
