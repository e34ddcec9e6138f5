"""Jury scoring: jurors invited by link, scores saved one by one and idempotently (a late
resend never overwrites a newer score), conflicts, locking on submit, the organizer's live
ranking (never the jurors'), publishing, and the exports (.docx per juror, .xlsx results)."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from contests import services
from contests.models import Juror, Score
from tests.contests import factories as contest_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(contest):
    """A round with four criteria (30/30/20/20), three entrants and five jurors."""
    round_ = contest_factories.round_(contest=contest, trimmed_mean=True)
    criteria = contest_factories.criteria(round_)
    entries = [contest_factories.entry(contest=contest, name=name) for name in ("甲项目", "乙项目", "丙项目")]
    contest_factories.lineup(round_, entries)
    jurors = [contest_factories.juror(round_=round_) for _ in range(5)]
    return round_, criteria, entries, jurors


def enter(client, juror):
    response = client.get(reverse("jury:enter", args=[services.juror_link_token(juror)]))
    assert response.status_code == 302
    return response


def post_score(client, juror, entry, criterion, value, seq):
    return client.post(
        reverse("jury:score", args=[juror.pk, entry.pk]),
        json.dumps({"criterion": criterion.pk, "value": str(value), "seq": seq}),
        content_type="application/json",
    )


def test_the_link_opens_the_jurors_entrants_in_running_order(client, panel):
    round_, criteria, entries, jurors = panel
    response = enter(client, jurors[0])
    assert response["Location"] == reverse("jury:lineup", args=[jurors[0].pk])
    page = client.get(response["Location"]).content.decode()
    assert page.index("甲项目") < page.index("乙项目") < page.index("丙项目")
    # Another juror's pages stay closed to this browser.
    assert client.get(reverse("jury:lineup", args=[jurors[1].pk])).status_code == 404


def test_a_renewed_link_shuts_the_old_browser_out(client, panel):
    juror = panel[3][0]
    enter(client, juror)
    services.juror_link_renew(juror=juror, by=None)
    assert client.get(reverse("jury:lineup", args=[juror.pk])).status_code == 404
    old = services.juror_link_token(Juror(pk=juror.pk, link_generation=1))
    assert client.get(reverse("jury:enter", args=[old])).status_code == 410


def test_each_score_is_saved_idempotently_and_the_newest_change_wins(client, panel):
    round_, criteria, entries, jurors = panel
    juror, entry, criterion = jurors[0], entries[0], criteria[0]
    enter(client, juror)

    first = post_score(client, juror, entry, criterion, "25", 1000)
    again = post_score(client, juror, entry, criterion, "25", 1000)  # the same change resent
    newer = post_score(client, juror, entry, criterion, "27.5", 2000)
    late = post_score(client, juror, entry, criterion, "20", 1500)  # an older change arriving late

    assert first.json() == {"ok": True, "value": "25.00", "seq": 1000, "applied": True}
    assert again.json()["applied"] is True
    assert newer.json()["value"] == "27.50"
    assert late.status_code == 200 and late.json() == {
        "ok": True,
        "value": "27.50",
        "seq": 2000,
        "applied": False,
    }
    assert list(Score.objects.values_list("value", "seq")) == [(Decimal("27.50"), 2000)]


def test_out_of_range_scores_and_foreign_entrants_are_refused(client, contest, panel):
    round_, criteria, entries, jurors = panel
    juror = jurors[0]
    outsider = contest_factories.entry(contest=contest)
    enter(client, juror)
    assert post_score(client, juror, entries[0], criteria[2], "21", 1).status_code == 400  # 团队: out of 20
    assert post_score(client, juror, entries[0], criteria[2], "-1", 2).status_code == 400
    assert post_score(client, juror, outsider, criteria[0], "10", 3).status_code == 404
    assert not Score.objects.exists()


def test_a_juror_of_one_track_sees_only_that_tracks_entrants(client, contest, panel):
    round_, criteria, entries, jurors = panel
    team = contest.tracks.get(name="团队组")
    other = contest_factories.entry(contest=contest, track=team, name="团队项目")
    contest_factories.lineup(round_, [other])
    panel_juror = contest_factories.juror(round_=round_, track=team)
    enter(client, panel_juror)
    page = client.get(reverse("jury:lineup", args=[panel_juror.pk])).content.decode()
    assert "团队项目" in page and "甲项目" not in page
    assert client.get(reverse("jury:sheet", args=[panel_juror.pk, entries[0].pk])).status_code == 404


def test_a_declared_conflict_excludes_the_jurors_scores_of_that_entrant(client, panel):
    round_, criteria, entries, jurors = panel
    for juror in jurors:
        contest_factories.scores(
            juror, entries[0], {"技术创新": 20, "市场前景": 20, "团队": 10, "路演表现": 10}
        )
    contest_factories.scores(jurors[0], entries[0], {})
    Score.objects.filter(juror=jurors[0]).update(value=Decimal(30))  # the friend gives full marks...
    enter(client, jurors[0])
    client.post(
        reverse("jury:conflict", args=[jurors[0].pk, entries[0].pk]),
        {"conflict": "on", "conflict_note": "曾任顾问"},
    )

    from contests.selectors.ranking import round_ranking

    ranked = {item.entry.pk: item for item in round_ranking(round_=round_).entrants}
    row = ranked[entries[0].pk].row
    assert row.excluded[jurors[0].pk] == "conflict"
    assert row.total == 60  # ...and it does not count (four jurors: no trimming)
    assert post_score(client, jurors[0], entries[0], criteria[0], "1", 99).status_code == 409


def test_submitting_locks_the_scores_until_the_organizer_reopens(client, panel, organizer_member):
    round_, criteria, entries, jurors = panel
    juror = jurors[0]
    enter(client, juror)
    client.post(reverse("jury:submit", args=[juror.pk]))
    juror.refresh_from_db()
    assert juror.submitted_at is None  # nothing scored yet: refused with the missing entrants

    for entry in entries:
        contest_factories.scores(juror, entry, {"技术创新": 20, "市场前景": 20, "团队": 15, "路演表现": 15})
    client.post(reverse("jury:submit", args=[juror.pk]))
    juror.refresh_from_db()
    assert juror.submitted_at is not None
    assert post_score(client, juror, entries[0], criteria[0], "1", 10**15).status_code == 409

    # The sheet works without JavaScript too, and says it is locked.
    response = client.post(
        reverse("jury:sheet", args=[juror.pk, entries[0].pk]), {f"c_{criteria[0].pk}": "5"}
    )
    assert response.status_code == 302
    assert Score.objects.get(juror=juror, entry=entries[0], criterion=criteria[0]).value == 20

    services.juror_reopen(juror=juror, by=organizer_member)
    assert post_score(client, juror, entries[0], criteria[0], "1", 10**15).status_code == 200


def test_the_sheet_posted_without_javascript_saves_every_score(client, panel):
    round_, criteria, entries, jurors = panel
    juror = jurors[1]
    enter(client, juror)
    data = {f"c_{c.pk}": value for c, value in zip(criteria, ["25", "22.5", "16", "18"], strict=True)}
    response = client.post(
        reverse("jury:sheet", args=[juror.pk, entries[0].pk]), {**data, "comment": "商业模式清晰"}
    )
    assert response["Location"] == reverse("jury:sheet", args=[juror.pk, entries[1].pk])
    assert sorted(Score.objects.filter(juror=juror).values_list("value", flat=True)) == [
        16,
        18,
        Decimal("22.5"),
        25,
    ]
    assert juror.assessments.get().comment == "商业模式清晰"


def test_ranking_with_five_jurors_uses_the_trimmed_mean_and_is_for_organizers_only(
    client, panel, organizer_member
):
    round_, criteria, entries, jurors = panel
    totals = {entries[0]: [90, 70, 80, 85, 60], entries[1]: [75] * 5, entries[2]: [70, 70, 70, 70, 100]}
    for entry, values in totals.items():
        for juror, total in zip(jurors, values, strict=True):
            contest_factories.scores(
                juror,
                entry,
                {
                    "技术创新": total * 0.3,
                    "市场前景": total * 0.3,
                    "团队": total * 0.2,
                    "路演表现": total * 0.2,
                },
            )
    client.force_login(organizer_member)
    ranked = client.get(reverse("contests:ranking", args=[round_.pk])).context["ranked"]
    assert [(item.entry.name, item.row.rank, str(item.total)) for item in ranked.entrants] == [
        ("甲项目", 1, "78.33"),  # (70 + 80 + 85) / 3
        ("乙项目", 2, "75.00"),
        ("丙项目", 3, "70.00"),  # 100 dropped
    ]
    # No juror page shows a ranking or another juror's scores.
    client.logout()
    enter(client, jurors[0])
    for url in (
        reverse("jury:lineup", args=[jurors[0].pk]),
        reverse("jury:sheet", args=[jurors[0].pk, entries[0].pk]),
        reverse("contests:ranking", args=[round_.pk]),
    ):
        page = client.get(url).content.decode()
        assert "78.33" not in page and "名次" not in page


def test_results_are_published_when_every_juror_submitted_and_stay_as_published(
    client, contest, panel, organizer_member
):
    round_, criteria, entries, jurors = panel
    client.force_login(organizer_member)
    for juror in jurors:
        for entry in entries:
            contest_factories.scores(
                juror, entry, {"技术创新": 20, "市场前景": 20, "团队": 15, "路演表现": 15}
            )
    results_url = reverse("contest:results", args=[contest.slug, round_.pk])
    assert client.get(results_url).status_code == 404

    client.post(reverse("contests:publish", args=[round_.pk]))
    round_.refresh_from_db()
    assert not round_.results_are_published  # jurors have not submitted

    for juror in jurors:
        services.juror_submit(juror=juror)
    client.post(reverse("contests:publish", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.results_are_published and [row["total"] for row in round_.results] == ["70.00"] * 3
    client.logout()
    page = client.get(results_url).content.decode()
    assert "甲项目" in page and "70.00" in page and "13800000000" not in page
    # Published results stay as published even if someone meddles with the scores later.
    Score.objects.update(value=0)
    assert "70.00" in client.get(results_url).content.decode()


def test_exports_a_signed_score_sheet_per_juror_and_the_results(client, panel, organizer_member):
    round_, criteria, entries, jurors = panel
    juror = jurors[0]
    contest_factories.scores(juror, entries[0], {"技术创新": 25, "市场前景": 24, "团队": 16, "路演表现": 18})
    services.assessment_save(juror=juror, entry=entries[1], conflict=True, conflict_note="亲属")
    client.force_login(organizer_member)

    response = client.get(reverse("contests:juror_sheet", args=[juror.pk]))
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.content))
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0][:3] == ["出场", "项目名称", "技术创新（30）"]
    assert rows[1] == ["1", "甲项目", "25", "24", "16", "18", "83.00", ""]
    assert rows[2][-2:] == ["回避", "亲属"]
    assert any("评委签字" in paragraph.text for paragraph in document.paragraphs)

    response = client.get(reverse("contests:results_xlsx", args=[round_.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[2]]
    assert header[:8] == [
        "名次",
        "出场顺序",
        "序号",
        "项目名称",
        "组别",
        "企业或团队名称",
        "最终得分",
        "计入评委数",
    ]
    first = [cell.value for cell in sheet[3]]
    assert first[3] == "甲项目" and first[6] == 83 and first[8] == 83
