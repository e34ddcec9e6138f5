"""Builders for the contests' test data: every argument has a sensible default."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contests.models import Applicant, Contest, Criterion, Entry, Juror, Round, RoundEntry, Score, Track
from events.models import Event, User
from tests import factories

_sequence = itertools.count(1)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The first bytes of an MP4 (an ftyp box of brand isom), enough for the content check.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64


def pdf_upload(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def mp4_upload(name: str = "pitch.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MP4, content_type="video/mp4")


def contest(*, event: Event | None = None, tracks=("企业组", "团队组"), **fields) -> Contest:
    number = next(_sequence)
    if event is None:
        week = factories.week(is_current=False)
        event = factories.event(week=week, form=Event.Form.CONTEST)
    now = timezone.now()
    defaults = {
        "title": f"青年创业大赛 {number}",
        "slug": f"contest-{number}",
        "intro": "面向青年创业者的创业大赛。",
        "registration_opens_at": now - dt.timedelta(days=10),
        "registration_closes_at": now + dt.timedelta(days=10),
        "is_published": True,
    }
    made = Contest.objects.create(event=event, **{**defaults, **fields})
    for order, name in enumerate(tracks):
        Track.objects.create(contest=made, name=name, order=order)
    return made


def organizer_member(contest: Contest, **fields) -> User:
    return factories.member(contest.event.host, **fields)


def applicant(*, confirmed: bool = True, **fields) -> User:
    person = factories.user(**fields)
    if confirmed:
        Applicant.objects.create(user=person, email=person.email, email_confirmed_at=timezone.now())
    return person


def entry(*, contest: Contest, applicant: User | None = None, track: Track | None = None, **fields) -> Entry:
    number = next(_sequence)
    status = fields.pop("status", Entry.Status.SUBMITTED)
    applicant = applicant or globals()["applicant"]()
    defaults = {
        "name": f"智能农业无人机 {number}",
        "organization": f"昆山某某科技有限公司 {number}",
        "contact_name": "张三",
        "contact_phone": "13800000000",
        "contact_email": f"team{number}@example.com",
        "status": status,
        "number": None if status == Entry.Status.DRAFT else _next_number(contest),
        "submitted_at": None if status == Entry.Status.DRAFT else timezone.now(),
        "screening_reason": "材料不全" if status == Entry.Status.INELIGIBLE else "",
    }
    made = Entry(
        contest=contest, applicant=applicant, track=track or contest.tracks.first(), **{**defaults, **fields}
    )
    made.plan.save("plan.pdf", pdf_upload(), save=False)
    made.plan_size = len(PDF)
    made.save()
    return made


def _next_number(contest: Contest) -> int:
    return (Entry.objects.filter(contest=contest).exclude(number=None).count()) + 1


def round_(*, contest: Contest, number: int = 1, **fields) -> Round:
    today = timezone.localdate()
    defaults = {
        "name": {1: "预赛", 2: "复赛", 3: "决赛"}.get(number, f"第{number}轮"),
        "starts_on": today,
        "ends_on": today,
    }
    return Round.objects.create(contest=contest, number=number, **{**defaults, **fields})


def criteria(
    round_: Round, spec=(("技术创新", 30), ("市场前景", 30), ("团队", 20), ("路演表现", 20))
) -> list[Criterion]:
    return [
        Criterion.objects.create(round=round_, name=name, weight=weight, max_score=weight, order=n)
        for n, (name, weight) in enumerate(spec)
    ]


def lineup(round_: Round, entries: list[Entry]) -> list[RoundEntry]:
    made = []
    for n, item in enumerate(entries, start=1):
        if item.status != Entry.Status.ELIGIBLE:
            Entry.objects.filter(pk=item.pk).update(status=Entry.Status.ELIGIBLE)
        made.append(RoundEntry.objects.create(round=round_, entry=item, running_order=n))
        Entry.objects.filter(pk=item.pk).update(reached_round=round_)
    return made


def juror(*, round_: Round, **fields) -> Juror:
    number = next(_sequence)
    defaults = {"name": f"评委{number}", "title": "某某创投合伙人", "phone": f"139000{number:05d}"}
    return Juror.objects.create(round=round_, **{**defaults, **fields})


def scores(juror: Juror, entry: Entry, values: dict[str, float | int]) -> None:
    for criterion in juror.round.criteria.all():
        if criterion.name in values:
            Score.objects.create(
                juror=juror,
                entry=entry,
                criterion=criterion,
                value=decimal.Decimal(str(values[criterion.name])),
            )


def many_entries(*, contest: Contest, count: int) -> list[Entry]:
    """``count`` entries over the contest's tracks and states (every seventh ineligible, every
    fifth eligible), each with answers, so every relation a list shows has rows."""
    tracks = list(contest.tracks.all())
    made = []
    for n in range(count):
        status = (
            Entry.Status.INELIGIBLE
            if n % 7 == 6
            else Entry.Status.ELIGIBLE
            if n % 5 == 0
            else Entry.Status.SUBMITTED
        )
        made.append(
            entry(contest=contest, track=tracks[n % len(tracks)], status=status, answers={"1": f"回答{n}"})
        )
    return made


def web_versions(entry: Entry):
    """The entry's video passed its check and has web versions: small stand-in files stored
    as the transcoder would store them, recorded on its ``EntryVideo``."""
    from django.core.files.base import ContentFile

    from contests.models import EntryVideo

    storage = entry.video.storage
    folder = f"contests/{entry.contest_id}/videos/web"
    versions = {
        slot: {
            "name": storage.save(f"{folder}/{slot}.mp4", ContentFile(MP4)),
            "size": len(MP4),
            "height": int(slot),
        }
        for slot in ("360", "720")
    }
    poster = storage.save(f"{folder}/poster.jpg", ContentFile(b"\xff\xd8\xff\xe0 poster"))
    state, _created = EntryVideo.objects.update_or_create(
        entry=entry,
        defaults={
            "source": entry.video.name,
            "status": EntryVideo.Status.PASSED,
            "versions_status": EntryVideo.VersionsStatus.DONE,
            "versions": {"source": entry.video.name, "versions": versions, "poster": {"name": poster}},
        },
    )
    return state


def security_world(*, event: Event) -> dict:
    """The contests' objects for the project-wide URL matrix (tests/security): a contest of
    ``event`` (so run by its host unit) with a field, a round with a vote window and a
    juror, a published final, and an entry of an applicant who is none of the matrix's roles,
    with its files. Keys start with ``contest_``."""
    from contests.models import EntryFile, FormField

    now = timezone.now()
    made = contest(event=event)
    field = FormField.objects.create(contest=made, label="营业执照", kind="file", required=False)
    first = round_(
        contest=made, vote_opens_at=now - dt.timedelta(days=1), vote_closes_at=now + dt.timedelta(days=1)
    )
    final = round_(contest=made, number=2, results_published_at=now, results=[])
    criterion = criteria(first)[0]
    registered = entry(contest=made)
    registered.video.save("pitch.mp4", mp4_upload())
    web_versions(registered)
    stored = EntryFile(entry=registered, field=field, size=10)
    stored.file.save("licence.pdf", pdf_upload(), save=False)
    stored.save()
    (lined_up,) = lineup(first, [registered])
    return {
        "contest": made,
        "contest_track": made.tracks.first(),
        "contest_field": field,
        "contest_round": first,
        "contest_final": final,
        "contest_criterion": criterion,
        "contest_entry": registered,
        "contest_entry_file": stored,
        "contest_lineup": lined_up,
        "contest_juror": juror(round_=first),
    }


def vote(round_: Round, entry: Entry, *, voter: str, ip: str = "10.0.0.1", device: str = "d", **fields):
    """A vote for ``entry`` in ``round_`` through the service (its candidate looked up)."""
    from contests import services

    candidate = RoundEntry.objects.select_related("round", "entry__track").get(round=round_, entry=entry)
    return services.vote_cast(candidate=candidate, voter=voter, proof="phone", ip=ip, device=device, **fields)
