"""Importing the city's plan (工作方案) on the office's page: the 昆山 2017 plan as text and as a
.docx, previewed with every warning, confirmed into the week, its units and nine events;
cancelled without a trace; imported again without duplicates; refused to anyone but the office.
"""

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.public_cache import changed_events_between, public_version
from events import services
from events.models import Event, EventPartner, EventStatusChange, Organizer, Week
from events.plan import parse_plan
from events.selectors.plans import guess_form, guess_unit_kind, plan_outcome, tidy_title
from events.views.review import PLAN_SESSION_KEY
from tests import factories
from venues.models import Venue

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent.parent / "data" / "plans" / "kunshan_2017.txt"
ZONE = ZoneInfo("Asia/Shanghai")
URL = "/review/events/import/plan/"
JINGXIN, RENSHE, GONGHUI = "昆山市经济和信息化委员会", "昆山市人力资源和社会保障局", "昆山市总工会"


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8")


def seed_docx(text: str) -> bytes:
    """The plan as the office's Word file has it: one paragraph a line."""
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def city(week):
    """The current week (another period), two of the plan's units and a venue named as event 四's place."""
    factories.organizer(name="昆山市人社局")
    factories.organizer(name="昆山市科技局")
    factories.venue(name="昆山金陵大饭店")
    return week


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Event, EventPartner, EventStatusChange, Organizer, Week, Venue)
    }


def preview(client, seed_text, how: str, target: str = "current"):
    if how == "docx":
        data = {"file": SimpleUploadedFile("方案.docx", seed_docx(seed_text)), "text": ""}
    else:
        data = {"text": seed_text}
    return client.post(URL, {**data, "target": target})


def confirm(client, numbers=range(1, 10)):
    return client.post(URL, {"confirm": "1", "events": [str(n) for n in numbers]})


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(ZONE).replace(tzinfo=None)


def by_title(week: Week) -> dict[str, Event]:
    return {event.subtitle: event for event in Event.objects.filter(week=week)}


def assert_imported(week: Week) -> None:
    """What the issue's acceptance list asks of the 昆山 plan once imported."""
    week.refresh_from_db()
    assert (week.starts_on, week.ends_on) == (dt.date(2017, 9, 15), dt.date(2017, 10, 15))
    assert week.unified_title == "2017年全国大众创业万众创新活动周暨“创响江苏”活动月"
    assert week.theme == "创梦新天地，发展新经济；创客新天堂，培育新动能"
    assert (week.office_contact_name, week.report_contact_name) == ("陈莉", "胡丹")
    assert (week.office_email, week.office_phone) == ("kunshangyk@163.com", "57303063")
    assert week.copy_to.startswith("市委办公室，市人大常委会办公室") and week.copy_to.endswith("各群众团体")
    assert week.deadline_time == dt.time(16, 0)

    events = Event.objects.filter(week=week).order_by("starts_at", "id")
    assert events.count() == 9
    assert {event.status for event in events} == {Event.Status.APPROVED}
    titles = by_title(week)
    one = titles["全国“科普日”活动"]
    seven = titles["开展创业典型专题宣传"]
    eight = next(event for title, event in titles.items() if title.startswith("第一届昆山市工业机器人"))
    nine = next(event for title, event in titles.items() if "创客中国" in title)
    four = titles["SAE 2017 汽车智能与网联技术国际学术会议"]

    assert [unit.name for unit in eight.hosts] == [JINGXIN, RENSHE, GONGHUI]
    assert [(p.role, p.organizer.name, p.may_report) for p in eight.partners.order_by("order")] == [
        ("host", RENSHE, True),
        ("host", GONGHUI, True),
    ]
    assert eight.form == Event.Form.CONTEST and eight.place_kind == Event.PlaceKind.PLACE
    assert (nine.place_kind, nine.venue, nine.place) == (Event.PlaceKind.ELSEWHERE, None, "广州")
    assert (seven.place_kind, seven.venue, seven.place) == (Event.PlaceKind.ONLINE, None, "")
    assert (local(seven.starts_at), local(seven.ends_at)) == (
        dt.datetime(2017, 10, 10, 9),
        dt.datetime(2017, 10, 15, 17),
    )
    assert "网络投票" in seven.description
    assert one.starts_before_period
    assert (local(one.starts_at), local(one.ends_at)) == (
        dt.datetime(2017, 9, 13, 9),
        dt.datetime(2017, 9, 17, 17),
    )
    assert (one.place_kind, one.place) == (Event.PlaceKind.PLACE, "全市各区镇")
    assert (four.place_kind, four.venue.name) == (Event.PlaceKind.VENUE, "昆山金陵大饭店")
    assert len({event.import_key for event in events}) == 9
    assert list(one.history.values_list("from_status", "to_status")) == [("", "draft"), ("draft", "approved")]


@pytest.mark.parametrize("how", ["text", "docx"])
def test_the_seed_plan_is_previewed_then_imported(client, reviewer, city, seed_text, how):
    client.force_login(reviewer)
    before = counts()

    response = preview(client, seed_text, how)

    assert response.status_code == 200
    html = response.content.decode()
    # Every warning the office must see, and nothing saved yet.
    for text in (
        "活动开始于方案活动时间之前（9月13日，方案自9月15日起）",
        "活动周前已开始",
        "活动地点在其他城市（广州）",
        "按外地活动导入",
        "未写明活动地点，按活动内容视为线上活动。",
        "本市会场中没有“昆山市登云科技职业学院有限公司”",
        "共 3 个主办单位",
        "将新建单位：昆山开发区（区镇）",
        "09:00–17:00",
        "陈莉",
        "kunshangyk@163.com",
        "57303063",
        "2017-09-15 至 2017-10-15",
    ):
        assert text in html, text
    assert html.count('name="events"') == 9
    assert counts() == before
    assert client.session[PLAN_SESSION_KEY]["week"] == city.pk

    response = confirm(client)

    assert response.status_code == 302 and response["Location"] == reverse("review_events:list")
    assert_imported(city)
    assert Week.objects.count() == 1
    created = set(Organizer.objects.values_list("name", flat=True)) - {"昆山市人社局", "昆山市科技局"}
    assert created == {"昆山开发区", "昆山市自主创业者联谊会", JINGXIN, RENSHE, GONGHUI}
    assert Organizer.objects.get(name="昆山市自主创业者联谊会").kind == Organizer.Kind.ASSOCIATION
    assert Organizer.objects.get(name="昆山开发区").kind == Organizer.Kind.DISTRICT
    assert PLAN_SESSION_KEY not in client.session
    # The office sees event 一's flag on its list.
    listing = client.get(reverse("review_events:list")).content.decode()
    assert listing.count("活动周前已开始") == 1


def test_cancel_saves_nothing(client, reviewer, city, seed_text):
    client.force_login(reviewer)
    before = counts()
    week_before = Week.objects.values().get(pk=city.pk)
    preview(client, seed_text, "text")

    response = client.post(URL, {"cancel": "1"})

    assert response.status_code == 302
    assert PLAN_SESSION_KEY not in client.session
    # A confirm after the cancel (another tab) finds nothing to import.
    confirm(client)
    assert counts() == before
    assert Week.objects.values().get(pk=city.pk) == week_before


def test_a_second_import_creates_nothing_new(client, reviewer, city, seed_text):
    client.force_login(reviewer)
    preview(client, seed_text, "text")
    confirm(client)
    after_first = counts()

    response = preview(client, seed_text, "docx")

    html = response.content.decode()
    assert html.count('data-action="unchanged"') == 9
    confirm(client)
    assert counts() == after_first
    assert_imported(city)


def test_the_public_pages_are_told_once_per_import_that_changes_something(
    reviewer, city, seed_text, django_capture_on_commit_callbacks
):
    before = public_version()

    with django_capture_on_commit_callbacks(execute=True):
        services.plan_apply(draft=parse_plan(seed_text), week=city, by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_apply(draft=parse_plan(seed_text), week=city, by=reviewer)

    assert public_version() == before + 1  # the second import changed nothing
    # The bump names the events it published: a process holding the week's rows reads only them.
    assert changed_events_between(before, before + 1) == set(
        Event.objects.public().values_list("pk", flat=True)
    )


def test_a_revised_plan_names_the_events_it_updated_to_the_public_pages(
    reviewer, city, seed_text, django_capture_on_commit_callbacks
):
    services.plan_apply(draft=parse_plan(seed_text), week=city, by=reviewer)
    revised = seed_text.replace("2. 活动时间：9月23日", "2. 活动时间：9月24日")
    before = public_version()

    with django_capture_on_commit_callbacks(execute=True):
        result = services.plan_apply(draft=parse_plan(revised), week=city, by=reviewer)

    assert len(result.updated) == 1
    assert public_version() == before + 1
    assert changed_events_between(before, before + 1) == {result.updated[0].pk}


def test_a_revised_plan_updates_its_events_and_keeps_what_the_units_edited(reviewer, city, seed_text):
    draft = parse_plan(seed_text)
    services.plan_apply(draft=draft, week=city, by=reviewer)
    three = Event.objects.get(subtitle="孵化基地创业孵化培训会")
    three.starts_at = dt.datetime(2017, 9, 23, 9, 30, tzinfo=ZONE)
    three.ends_at = dt.datetime(2017, 9, 23, 16, tzinfo=ZONE)
    three.subtitle = "孵化基地创业孵化培训会（第二期）"
    three.contact_name = "李娜"
    three.save()
    revised = seed_text.replace("2. 活动时间：9月23日", "2. 活动时间：9月24日").replace(
        "3. 活动地点：广州", "3. 活动地点：深圳"
    )

    outcome = plan_outcome(draft=parse_plan(revised), week=city)
    actions = {event.number: (event.action, event.changes) for event in outcome.events}
    assert actions[3] == ("update", ["时间"])
    assert actions[9] == ("update", ["地点"])
    assert actions[1] == ("unchanged", [])
    before = counts()
    result = services.plan_apply(draft=parse_plan(revised), week=city, by=reviewer)

    assert (len(result.created), len(result.updated)) == (0, 2)
    assert counts() == before
    three.refresh_from_db()
    # Another day, the same times of day; the unit's subtitle and contact stay; the public sees "有变更".
    assert (local(three.starts_at), local(three.ends_at)) == (
        dt.datetime(2017, 9, 24, 9, 30),
        dt.datetime(2017, 9, 24, 16),
    )
    assert (three.subtitle, three.contact_name) == ("孵化基地创业孵化培训会（第二期）", "李娜")
    assert three.changed_at is not None
    nine = Event.objects.get(subtitle__contains="创客中国")
    assert (nine.place_kind, nine.place) == (Event.PlaceKind.ELSEWHERE, "深圳")


def test_a_new_week_becomes_the_current_one_unpublished(client, reviewer, city, seed_text):
    client.force_login(reviewer)
    html = preview(client, seed_text, "text", target="new").content.decode()
    assert "活动周：将新建" in html

    confirm(client)

    city.refresh_from_db()
    new = Week.objects.exclude(pk=city.pk).get()
    assert (new.is_current, new.is_published, city.is_current) == (True, False, False)
    assert new.name == "2017年全国大众创业万众创新活动周暨“创响江苏”活动月苏州分会场昆山市"
    assert_imported(new)
    assert not Event.objects.filter(week=city).exists()


def test_only_the_ticked_events_are_imported(client, reviewer, city, seed_text):
    client.force_login(reviewer)
    preview(client, seed_text, "text")

    confirm(client, numbers=[1, 8])

    assert sorted(Event.objects.values_list("subtitle", flat=True)) == [
        "全国“科普日”活动",
        "第一届昆山市工业机器人技术应用技能大赛暨第三届技能英才周苏州工业机器人技能状元选拔赛",
    ]
    # Units are created for the events imported only.
    assert not Organizer.objects.filter(name="昆山市自主创业者联谊会").exists()
    assert Organizer.objects.filter(name=GONGHUI).exists()


def test_an_item_that_cannot_be_imported_is_shown_and_refused(client, reviewer, city, seed_text):
    broken = seed_text.replace("2. 活动时间：9月23日", "2. 活动时间：另行通知").replace(
        "3. 活动地点：昆山金陵大饭店", "3. 活动地点：昆山金陵大饭店\n4. 承办单位：昆山开发区"
    )
    client.force_login(reviewer)
    before = counts()

    html = preview(client, broken, "text").content.decode()

    assert html.count('data-action="error"') == 2
    assert "没有可识别的活动时间，无法导入。" in html and "主办单位不必再列为承办或协办单位。" in html
    assert 'value="3" id="plan-event-3" aria-label="导入（三）" disabled' in html
    response = confirm(client)
    assert response.status_code == 200
    assert "（三）孵化基地创业孵化培训会：没有可识别的活动时间" in response.content.decode()
    assert counts() == before
    # The others go in without them.
    confirm(client, numbers=[1, 2, 5, 6, 7, 8, 9])
    assert Event.objects.count() == 7


def test_an_event_ending_after_the_period_is_refused(reviewer, city, seed_text):
    late = seed_text.replace("2. 活动时间：10月10日—15日", "2. 活动时间：10月10日—20日")

    outcome = plan_outcome(draft=parse_plan(late), week=city)

    seven = outcome.events[6]
    assert seven.action == "error" and "结束时间须在活动周" in seven.errors[0]
    assert "活动结束于方案活动时间之后" in " ".join(seven.warnings)


def test_a_plan_without_a_period_cannot_make_a_week(reviewer, seed_text):
    no_period = seed_text.replace("2017年9月15日—10月15日。", "另行通知。")

    outcome = plan_outcome(draft=parse_plan(no_period), week=None)

    assert not outcome.can_import
    with pytest.raises(Exception, match="无法新建活动周"):
        services.plan_apply(draft=parse_plan(no_period), week=None, by=reviewer)
    assert not Week.objects.exists()


def test_a_file_that_is_no_word_document_is_refused(client, reviewer, city):
    client.force_login(reviewer)

    as_xlsx = client.post(URL, {"file": SimpleUploadedFile("plan.xlsx", b"PK"), "target": "current"})
    not_docx = client.post(URL, {"file": SimpleUploadedFile("plan.docx", b"not a zip"), "target": "current"})
    nothing = client.post(URL, {"target": "current"})

    assert "请上传 .docx 格式的 Word 文档" in as_xlsx.content.decode()
    assert "无法读取该文件" in not_docx.content.decode()
    assert "请上传方案文件，或粘贴方案全文。" in nothing.content.decode()
    assert PLAN_SESSION_KEY not in client.session


def test_the_xlsx_import_page_links_to_the_plan_import(client, reviewer, city):
    client.force_login(reviewer)

    html = client.get(reverse("review_events:import")).content.decode()

    assert reverse("review_events:import_plan") in html


def test_only_the_office_may_import_a_plan(client, city, seed_text):
    member = factories.member(factories.organizer())
    before = counts()

    anonymous = client.post(URL, {"text": seed_text, "target": "current"})
    client.force_login(member)
    get = client.get(URL)
    post = client.post(URL, {"text": seed_text, "target": "current"})
    confirmed = client.post(URL, {"confirm": "1", "events": ["1"]})

    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert (get.status_code, post.status_code, confirmed.status_code) == (403, 403, 403)
    assert counts() == before


@pytest.mark.parametrize(
    ("title", "form"),
    [
        ("昆山市第二届 “创业梦+就业桥” 青年创业大赛", "contest"),
        ("SAE 2017 汽车智能与网联技术国际学术会议", "forum"),
        ("孵化基地创业孵化培训会", "service"),
        ("全国 “科普日” 活动", "culture"),
        ("双创项目路演", "roadshow"),
        ("双创成果展示", "exhibition"),
    ],
)
def test_the_form_is_guessed_from_the_title(title, form):
    assert guess_form(title) == form


def test_unit_kinds_and_titles():
    assert guess_unit_kind("昆山市总工会") == "government"
    assert guess_unit_kind("昆山高新区管委会") == "district"
    assert guess_unit_kind("昆山市登云科技职业学院") == "academic"
    assert tidy_title("活动周暨 “创响江苏” 活动月") == "活动周暨“创响江苏”活动月"
    assert tidy_title("SAE 2017 汽车\n会议") == "SAE 2017 汽车 会议"


def test_the_preview_in_english(client, reviewer, city, seed_text):
    client.force_login(reviewer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = preview(client, seed_text, "text").content.decode()

    assert "Events (9)" in html and "Week: the current week" in html
    assert "9 host units" not in html and "3 host units" in html


def test_a_new_unit_named_like_an_existing_one_is_pointed_out_beside_the_units_to_create(
    client, reviewer, city, seed_text
):
    Organizer.objects.create(name="昆山开发区管委会", kind=Organizer.Kind.DISTRICT)
    client.force_login(reviewer)

    html = preview(client, seed_text, "text").content.decode()

    line = html.split('class="small plan-new-units"', 1)[1].split("</p>", 1)[0]
    assert "昆山开发区" in line and "平台上已有相近的“昆山开发区管委会”" in line
