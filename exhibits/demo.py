"""The demo hall for ``make run``: the 科协's online hall of the demo week (after seed 004, the
university showcase), three sections and 30 generated projects with realistic titles, a few
featured, some in review, with intents, signings and page views so every page has something
to show; the 科协's own 路演 in the demo week presents the featured projects in order. Loading is idempotent: every object is found by a natural key (the projects by their
``external_id``) and brought to the state described here.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from core.public_cache import bump_public_version_after_commit
from events.demo import BUSIEST_DAY, STARTS_ON, WEEK_NAME
from events.models import Event, Membership, Organizer, User, Week
from venues.models import Venue

from .models import (
    COOPERATION_BITS,
    Curator,
    Exhibition,
    Holder,
    Intent,
    Presentation,
    Project,
    ProjectDailyViews,
    ProjectReview,
    Section,
    Signing,
)
from .services.images import image_versions_schedule

SLUG = "kunshan-innovation"
TITLE = "昆山双创成果云展厅"
HOST = ("昆山市科学技术协会", "association")
CURATOR = ("kx", "curator-demo-2017", "周敏", "kx@example.com", "13800000011")
HOLDERS = [
    ("sudahu", "holder-demo-2017", "胡建国", "hu@suda.example.edu.cn", "苏州大学"),
    ("dkuwang", "holder-demo-2017", "王若溪", "wang@dku.example.edu.cn", "昆山杜克大学"),
]
SECTIONS = [
    ("碳中和", "新能源、储能、节能减排与循环利用。"),
    ("生物医药与大健康", "创新药、医疗器械、诊断试剂与健康服务。"),
    ("数字文创", "数字内容、文化科技与智能交互。"),
]
# (section index, title, pitch): ten per section.
PROJECTS = [
    (0, "固态锂电池隔膜材料", "耐高温、不起火的陶瓷复合隔膜，提升动力电池安全性"),
    (0, "钙钛矿叠层太阳能电池", "转换效率突破 28% 的柔性叠层组件"),
    (0, "废旧动力电池梯次利用系统", "电池健康度快速分选，储能场景二次利用"),
    (0, "工业余热有机朗肯循环发电装置", "低品位余热发电，投资回收期三年以内"),
    (0, "建筑光伏一体化幕墙", "发电、隔热、采光一体的彩色光伏幕墙"),
    (0, "氢燃料电池低铂催化剂", "铂用量降低 60%，寿命超过 2 万小时"),
    (0, "园区综合能源管理平台", "源网荷储协同调度，园区用能成本降低 15%"),
    (0, "生物质基可降解包装材料", "秸秆纤维制备的全降解快递包装"),
    (0, "二氧化碳矿化养护混凝土", "每方混凝土固碳 20 公斤，强度提升 10%"),
    (0, "钠离子电池正极材料", "低成本、长循环的层状氧化物正极"),
    (1, "可降解医用镁合金骨钉", "植入后自行降解，免除二次取出手术"),
    (1, "肿瘤早筛液体活检试剂盒", "一管血检测多种常见癌症的甲基化标志物"),
    (1, "智能康复外骨骼机器人", "脑卒中患者下肢康复训练，步态自适应"),
    (1, "mRNA 疫苗递送脂质纳米颗粒", "自主知识产权的可电离脂质库"),
    (1, "便携式眼底相机与 AI 阅片", "基层医院糖网筛查，十秒出报告"),
    (1, "抗菌肽创面敷料", "对耐药菌有效的慢性创面修复敷料"),
    (1, "中药配方颗粒质量追溯系统", "从药材种植到成品的全程指纹图谱"),
    (1, "微流控即时检测芯片", "指尖血十五分钟完成心肌标志物检测"),
    (1, "老年人跌倒监测毫米波雷达", "无摄像头、保护隐私的居家跌倒报警"),
    (1, "靶向蛋白降解小分子药物", "针对难成药靶点的 PROTAC 候选分子"),
    (2, "昆曲数字化动作捕捉与传承平台", "名家身段数字化存档，支持 VR 教学"),
    (2, "文物三维扫描与虚拟修复", "亚毫米精度建模，修复方案先在数字世界验证"),
    (2, "AI 辅助非遗纹样设计工具", "苏绣、缂丝纹样的智能生成与再设计"),
    (2, "沉浸式江南园林数字展厅", "裸眼 3D 与空间音频再现园林四季"),
    (2, "儿童编程教育机器人", "图形化编程与实体积木结合的课堂套件"),
    (2, "方言语音识别引擎", "吴语识别准确率 92%，服务政务热线"),
    (2, "数字人直播生成系统", "一张照片生成可实时互动的数字主播"),
    (2, "古籍智能识别与标点", "繁体竖排古籍的 OCR 与自动句读"),
    (2, "文旅景区客流预测与导览小程序", "客流预测提前两小时，分时导览减少排队"),
    (2, "工业设计众包协同平台", "制造企业与设计师在线对接、版权存证"),
]
ORGANIZATIONS = [
    "苏州大学",
    "昆山杜克大学",
    "江苏科技大学",
    "苏州科技大学",
    "中国科学院苏州纳米技术与纳米仿生研究所",
    "昆山市工业技术研究院",
    "昆山某某新材料科技有限公司",
]
FEATURED = {0: 1, 10: 2, 20: 3, 1: 4, 12: 5}  # project index → featured order
# The 科协's 路演 of the demo week (seed 004: twenty-odd of the collected 成果 presented on
# stage), on the week's busiest day at the main venue; it presents the featured projects.
ROADSHOW = "高校科技成果项目路演暨产学研对接会"
ROADSHOW_VENUE = "昆山市主会场"
IN_REVIEW = {5, 16, 27}
RETURNED = {8}
COVER_COLOURS = [
    ((179, 22, 27), (245, 196, 81)),
    ((30, 75, 143), (120, 200, 230)),
    ((31, 93, 49), (200, 230, 160)),
]


@dataclass
class DemoAccounts:
    curator: tuple[str, str]
    holders: list[tuple[str, str]]


def _cover(index: int) -> ContentFile:
    """A plain 800x450 cover: a gradient with a few shapes (no text), unique per project."""
    start, end = COVER_COLOURS[PROJECTS[index][0]]
    image = Image.new("RGB", (800, 450))
    draw = ImageDraw.Draw(image)
    for x in range(800):
        t = x / 799
        draw.line(
            [(x, 0), (x, 450)], fill=tuple(int(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        )
    rng = random.Random(index)
    for _ in range(6):
        x, y, r = rng.randint(0, 800), rng.randint(0, 450), rng.randint(30, 140)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 255, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="cover.jpg")


def _account(username, password, full_name, email, phone="") -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "email": email, "phone": phone}
    )
    if created:
        user.set_password(password)
        user.save()
    return user


@transaction.atomic
def load_demo_exhibition() -> DemoAccounts:
    """Create or bring up to date the demo hall of the demo week (``load_demo_week`` first).

    Side effects: the 科协 unit, a curator and two holder accounts; the hall, its sections and
    30 projects (covers generated once); a few intents, signings and page views;
    ``bump_public_version()`` after commit.
    """
    week = Week.objects.get(name=WEEK_NAME)
    host, _ = Organizer.objects.update_or_create(
        name=HOST[0], defaults={"kind": HOST[1], "contact_name": CURATOR[2], "contact_phone": CURATOR[4]}
    )
    curator = _account(*CURATOR)
    Membership.objects.get_or_create(organizer=host, user=curator, defaults={"role": Membership.Role.MANAGER})
    now = timezone.now()
    exhibition, _ = Exhibition.objects.update_or_create(
        slug=SLUG,
        defaults={
            "host": host,
            "week": week,
            "title": TITLE,
            "year": week.starts_on.year,
            "intro": "汇集高校、科研院所和企业的创新创业成果，活动周后常年在线展示，欢迎投资人、企业和创业导师对接合作。",
            "call_opens_at": now - dt.timedelta(days=30),
            "call_closes_at": now + dt.timedelta(days=60),
            "is_published": True,
            "is_permanent": True,
        },
    )
    Curator.objects.get_or_create(exhibition=exhibition, user=curator)
    sections = [
        Section.objects.update_or_create(
            exhibition=exhibition, name=name, defaults={"intro": intro, "order": order}
        )[0]
        for order, (name, intro) in enumerate(SECTIONS)
    ]
    holders = []
    for username, password, full_name, email, organization in HOLDERS:
        user = _account(username, password, full_name, email)
        Holder.objects.get_or_create(
            exhibition=exhibition,
            user=user,
            defaults={"organization": organization, "confirmed_email": email, "email_confirmed_at": now},
        )
        holders.append((user, organization))
    projects = [
        _project(exhibition, sections[section_index], index, title, pitch, holders, curator, now)
        for index, (section_index, title, pitch) in enumerate(PROJECTS)
    ]
    _roadshow(week, host, curator, [projects[index] for index in sorted(FEATURED, key=FEATURED.get)])
    bump_public_version_after_commit()  # it made a roadshow event of the week
    return DemoAccounts(
        curator=(CURATOR[0], CURATOR[1]), holders=[(username, password) for username, password, *_ in HOLDERS]
    )


def _roadshow(week: Week, host: Organizer, curator: User, projects: list[Project]) -> Event:
    """The 科协's approved 路演 of the demo week, presenting ``projects`` in this order."""
    day = week.starts_on + (BUSIEST_DAY - STARTS_ON)
    venue = Venue.objects.filter(name=ROADSHOW_VENUE).first()
    event, _ = Event.objects.update_or_create(
        week=week,
        host=host,
        subtitle=ROADSHOW,
        defaults={
            "form": Event.Form.ROADSHOW,
            "place_kind": Event.PlaceKind.VENUE if venue else Event.PlaceKind.PLACE,
            "venue": venue,
            "place": "路演厅",
            "address": venue.address if venue else "",
            "starts_at": dt.datetime.combine(day, dt.time(14), tzinfo=week.zone),
            "ends_at": dt.datetime.combine(day, dt.time(17), tzinfo=week.zone),
            "status": Event.Status.APPROVED,
            "contact_name": curator.full_name,
            "contact_phone": curator.phone,
            "contact_email": curator.email,
            "reporter": curator,
            "description": "云展厅精选项目现场路演，投资机构、企业和创业导师现场点评并对接合作。",
        },
    )
    for order, project in enumerate(projects, start=1):
        Presentation.objects.update_or_create(
            event=event, project=project, defaults={"order": order, "added_by": curator}
        )
    return event


def _project(exhibition, section, index, title, pitch, holders, curator, now) -> Project:
    owner, organization = (
        holders[index % 2] if index % 3 != 2 else (None, ORGANIZATIONS[index % len(ORGANIZATIONS)])
    )
    if index in IN_REVIEW:
        status = Project.Status.SUBMITTED
    elif index in RETURNED:
        status = Project.Status.RETURNED
    else:
        status = Project.Status.ACCEPTED
    codes = list(COOPERATION_BITS)
    cooperation = COOPERATION_BITS[codes[index % 5]] | COOPERATION_BITS[codes[(index * 2 + 1) % 5]]
    accepted_at = now - dt.timedelta(days=20, hours=index)
    project, created = Project.objects.update_or_create(
        exhibition=exhibition,
        external_id=f"demo-{index + 1:02d}",
        defaults={
            "section": section,
            "owner": owner,
            "title": title,
            "pitch": pitch,
            "description": (
                f"{title}由{organization}团队研发，{pitch}。\n\n"
                "项目已完成关键技术验证，拥有多项发明专利，正在寻求产业化合作伙伴。"
            ),
            "stage": Project.Stage.values[index % 5],
            "cooperation": cooperation,
            "organization": organization,
            "team": "项目负责人及研发团队 8 人",
            "contact_name": owner.full_name if owner else "项目联系人",
            "contact_phone": f"1380000{index + 100:04d}",
            "contact_email": owner.email if owner else f"project{index + 1}@example.com",
            "status": status,
            "featured_order": FEATURED.get(index) if status == Project.Status.ACCEPTED else None,
            "submitted_at": accepted_at - dt.timedelta(days=3),
            "accepted_at": accepted_at if status == Project.Status.ACCEPTED else None,
        },
    )
    if created:
        if index % 3 != 1:
            project.cover.save("cover.jpg", _cover(index), save=True)
            image_versions_schedule(project_ids=[project.pk])
        by = owner or curator
        ProjectReview.objects.create(
            project=project,
            action=ProjectReview.Action.SUBMIT,
            from_status="draft",
            to_status="submitted",
            by=by,
        )
        if status == Project.Status.ACCEPTED:
            ProjectReview.objects.create(
                project=project,
                action=ProjectReview.Action.ACCEPT,
                from_status="submitted",
                to_status="accepted",
                by=curator,
            )
        elif status == Project.Status.RETURNED:
            ProjectReview.objects.create(
                project=project,
                action=ProjectReview.Action.RETURN,
                from_status="submitted",
                to_status="returned",
                by=curator,
                reason="请补充中试数据和知识产权情况。",
            )
        if status == Project.Status.ACCEPTED:
            _activity(project, index, now)
    return project


def _activity(project, index, now) -> None:
    """Page views over the last days, and for some projects an intent and a signing."""
    today = timezone.localdate()
    ProjectDailyViews.objects.bulk_create(
        ProjectDailyViews(
            project=project, day=today - dt.timedelta(days=days), count=(index * 7 + days * 3) % 40 + 5
        )
        for days in range(7)
    )
    if index % 4 == 0:
        intent = Intent.objects.create(
            project=project,
            name="陈立新",
            organization="昆山创新投资有限公司",
            role=Intent.Role.INVESTOR,
            kind="financing",
            message="对项目的产业化前景很感兴趣，希望安排一次路演交流。",
            email=f"investor{index}@example.com",
            phone="13900000000",
            confirmed_at=now - dt.timedelta(days=index % 5),
            answer=Intent.Answer.IN_TALKS if index % 8 == 0 else Intent.Answer.NEW,
        )
        if index % 8 == 0:
            Signing.objects.create(
                project=project,
                intent=intent,
                parties="昆山创新投资有限公司",
                kind="financing",
                amount=500 + index * 10,
                signed_on=today - dt.timedelta(days=1),
            )
