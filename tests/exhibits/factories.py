"""Builders for the hall's test data: every argument has a sensible default."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from events.models import Event, Membership, Organizer, User, Week
from exhibits.models import (
    COOPERATION_BITS,
    Curator,
    Exhibition,
    Holder,
    Intent,
    Presentation,
    Project,
    ProjectVideo,
    Section,
    Signing,
)
from tests import factories

_sequence = itertools.count(1)

TITLES = [
    "固态锂电池隔膜材料",
    "基于机器视觉的钢材表面缺陷检测系统",
    "可降解医用镁合金骨钉",
    "农业无人机精准施药平台",
    "城市内涝智能预警系统",
    "钙钛矿叠层太阳能电池",
]


def exhibition(*, host: Organizer | None = None, week: Week | None = None, **fields) -> Exhibition:
    number = next(_sequence)
    week = week or factories.week(is_current=False)
    now = timezone.now()
    defaults = {
        "host": host or factories.organizer(name=f"市科协 {number}", kind=Organizer.Kind.ASSOCIATION),
        "week": week,
        "title": f"高校科技创新成果云展厅 {number}",
        "slug": f"hall-{number}",
        "year": week.starts_on.year,
        "call_opens_at": now - dt.timedelta(days=10),
        "call_closes_at": now + dt.timedelta(days=30),
        "is_published": True,
        "is_permanent": True,
    }
    return Exhibition.objects.create(**{**defaults, **fields})


def section(*, exhibition: Exhibition, **fields) -> Section:
    defaults = {"name": f"展区 {next(_sequence)}", "order": 0}
    return Section.objects.create(exhibition=exhibition, **{**defaults, **fields})


_new_section = section


def curator(*, exhibition: Exhibition, **fields) -> User:
    person = factories.member(exhibition.host, **fields)
    Curator.objects.create(exhibition=exhibition, user=person)
    return person


def holder(
    *, exhibition: Exhibition, organization: str = "某某大学", confirmed: bool = True, **fields
) -> User:
    """A holder of ``exhibition``; ``confirmed``: their e-mail address is confirmed."""
    person = factories.user(**fields)
    Holder.objects.create(
        exhibition=exhibition,
        user=person,
        organization=organization,
        confirmed_email=person.email if confirmed else "",
        email_confirmed_at=timezone.now() if confirmed else None,
    )
    return person


def project(
    *, exhibition: Exhibition, owner: User | None = None, section: Section | None = None, **fields
) -> Project:
    number = next(_sequence)
    status = fields.get("status", Project.Status.ACCEPTED)
    defaults = {
        "title": f"{TITLES[number % len(TITLES)]} {number}",
        "pitch": "让电池更安全、更耐用的关键材料",
        "description": "项目介绍第一段。\n\n第二段。",
        "stage": Project.Stage.PILOT,
        "cooperation": COOPERATION_BITS["transfer"] | COOPERATION_BITS["financing"],
        "organization": "某某大学",
        "team": "张教授（负责人）",
        "contact_name": "王老师",
        "contact_phone": "13800000009",
        "contact_email": f"contact{number}@example.edu.cn",
        "status": status,
        "accepted_at": timezone.now() if status == Project.Status.ACCEPTED else None,
        "submitted_at": timezone.now() if status != Project.Status.DRAFT else None,
    }
    section = section or exhibition.sections.first() or _new_section(exhibition=exhibition)
    return Project.objects.create(
        exhibition=exhibition, owner=owner, section=section, **{**defaults, **fields}
    )


def many_projects(*, exhibition: Exhibition, count: int, owner: User | None = None) -> list[Project]:
    """``count`` accepted projects over the hall's sections, every third featured, with a
    cover-less and a covered one, so every relation a list shows has rows at every size."""
    sections = list(exhibition.sections.all()) or [section(exhibition=exhibition)]
    made = []
    for n in range(count):
        made.append(
            project(
                exhibition=exhibition,
                owner=owner,
                section=sections[n % len(sections)],
                featured_order=n if n % 3 == 0 else None,
                organization=f"大学 {n % 4}",
            )
        )
    return made


def intent(*, project: Project, confirmed: bool = True, **fields) -> Intent:
    number = next(_sequence)
    defaults = {
        "name": f"投资人 {number}",
        "organization": "某某创投",
        "role": Intent.Role.INVESTOR,
        "kind": "financing",
        "message": "希望进一步了解。",
        "email": f"investor{number}@example.com",
        "confirmed_at": timezone.now() if confirmed else None,
    }
    return Intent.objects.create(project=project, **{**defaults, **fields})


def signing(*, project: Project, **fields) -> Signing:
    defaults = {
        "parties": "某某科技有限公司",
        "kind": "transfer",
        "signed_on": timezone.localdate(),
        "amount": 120,
    }
    return Signing.objects.create(project=project, **{**defaults, **fields})


def video(*, project: Project, ready: bool = True, **fields) -> ProjectVideo:
    """A project's video row over a few stored bytes (no real video: for pages and permissions).
    ``ready``: checked, with a 360p and a 720p web version and a poster stored and recorded."""
    number = next(_sequence)
    original = default_storage.save(
        f"exhibits/videos/{project.pk}/v{number}.mp4", ContentFile(b"original video")
    )
    defaults = {"original_name": "项目介绍.mp4", "size": 14, "status": ProjectVideo.Status.QUEUED}
    if ready:
        names = {
            slot: default_storage.save(
                f"exhibits/videos/{project.pk}/web/{slot}-{number}.{'jpg' if slot == 'poster' else 'mp4'}",
                ContentFile(f"web version {slot}".encode()),
            )
            for slot in ("360", "720", "poster")
        }
        defaults.update(
            status=ProjectVideo.Status.PASSED,
            width=1280,
            height=720,
            duration=12.0,
            versions_status=ProjectVideo.VersionsStatus.DONE,
            versions_progress=100,
            versions={
                "source": original,
                "versions": {
                    slot: {"name": names[slot], "size": 15, "width": int(slot) * 16 // 9, "height": int(slot)}
                    for slot in ("360", "720")
                },
                "poster": {"name": names["poster"], "size": 18, "width": 1280, "height": 720},
                "seconds": 1.0,
            },
        )
    return ProjectVideo.objects.create(project=project, file=original, **{**defaults, **fields})


def roadshow(*, week: Week, host: Organizer | None = None, **fields) -> Event:
    """An approved 路演 of ``week`` (an event that may present a hall's projects)."""
    defaults = {"form": Event.Form.ROADSHOW, "status": Event.Status.APPROVED, "subtitle": "科技成果项目路演"}
    return factories.event(week=week, host=host or factories.organizer(), **{**defaults, **fields})


def presentation(*, event: Event, project: Project, order: int = 1) -> Presentation:
    return Presentation.objects.create(event=event, project=project, order=order)


def png_upload(name: str = "photo.png", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg_upload(name: str = "photo.jpg", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf_upload(name: str = "brochure.pdf") -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def membership(user: User, unit: Organizer) -> Membership:
    return Membership.objects.create(organizer=unit, user=user)


def security_world(*, host: Organizer, curator: User, week: Week) -> dict:
    """The hall's objects for the project-wide URL matrix (tests/security): a hall of ``host``
    curated by ``curator``, a holder nobody else is, and that holder's projects in every state
    a URL needs. Keys start with ``hall_``."""
    from exhibits import services
    from exhibits.models import HolderInvitation, ProjectImportJob, ProjectRevision
    from exhibits.views.public import intent_token

    hall = exhibition(host=host, week=week)
    section(exhibition=hall, name="碳中和")
    Curator.objects.create(exhibition=hall, user=curator)
    owner = holder(exhibition=hall)
    draft = project(exhibition=hall, owner=owner, status=Project.Status.DRAFT)
    image = services.project_image_add(project=draft, by=owner, upload=png_upload(), name="i.png")
    document = services.project_document_add(project=draft, by=owner, upload=pdf_upload(), title="资料")
    accepted = project(exhibition=hall, owner=owner)
    accepted.cover.save("cover.png", png_upload())
    invitation = HolderInvitation.objects.create(exhibition=hall, email="invitee@example.edu.cn")
    changed = project(exhibition=hall, owner=owner)
    ProjectRevision.objects.create(
        project=changed, title="新名称", cover=png_upload("new.png"), created_by=owner
    )
    holding = Holder.objects.get(exhibition=hall, user=owner)
    shown = roadshow(week=week, host=host)
    presentation(event=shown, project=accepted)
    return {
        "hall": hall,
        "hall_draft": draft,
        "hall_submitted": project(exhibition=hall, owner=owner, status=Project.Status.SUBMITTED),
        "hall_accepted": accepted,
        "hall_image": image,
        "hall_document": document,
        "hall_intent": intent(project=accepted),
        "hall_intent_token": intent_token(intent(project=accepted, confirmed=False)),
        "hall_join_token": services.join_link_token(hall),
        "hall_invitation_token": services.invitation_token(invitation),
        "hall_changed": changed,
        "hall_holder": holding,
        "hall_confirm_token": services.holder_confirmation_token(holding),
        "hall_import_job": ProjectImportJob.objects.create(exhibition=hall, sheet_name="展项.xlsx"),
        "hall_roadshow": shown,
        "hall_video": video(project=accepted),
        "hall_draft_video": video(project=draft, ready=False),
    }


# --- Bulk import files ----------------------------------------------------------------------

IMPORT_HEADER = [
    "项目编号",
    "项目名称",
    "展区",
    "一句话介绍",
    "所处阶段",
    "寻求合作方式",
    "成果所属单位",
    "团队成员",
    "项目介绍",
    "联系人",
    "联系人电话",
    "联系人邮箱",
    "封面图文件",
    "项目图片文件",
]


def import_row(number: int, *, section: str = "碳中和", **overrides) -> dict:
    """One row of the import template, by header, for project ``number``."""
    row = {
        "项目编号": f"P{number:05d}",
        "项目名称": f"{TITLES[number % len(TITLES)]} {number}",
        "展区": section,
        "一句话介绍": "让电池更安全、更耐用的关键材料",
        "所处阶段": "中试",
        "寻求合作方式": "技术转让、融资",
        "成果所属单位": f"大学 {number % 15}",
        "团队成员": "张教授（负责人）",
        "项目介绍": f"第 {number} 个项目的介绍。\n\n第二段。",
        "联系人": "王老师",
        "联系人电话": "13800000009",
        "联系人邮箱": f"contact{number}@example.edu.cn",
        "封面图文件": "",
        "项目图片文件": "",
    }
    return {**row, **overrides}


def import_workbook(rows: list[dict], header: list[str] = IMPORT_HEADER) -> bytes:
    """An .xlsx with ``header`` and ``rows`` (dicts by header), written in streaming mode."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("展项")
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(title, "") for title in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def image_bytes(*, size: tuple[int, int] = (64, 48), color=(200, 30, 30), kind: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=kind)
    return buffer.getvalue()


def images_zip(files: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
