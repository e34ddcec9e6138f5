"""The demo contest for ``make run``: the plan's youth entrepreneurship contest (seed 002, event
二, 昆山市第二届“创业梦+就业桥”青年创业大赛, hosted by 昆山市人社局) on the demo week's event,
with two tracks (企业组, 团队组), a form of four questions, 20 registrations (16 eligible, 2
waiting, 2 ineligible), a preliminary round (预赛) judged by 5 jurors (four have submitted,
one is half-way), and a final (决赛) whose public vote over 12 candidates runs now (event 七,
网络投票), with their stories and some votes.

Registration stays open for ten more days, so a visitor can register too. Loading is
idempotent: every object is found by a natural key and brought to the state described here;
votes are only added to a vote that has none.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.public_cache import NO_EVENT, bump_public_version_after_commit
from events.models import Event, Organizer, User

from .models import (
    Applicant,
    Assessment,
    Contest,
    Criterion,
    Entry,
    FormField,
    Juror,
    Round,
    RoundEntry,
    Score,
    Track,
    Vote,
)
from .services import juror_link_url, voter_hash

SLUG = "kunshan-youth-2017"
TITLE = "昆山市第二届“创业梦+就业桥”青年创业大赛"
EVENT_SUBTITLE = "昆山市第二届“创业梦+就业桥”青年创业大赛预赛"
APPLICANT_PASSWORD = "applicant-demo-2017"
TRACKS = ["企业组", "团队组"]
QUESTIONS = [
    # label, kind, required, choices
    ("项目简介", "text", True, []),
    ("所处阶段", "choice", True, ["创意阶段", "初创期（1 年以内）", "成长期（1 至 3 年）"]),
    ("团队成员", "members", False, []),
    ("营业执照或团队证明", "file", False, []),
]
CRITERIA = [("技术创新", 30), ("市场前景", 30), ("团队", 20), ("路演表现", 20)]
JURORS = [
    ("周建华", "昆山高新创投 合伙人", "13900000101"),
    ("钱丽", "苏州某某天使基金 投资总监", "13900000102"),
    ("孙志强", "昆山某某智能装备 董事长", "13900000103"),
    ("吴敏", "昆山日报 经济部主任", "13900000104"),
    ("郑凯", "昆山杜克大学 创业中心主任", "13900000105"),
]
# (name, organization, track index)
PROJECTS = [
    ("智能农业植保无人机", "昆山飞羽科技有限公司", 0),
    ("社区居家养老服务平台", "昆山颐康健康管理有限公司", 0),
    ("工业视觉缺陷检测系统", "昆山慧眼智能科技有限公司", 0),
    ("固态锂电池隔膜材料", "昆山锂安新材料有限公司", 0),
    ("跨境电商智能选品工具", "昆山优选网络科技有限公司", 0),
    ("昆曲文创数字藏品", "昆山雅韵文化传播有限公司", 0),
    ("新能源汽车充电桩运维", "昆山易充能源科技有限公司", 0),
    ("生鲜冷链共享仓", "昆山鲜到家供应链有限公司", 0),
    ("中小企业财税 SaaS", "昆山账本信息技术有限公司", 0),
    ("宠物智能喂养设备", "昆山萌宠智能家居有限公司", 0),
    ("大学生二手书循环平台", "苏州科技大学创业团队", 1),
    ("阳澄湖大闸蟹溯源小程序", "昆山青年创客工作室", 1),
    ("听障人士实时字幕眼镜", "昆山杜克大学学生团队", 1),
    ("非遗手工编织体验课", "玉山镇青年手艺人团队", 1),
    ("校园外卖无人配送车", "江苏科技大学创业团队", 1),
    ("AI 作文批改助手", "昆山教育创新团队", 1),
    ("城市露营装备共享", "花桥青年创业团队", 1),
    ("乡村民宿数字化运营", "周庄青年返乡创业团队", 1),
    ("中医体质辨识小程序", "昆山中医青年团队", 1),
    ("工厂能耗监测盒子", "昆山开发区工程师团队", 1),
]
INELIGIBLE = {4: "营业执照注册地不在昆山市。", 15: "团队成员年龄不符合“青年”条件（35 周岁以下）。"}
WAITING = {8, 18}
VOTE_CANDIDATES = 12
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class DemoAccounts:
    organizer: str
    applicants: list[str]
    applicant_password: str
    juror_links: list[tuple[str, str]]
    vote_url: str


@transaction.atomic
def load_demo_contest() -> DemoAccounts:
    """Create or bring up to date the demo contest (needs ``load_demo_week`` first).

    Side effects: the contest and everything listed in the module's docstring; applicant
    accounts ``applicant01``..``applicant20``; the public version bumped after commit."""
    event = (
        Event.objects.filter(subtitle=EVENT_SUBTITLE).select_related("host", "week").order_by("-id").first()
    )
    if event is None:
        raise RuntimeError("Load the demo week first (manage.py load_demo_week).")
    now = timezone.now()
    contest, _created = Contest.objects.update_or_create(
        slug=SLUG,
        defaults={
            "event": event,
            "title": TITLE,
            "intro": (
                "面向在昆山创业或有意来昆山创业的 35 周岁以下青年，设企业组和团队组。\n\n"
                "赛程：报名与资格审核、预赛（项目路演，评审团打分）、决赛；决赛选手接受专访并参加网络投票。"
            ),
            "registration_opens_at": now - dt.timedelta(days=20),
            "registration_closes_at": now + dt.timedelta(days=10),
            "is_published": True,
        },
    )
    tracks = [
        Track.objects.update_or_create(contest=contest, name=name, defaults={"order": order})[0]
        for order, name in enumerate(TRACKS)
    ]
    fields = [
        FormField.objects.update_or_create(
            contest=contest,
            label=label,
            defaults={
                "kind": kind,
                "required": required,
                "choices": choices,
                "order": order,
                "multiline": kind == "text",
            },
        )[0]
        for order, (label, kind, required, choices) in enumerate(QUESTIONS)
    ]
    day = timezone.localtime(event.starts_at).date()
    preliminary = _round(contest, 1, "预赛", day, event.place)
    final = _round(
        contest,
        2,
        "决赛",
        day + dt.timedelta(days=18),
        event.place,
        vote_opens_at=now - dt.timedelta(days=1),
        vote_closes_at=now + dt.timedelta(days=5),
    )
    entries = [_entry(contest, tracks, fields, index, now) for index in range(len(PROJECTS))]
    eligible = [entry for entry in entries if entry.status == Entry.Status.ELIGIBLE]
    _lineup(preliminary, eligible)
    criteria = [
        Criterion.objects.update_or_create(
            round=preliminary, name=name, defaults={"weight": weight, "max_score": weight, "order": order}
        )[0]
        for order, (name, weight) in enumerate(CRITERIA)
    ]
    jurors = [
        Juror.objects.update_or_create(
            round=preliminary, name=name, defaults={"title": title, "phone": phone}
        )[0]
        for name, title, phone in JURORS
    ]
    _scores(jurors, eligible, criteria, now)
    candidates = [entry for entry in eligible if entry.track_id == tracks[0].pk][: VOTE_CANDIDATES // 2] + [
        entry for entry in eligible if entry.track_id == tracks[1].pk
    ][: VOTE_CANDIDATES // 2]
    _lineup(final, candidates, stories=True)
    _votes(final, candidates, now)
    bump_public_version_after_commit(events=NO_EVENT)
    host: Organizer = event.host
    organizer = host.memberships.order_by("id").first().user.username
    return DemoAccounts(
        organizer=organizer,
        applicants=[f"applicant{n + 1:02d}" for n in range(len(PROJECTS))],
        applicant_password=APPLICANT_PASSWORD,
        juror_links=[(juror.name, juror_link_url(juror)) for juror in jurors],
        vote_url=f"/contest/vote/{final.pk}/",
    )


def _round(contest, number, name, day, place, **vote) -> Round:
    return Round.objects.update_or_create(
        contest=contest,
        number=number,
        defaults={
            "name": name,
            "starts_on": day,
            "ends_on": day,
            "place": place,
            "trimmed_mean": True,
            "vote_opens_at": vote.get("vote_opens_at"),
            "vote_closes_at": vote.get("vote_closes_at"),
        },
    )[0]


def _entry(contest, tracks, fields, index, now) -> Entry:
    name, organization, track = PROJECTS[index]
    username = f"applicant{index + 1:02d}"
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": f"报名人{index + 1:02d}",
            "email": f"{username}@example.com",
            "phone": f"1370000{index:04d}",
        },
    )
    if created:
        user.set_password(APPLICANT_PASSWORD)
        user.save()
    Applicant.objects.update_or_create(user=user, defaults={"email": user.email, "email_confirmed_at": now})
    if index in INELIGIBLE:
        status, reason = Entry.Status.INELIGIBLE, INELIGIBLE[index]
    elif index in WAITING:
        status, reason = Entry.Status.SUBMITTED, ""
    else:
        status, reason = Entry.Status.ELIGIBLE, ""
    entry, made = Entry.objects.update_or_create(
        contest=contest,
        applicant=user,
        defaults={
            "track": tracks[track],
            "number": index + 1,
            "name": name,
            "organization": organization,
            "contact_name": user.full_name,
            "contact_phone": user.phone,
            "contact_email": user.email,
            "status": status,
            "screening_reason": reason,
            "submitted_at": now - dt.timedelta(days=15, hours=index),
            "answers": {
                fields[0].answer_key: f"{name}：{organization}的项目，已完成样机并获得首批客户。",
                fields[1].answer_key: fields[1].choices[index % 3],
                fields[2].answer_key: [
                    {"name": user.full_name, "role": "负责人"},
                    {"name": "合伙人", "role": "技术"},
                ],
            },
        },
    )
    if made or not entry.plan:
        entry.plan.save("plan.pdf", ContentFile(PDF), save=False)
        entry.plan_size = len(PDF)
        entry.save(update_fields=["plan", "plan_size"])
    return entry


def _lineup(round_, entries, *, stories: bool = False) -> None:
    for order, entry in enumerate(entries, start=1):
        story = (
            f"{entry.organization}的{entry.contact_name}：从一个想法到第一个客户，我们用了八个月。"
            "感谢“创业梦+就业桥”让我们的项目被更多人看见。"
            if stories
            else ""
        )
        RoundEntry.objects.update_or_create(
            round=round_, entry=entry, defaults={"running_order": order, "story": story}
        )
        if entry.reached_round_id is None or entry.reached_round.number < round_.number:
            Entry.objects.filter(pk=entry.pk).update(reached_round=round_)
            entry.reached_round = round_


def _scores(jurors, entries, criteria, now) -> None:
    rng = random.Random(2017)
    for position, juror in enumerate(jurors):
        complete = position < 4
        for index, entry in enumerate(entries):
            if not complete and index >= len(entries) // 2:
                break
            if position == 2 and index == 3:
                Assessment.objects.update_or_create(
                    juror=juror, entry=entry, defaults={"conflict": True, "conflict_note": "曾任该企业顾问"}
                )
                continue
            base = 0.6 + 0.3 * ((len(entries) - index) / len(entries))
            for criterion in criteria:
                value = decimal.Decimal(
                    round(float(criterion.max_score) * min(1.0, base + rng.uniform(-0.08, 0.08)) * 2) / 2
                )
                Score.objects.update_or_create(
                    juror=juror, entry=entry, criterion=criterion, defaults={"value": value, "seq": 1}
                )
        if complete and juror.submitted_at is None:
            juror.submitted_at = now - dt.timedelta(hours=5 - position)
            juror.save(update_fields=["submitted_at"])


def _votes(round_, candidates, now) -> None:
    if Vote.objects.filter(round=round_).exists():
        return
    rng = random.Random(7)
    votes = []
    for n in range(180):
        entry = candidates[min(len(candidates) - 1, int(rng.expovariate(0.35)))]
        created = now - dt.timedelta(hours=23) + dt.timedelta(minutes=rng.randrange(0, 23 * 60))
        votes.append(
            Vote(
                round=round_,
                entry=entry,
                track_id=entry.track_id,
                voter=voter_hash(f"demo-voter-{n}@example.com"),
                proof=Vote.Proof.EMAIL if n % 4 == 0 else Vote.Proof.PHONE,
                day=timezone.localtime(created).date(),
                ip_prefix=f"58.{200 + n % 40}.{n % 250}.0/24",
                device=f"{n:032x}",
                created_at=created,
            )
        )
    Vote.objects.bulk_create(votes, ignore_conflicts=True)
