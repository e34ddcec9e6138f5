"""Reading a city's plan (工作方案): the 昆山 2017 plan as text and as .docx, dates, places, a messy variant.

``tests/data/plans/kunshan_2017.txt`` is shared/seeds/002_b8de74758d691f04.txt as the office
has it (a copy: CI has no ../shared). The parser touches no model, so no test needs the database.
"""

import datetime as dt
import io
import tracemalloc
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from events import plan
from events.plan import parse_date_range, parse_plan, read_plan_docx

SEED = Path(__file__).resolve().parent.parent / "data" / "plans" / "kunshan_2017.txt"
MiB = 1024 * 1024
D = dt.date


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8")


def assert_kunshan(draft, *, labels_as_written=True):
    """What the issue's acceptance list asks of the 昆山 plan, read from any of its forms."""
    assert draft.title == "2017年全国大众创业万众创新活动周暨 “创响江苏” 活动月苏州分会场昆山市工作方案"
    assert draft.city == "昆山"
    assert draft.unified_title == "2017年全国大众创业万众创新活动周暨 “创响江苏” 活动月"
    assert draft.theme == "创梦新天地，发展新经济；创客新天堂，培育新动能"
    assert (draft.period_start, draft.period_end) == (D(2017, 9, 15), D(2017, 10, 15))
    assert (draft.office_contact, draft.report_contact) == ("陈莉", "胡丹")
    assert (draft.email, draft.phone) == ("kunshangyk@163.com", "57303063")
    assert draft.deadline == dt.time(16, 0)
    assert draft.photo_min_megabytes == 2
    assert "JPG" in draft.media_rules
    assert draft.cc == [
        "市委办公室",
        "市人大常委会办公室",
        "市政协办公室",
        "市委各部门",
        "市法院",
        "市检察院",
        "市各民主党派",
        "各群众团体",
    ]
    assert draft.warnings == []

    events = draft.events
    assert [event.number for event in events] == list(range(1, 10))
    one, two, three, four, _five, six, seven, eight, nine = events

    assert one.title == "全国 “科普日” 活动"
    assert one.hosts == ["昆山市科技局"]
    assert (one.starts_on, one.ends_on) == (D(2017, 9, 13), D(2017, 9, 17))
    assert (one.place, one.place_kind) == ("全市各区镇", plan.CITYWIDE)
    assert one.warnings == ["活动开始于方案活动时间之前（9月13日，方案自9月15日起）"]

    assert two.title == "昆山市第二届 “创业梦+就业桥” 青年创业大赛"
    assert (two.starts_on, two.ends_on) == (D(2017, 9, 22), D(2017, 9, 22))
    assert two.place == "昆山市高新技术创业服务中心创酷空间"
    if labels_as_written:
        assert (two.time_label, two.place_label) == ("预赛时间", "预赛地点")
        assert three.place_label == "活动地址"
        assert eight.place_label == "比赛地点"

    assert three.place == "昆山前进东路科技广场（东创蒲公英）"
    assert three.place_kind == plan.VENUE_TEXT
    assert four.title == "SAE 2017 汽车智能与网联技术国际学术会议"
    assert (four.starts_on, four.ends_on) == (D(2017, 9, 25), D(2017, 9, 27))
    assert six.title == "举办沪昆 “新材料技术应用与创新” 产学研沙龙活动"

    assert seven.place == ""
    assert seven.place_kind == plan.ONLINE
    assert seven.content.startswith("对参加创业梦+就业桥的12位参赛选手进行采访")
    assert "网络投票" in seven.content
    assert (seven.starts_on, seven.ends_on) == (D(2017, 10, 10), D(2017, 10, 15))
    assert seven.warnings == ["未写明活动地点，按活动内容视为线上活动。"]

    assert eight.hosts == ["昆山市经济和信息化委员会", "昆山市人力资源和社会保障局", "昆山市总工会"]
    assert (eight.starts_on, eight.ends_on) == (D(2017, 10, 10), D(2017, 10, 13))

    assert (nine.place, nine.place_kind, nine.place_city) == ("广州", plan.OTHER_CITY, "广州")
    assert nine.warnings == ["活动地点在其他城市（广州），不在本市会场之列。"]

    for event in (two, three, four, six, eight):
        assert event.place_kind == plan.VENUE_TEXT
        assert event.warnings == []


def test_the_seed_plan_as_text(seed_text):
    assert_kunshan(parse_plan(seed_text))


def test_windows_line_ends_and_no_blank_lines_read_the_same(seed_text):
    compact = "\r\n".join(line for line in seed_text.splitlines() if line.strip())

    assert_kunshan(parse_plan(compact))


# -- .docx ---------------------------------------------------------------------------------------


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_of(lines) -> bytes:
    """One paragraph a line, as the office's Word file has the plan."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    return docx_bytes(document)


def split_at_items(lines):
    """(lines before the first item of 五、主要活动, the items' lines, the lines from 六 on)."""
    start = next(i for i, line in enumerate(lines) if line.startswith("（一）全国"))
    end = lines.index("六、活动宣传")
    return lines[:start], lines[start:end], lines[end:]


def test_the_seed_plan_as_docx_one_paragraph_a_line(seed_text):
    lines = seed_text.splitlines()
    content = docx_of(lines)

    text = read_plan_docx(content)

    assert text == "\n".join(lines)  # paragraph breaks (and blank paragraphs) kept
    assert_kunshan(parse_plan(text))
    assert read_plan_docx(io.BytesIO(content)) == text  # an uploaded file reads the same


def test_the_seed_plan_as_docx_with_the_items_in_a_table(seed_text):
    before, items, after = split_at_items(seed_text.splitlines())
    rows = []
    for line in items:
        if line.startswith("（"):
            rows.append([line])
        elif line.strip():
            rows[-1].append(line)
    document = docx.Document()
    for line in before:
        document.add_paragraph(line)
    table = document.add_table(rows=len(rows), cols=4)
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, line in zip(row.cells, cells, strict=True):
            cell.text = line
    for line in after:
        document.add_paragraph(line)

    text = read_plan_docx(docx_bytes(document))

    assert "（八）第一届昆山市工业机器人" in text  # cells come in document order, between the paragraphs
    assert text.index("五、主要活动") < text.index("（一）全国") < text.index("六、活动宣传")
    assert_kunshan(parse_plan(text))


def test_a_table_with_a_header_row_becomes_items(seed_text):
    """序号 | 活动名称 | 主办单位 | 活动时间 | 活动地点 | 活动内容, one event a row."""
    events = parse_plan(seed_text).events
    before, _items, after = split_at_items(seed_text.splitlines())
    header = ["序号", "活动名称", "主办单位", "活动时间", "活动地点", "活动内容"]
    document = docx.Document()
    for line in before:
        document.add_paragraph(line)
    table = document.add_table(rows=1 + len(events), cols=len(header))
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        cell.text = name
    for row, event in zip(table.rows[1:], events, strict=True):
        values = [
            str(event.number),
            event.title,
            "、".join(event.hosts),
            event.time_text,
            event.place,
            event.content,
        ]
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    for line in after:
        document.add_paragraph(line)

    draft = parse_plan(read_plan_docx(docx_bytes(document)))

    assert_kunshan(draft, labels_as_written=False)
    assert [event.time_label for event in draft.events] == ["活动时间"] * 9


def rebuilt(content: bytes, name: str, write) -> bytes:
    """``content`` with entry ``name`` rewritten by ``write(old_text, stream)``, deflated (as
    tests/events/test_importing_hostile.py builds its spreadsheet bomb)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == name:
                entry = zipfile.ZipInfo(name)
                entry.compress_type = zipfile.ZIP_DEFLATED
                with target.open(entry, "w") as stream:
                    write(source.read(name).decode("utf-8"), stream)
            else:
                target.writestr(info.filename, source.read(info.filename), zipfile.ZIP_DEFLATED)
    assert name in source.namelist()
    return buffer.getvalue()


def with_paragraph_run(size: int) -> bytes:
    """A plan whose one paragraph is ``size`` bytes of "A": small on disk, huge inflated."""

    def write(text, stream):
        before, after = text.split("PLACEHOLDER")
        stream.write(before.encode())
        for _ in range(size // MiB):
            stream.write(b"A" * MiB)
        stream.write(after.encode())

    return rebuilt(docx_of(["PLACEHOLDER"]), "word/document.xml", write)


def test_a_docx_zip_bomb_is_refused_before_it_is_parsed():
    bomb = with_paragraph_run(64 * MiB)
    assert len(bomb) < 200 * 1024

    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as refused:
            read_plan_docx(bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert refused.value.code == "too_large"
    assert refused.value.messages == ["文件解压后过大（超过 20 MB），已拒绝。"]
    assert peak < 50 * MiB, f"peak {peak / MiB:.1f} MiB"


def test_files_that_are_no_word_document_are_refused():
    workbook = openpyxl.Workbook()
    spreadsheet = io.BytesIO()
    workbook.save(spreadsheet)

    for content in (b"just some text\n" * 10, spreadsheet.getvalue()):
        with pytest.raises(ValidationError) as refused:
            read_plan_docx(content)
        assert refused.value.code == "not_docx"
        assert refused.value.messages == ["无法读取该文件，请上传 .docx 格式（Word 文档）的工作方案。"]


def test_xml_entities_in_a_docx_are_not_expanded():
    def write(text, stream):
        doctype = '<!DOCTYPE w:document [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        text = text.replace("<w:document", doctype + "<w:document", 1).replace("PLACEHOLDER", "&lol2;")
        stream.write(text.encode())

    assert "lol" not in read_plan_docx(rebuilt(docx_of(["PLACEHOLDER"]), "word/document.xml", write))


# -- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "year", "expected"),
    [
        ("2017年9月13日—17日", None, (D(2017, 9, 13), D(2017, 9, 17))),
        ("9月25日—27日", 2017, (D(2017, 9, 25), D(2017, 9, 27))),
        ("10月10日—15日", 2017, (D(2017, 10, 10), D(2017, 10, 15))),
        ("9月22日", 2017, (D(2017, 9, 22), D(2017, 9, 22))),
        ("9月25日", 2017, (D(2017, 9, 25), D(2017, 9, 25))),
        ("9月28日—10月2日", 2017, (D(2017, 9, 28), D(2017, 10, 2))),
        ("9月28日–10月2日", 2017, (D(2017, 9, 28), D(2017, 10, 2))),
        ("9月28日-10月2日", 2017, (D(2017, 9, 28), D(2017, 10, 2))),
        ("9月28日～10月2日", 2017, (D(2017, 9, 28), D(2017, 10, 2))),
        ("9月28日~10月2日", 2017, (D(2017, 9, 28), D(2017, 10, 2))),
        ("9月28日至10月2日", 2017, (D(2017, 9, 28), D(2017, 10, 2))),
        ("9月28日到10月2日", 2017, (D(2017, 9, 28), D(2017, 10, 2))),
        ("9月28日——10月2日", 2017, (D(2017, 9, 28), D(2017, 10, 2))),
        ("9月13—17日", 2017, (D(2017, 9, 13), D(2017, 9, 17))),
        ("９月２５日　—　２７日", 2017, (D(2017, 9, 25), D(2017, 9, 27))),
        ("２０１７年９月１３日－１７日", None, (D(2017, 9, 13), D(2017, 9, 17))),
        ("9 月 25 日", 2017, (D(2017, 9, 25), D(2017, 9, 25))),
        ("2017年9月15日—10月15日。", None, (D(2017, 9, 15), D(2017, 10, 15))),
        ("9月25日（周一）上午9:00—11:30", 2017, (D(2017, 9, 25), D(2017, 9, 25))),
        ("2017年12月30日—2018年1月2日", None, (D(2017, 12, 30), D(2018, 1, 2))),
        ("12月30日—1月2日", 2017, (D(2017, 12, 30), D(2018, 1, 2))),
        ("2017.9.28—10.2", None, (D(2017, 9, 28), D(2017, 10, 2))),
        ("2018年9月22日", 2017, (D(2018, 9, 22), D(2018, 9, 22))),  # the item's year wins
    ],
)
def test_dates_as_plans_write_them(written, year, expected):
    assert parse_date_range(written, year=year) == expected


def test_a_missing_year_is_the_one_that_puts_the_day_in_the_period():
    period = (D(2017, 12, 20), D(2018, 1, 10))

    assert parse_date_range("1月5日", year=2017, period=period) == (D(2018, 1, 5), D(2018, 1, 5))
    assert parse_date_range("12月28日", year=2017, period=period) == (D(2017, 12, 28), D(2017, 12, 28))


@pytest.mark.parametrize(
    ("written", "year"),
    [
        ("9月中旬", 2017),
        ("", 2017),
        ("另行通知", 2017),
        ("9月25日、27日", 2017),
        ("2月30日", 2017),
        ("9月28日—2日", 2017),
        ("9月22日", None),
    ],
)
def test_dates_that_cannot_be_read(written, year):
    with pytest.raises(ValueError):
        parse_date_range(written, year=year)


# -- places --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "content", "city", "expected"),
    [
        ("全市各区镇", "", "昆山", (plan.CITYWIDE, "")),
        ("全市", "", "昆山", (plan.CITYWIDE, "")),
        ("广州", "", "昆山", (plan.OTHER_CITY, "广州")),
        ("北京国家会议中心", "", "昆山", (plan.OTHER_CITY, "北京")),
        # 昆山 is a county-level city of 苏州: for a 昆山 plan, 苏州 is another city ...
        ("苏州工业园区", "", "昆山", (plan.OTHER_CITY, "苏州")),
        # ... unless the place is in 昆山 itself,
        ("苏州市昆山市登云路", "", "昆山", (plan.VENUE_TEXT, "")),
        # and for a 苏州 plan, 昆山 is its own ground.
        ("昆山市工业技术研究院", "", "苏州", (plan.VENUE_TEXT, "")),
        ("北京路88号", "", "昆山", (plan.VENUE_TEXT, "")),  # a street, not the city
        ("昆山金陵大饭店", "", "昆山", (plan.VENUE_TEXT, "")),
        ("", "通过网络投票形式进行集中宣传", "昆山", (plan.ONLINE, "")),
        ("线上直播", "", "昆山", (plan.ONLINE, "")),
        ("", "", "昆山", (plan.VENUE_TEXT, "")),
    ],
)
def test_place_kinds(place, content, city, expected):
    assert plan.guess_place_kind(place, content, city=city) == expected


# -- other layouts -------------------------------------------------------------------------------

MESSY = """\
２０１７年大众创业万众创新活动周昆山市工作方案
一、总体要求
（一）成果展示
围绕活动主题，集中展现双创成果。
二、活动主题：创梦新天地
三、活动时间：２０１７年９月１５日～１０月１５日
五、主要活动
各专题活动统一冠名：2017年双创活动周，各项活动自行增加副标题。
（一）全国 “科普日”   活动 1．主办单位:昆山市科技局
2．活动时间:２０１７年９月１３日 — １７日
3．活动地点:全市各区镇
(二)青年创业大赛
1、主办单位：昆山市人社局，昆山团市委
2、比赛时间：9 月 28 日至 10 月 2 日
3、比赛地点：苏州工业园区
（三）线上路演
主办单位：昆山市科技局
承办单位：昆山市创业协会、昆山市青年商会
活动时间：10月16日
活动内容：通过线上直播进行路演。
现场设问答环节。
（四）创业沙龙
活动时间：9月中旬
六、活动宣传
由市委宣传部牵头。
七、信息报送
活动周联系人：张三；信息报送联系人：李四；邮箱：office@example.cn；联系电话：0512－57303063。
各单位于活动结束当日17:30前报送。
抄送：市委办公室、
市人大常委会办公室。
"""


def test_a_messy_plan():
    draft = parse_plan(MESSY)

    assert draft.title == "２０１７年大众创业万众创新活动周昆山市工作方案"
    assert draft.theme == "创梦新天地"
    assert (draft.period_start, draft.period_end) == (D(2017, 9, 15), D(2017, 10, 15))
    assert draft.unified_title == "2017年双创活动周"
    assert (draft.office_contact, draft.report_contact) == ("张三", "李四")
    assert (draft.email, draft.phone) == ("office@example.cn", "0512-57303063")
    assert draft.deadline == dt.time(17, 30)
    assert draft.cc == ["市委办公室", "市人大常委会办公室"]
    assert [event.number for event in draft.events] == [1, 2, 3, 4]  # not 四's "（一）成果展示"
    one, two, three, four = draft.events

    assert one.title == "全国 “科普日” 活动"
    assert one.hosts == ["昆山市科技局"]
    assert (one.starts_on, one.ends_on) == (D(2017, 9, 13), D(2017, 9, 17))
    assert one.place_kind == plan.CITYWIDE

    assert two.hosts == ["昆山市人社局", "昆山团市委"]
    assert (two.time_label, two.place_label) == ("比赛时间", "比赛地点")
    assert (two.starts_on, two.ends_on) == (D(2017, 9, 28), D(2017, 10, 2))
    assert two.place_kind == plan.OTHER_CITY
    assert two.warnings == ["活动地点在其他城市（苏州），不在本市会场之列。"]

    assert three.undertakers == ["昆山市创业协会", "昆山市青年商会"]
    assert three.content == "通过线上直播进行路演。\n现场设问答环节。"
    assert three.place_kind == plan.ONLINE
    assert three.warnings == [
        "活动结束于方案活动时间之后（10月16日，方案至10月15日止）",
        "未写明活动地点，按活动内容视为线上活动。",
    ]

    assert four.starts_on is None
    assert four.warnings == ["未写明主办单位。", "无法识别活动时间：“9月中旬”。", "未写明活动地点。"]


def test_items_without_numbers_as_word_numbering_leaves_them():
    draft = parse_plan(
        "2017年双创活动周昆山市工作方案\n三、活动时间\n2017年9月15日—10月15日\n五、主要活动\n"
        "各专题活动统一冠名：2017年双创活动周。\n"
        "全国“科普日”活动\n主办单位：昆山市科技局\n活动时间：9月16日\n活动地点：全市各区镇\n\n"
        "孵化基地创业孵化培训会\n主办单位：昆山市人社局\n活动时间：9月23日\n活动内容：培训。\n讲座两场。\n"
        "创业沙龙\n主办单位：昆山市科技局\n活动时间：9月25日\n活动地点：昆山市工业技术研究院\n"
        "六、活动宣传\n"
    )

    assert [(event.number, event.title) for event in draft.events] == [
        (1, "全国“科普日”活动"),
        (2, "孵化基地创业孵化培训会"),
        (3, "创业沙龙"),
    ]
    assert draft.events[1].content == "培训。\n讲座两场。"
    assert draft.warnings == []


def test_a_plan_without_its_parts_says_what_is_missing():
    draft = parse_plan("一段没有结构的文字。")

    assert draft.events == []
    assert draft.warnings == [
        "未找到方案标题（以“方案”结尾的一行）。",
        "未找到方案的活动时间（如“三、活动时间”）。",
        "未找到“主要活动”部分，没有读取到活动。",
    ]


def test_gaps_in_the_item_numbers_are_flagged():
    draft = parse_plan(
        "某市工作方案\n三、活动时间\n2017年9月15日—10月15日\n五、主要活动\n"
        "（一）甲\n主办单位：甲局\n活动时间：9月16日\n活动地点：甲地\n"
        "（三）丙\n主办单位：丙局\n活动时间：9月17日\n活动地点：丙地\n"
    )

    assert [event.number for event in draft.events] == [1, 3]
    assert draft.warnings == ["活动编号不连续，请核对是否漏项或重复。"]


def test_warnings_follow_the_language(seed_text):
    with override("en"):
        draft = parse_plan(seed_text)

    assert draft.events[8].warnings == [
        "The event takes place in another city (广州), not at one of this city's venues."
    ]


def test_a_table_of_label_and_value_rows():
    document = docx.Document()
    for line in ("某市工作方案", "三、活动时间", "2017年9月15日—10月15日", "五、主要活动", "（一）创业沙龙"):
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=2)
    for row, values in zip(
        table.rows, [("主办单位", "甲局、乙局"), ("活动时间", "9月25日"), ("活动地点", "上海")], strict=True
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value

    (event,) = parse_plan(read_plan_docx(docx_bytes(document))).events

    assert (event.title, event.hosts, event.starts_on) == ("创业沙龙", ["甲局", "乙局"], D(2017, 9, 25))
    assert (event.place_kind, event.place_city) == (plan.OTHER_CITY, "上海")
