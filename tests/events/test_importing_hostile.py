"""Hostile spreadsheets: a zip bomb, a lying zip header, XML entities, a file that is no zip at all.

The archive is checked (core.archives) before openpyxl opens it, so a bomb is refused from the
zip's directory without being inflated; the tests measure that with tracemalloc.
"""

import io
import struct
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import archives
from events import importing
from events.models import Event
from events.views.review import IMPORT_SESSION_KEY
from tests import factories

from .test_importing import row, workbook

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
PLACEHOLDER = "PLACEHOLDER-SUBTITLE"
SHEET = "xl/worksheets/sheet1.xml"  # openpyxl writes cell text inline, in the sheet's XML


@pytest.fixture
def plan(week):
    factories.organizer(name="昆山市人社局")
    factories.organizer(name="昆山市总工会")
    factories.venue(name="科技广场分会场")
    factories.theme(name="创业就业")
    return week


def rebuilt(content: bytes, name: str, write) -> bytes:
    """``content`` (an .xlsx) with entry ``name`` rewritten by ``write(old_text, stream)``, deflated."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == name:
                entry = zipfile.ZipInfo(name)
                entry.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo made by hand defaults to stored
                with target.open(entry, "w") as stream:
                    write(source.read(name).decode("utf-8"), stream)
            else:
                target.writestr(info.filename, source.read(info.filename), zipfile.ZIP_DEFLATED)
    assert name in source.namelist()
    return buffer.getvalue()


def with_subtitle_run(size: int) -> bytes:
    """A valid plan whose one subtitle is ``size`` bytes of "A", streamed into the zip: small on
    disk (deflate packs such a run about 1000:1), huge once inflated."""

    def write(text, stream):
        before, after = text.split(PLACEHOLDER)
        stream.write(before.encode())
        chunk = b"A" * MiB
        for _ in range(size // MiB):
            stream.write(chunk)
        stream.write(after.encode())

    return rebuilt(workbook(row(副标题=PLACEHOLDER)), SHEET, write)


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def lie_about_sizes(content: bytes, claimed: int) -> bytes:
    """Rewrite every uncompressed size in the local and central headers to ``claimed``."""
    data = bytearray(content)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            struct.pack_into("<I", data, start + offset, claimed)
            start = data.find(signature, start + 4)
    return bytes(data)


def test_a_zip_bomb_upload_is_refused_before_it_is_parsed(client, reviewer, plan):
    bomb = with_subtitle_run(64 * MiB)
    assert len(bomb) < 200 * 1024
    client.force_login(reviewer)

    tracemalloc.start()
    try:
        response = client.post(
            reverse("review_events:import"), {"file": SimpleUploadedFile("plan.xlsx", bomb)}
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200
    assert response.context["preview"].file_errors == ["文件解压后过大（超过 20 MB），已拒绝。"]
    assert "文件解压后过大" in response.content.decode()
    # Inflating the 64 MiB cell would need more than that; the check read only the directory.
    assert peak < 50 * MiB, f"peak {peak / MiB:.1f} MiB"
    assert IMPORT_SESSION_KEY not in client.session
    client.post(reverse("review_events:import"), {"confirm": "1"})
    assert not Event.objects.exists()


def test_the_management_command_refuses_the_bomb_too(tmp_path, plan):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(with_subtitle_run(32 * MiB))

    with pytest.raises(importing.ImportRejected) as rejected:
        importing.import_events(content=path.read_bytes(), week=plan, by=None)

    assert rejected.value.preview.file_errors == ["文件解压后过大（超过 20 MB），已拒绝。"]
    assert not Event.objects.exists()


def test_a_header_that_lies_about_the_size_cannot_pass(plan):
    # 30 MiB inflated, but every header claims 1 MiB: the directory looks harmless.
    liar = lie_about_sizes(zip_of({"xl/sharedStrings.xml": b"A" * (30 * MiB)}), claimed=MiB)
    assert zipfile.ZipFile(io.BytesIO(liar)).infolist()[0].file_size == MiB

    with pytest.raises(ValidationError) as refused:
        archives.check_office_archive(liar)

    assert refused.value.code == "damaged"
    assert refused.value.messages == ["文件已损坏，无法读取。"]
    assert importing.preview(content=liar, week=plan).file_errors == ["文件已损坏，无法读取。"]


def test_the_streaming_check_stops_at_its_byte_cap_whatever_the_directory_says():
    honest = zip_of({"a.xml": b"A" * (3 * MiB)})
    limits = archives.ArchiveLimits(max_entry_size=MiB, max_ratio=10_000)
    archive = zipfile.ZipFile(io.BytesIO(honest))

    with pytest.raises(ValidationError) as refused:
        archives._check_streams(archive, archive.infolist(), limits)

    assert refused.value.code == "too_large"
    assert refused.value.messages == ["文件解压后过大（超过 1 MB），已拒绝。"]


def test_too_many_entries_and_a_suspicious_ratio_are_refused(plan):
    many = zip_of({f"part{n}.xml": b"<a/>" for n in range(201)})
    dense = zip_of({"xl/sharedStrings.xml": b"A" * (5 * MiB)})

    assert importing.preview(content=many, week=plan).file_errors == [
        "文件内部条目过多（201 个，最多 200 个），已拒绝。"
    ]
    assert importing.preview(content=dense, week=plan).file_errors == [
        "文件压缩比异常（超过 100:1），疑似恶意构造的文件，已拒绝。"
    ]


def test_a_file_that_is_no_zip_gets_a_clear_message(client, reviewer, plan):
    client.force_login(reviewer)

    response = client.post(
        reverse("review_events:import"), {"file": SimpleUploadedFile("plan.xlsx", b"name,subtitle\n" * 100)}
    )

    assert response.context["preview"].file_errors == ["无法读取该文件，请上传由模板填写的 .xlsx 文件。"]
    with pytest.raises(ValidationError) as refused:
        archives.check_office_archive(b"name,subtitle\n")
    assert refused.value.messages == ["该文件不是有效的 Office 文档（应为 zip 格式），无法读取。"]
    assert not Event.objects.exists()


def test_real_workbooks_pass_the_archive_check(plan):
    archives.check_office_archive(importing.template_workbook(week=plan))
    archives.check_office_archive(workbook(*[row(副标题=f"活动 {n}") for n in range(1000)]))


def test_openpyxl_parses_through_defusedxml_so_xml_entities_are_refused(plan):
    assert openpyxl.DEFUSEDXML is True
    content = workbook(row(副标题=PLACEHOLDER))

    def write(text, stream):
        doctype = '<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        text = text.replace("<worksheet", doctype + "<worksheet", 1).replace(PLACEHOLDER, "&lol2;")
        stream.write(text.encode())

    entities = rebuilt(content, SHEET, write)

    checked = importing.preview(content=entities, week=plan)

    assert checked.file_errors == ["无法读取该文件，请上传由模板填写的 .xlsx 文件。"]
