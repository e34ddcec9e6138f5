"""The week summary renders the sections other apps register in ``core.summary_sections``
(page and .docx) without knowing those apps: here a provider of the test's own."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from core import summary_sections
from core.summary_sections import SummarySection, SummaryTable
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_a_test_provider(monkeypatch):
    calls = []

    def provider(*, week, now):
        calls.append((week, now))
        return [
            SummarySection(
                key="garden",
                heading="试验田",
                paragraphs=["本周共种下 3 棵树。"],
                tables=[
                    SummaryTable(
                        caption="树（按品种）",
                        headers=["品种", "棵"],
                        rows=[["银杏", 2], ["香樟", 1]],
                        total=["合计", 3],
                    )
                ],
            )
        ]

    monkeypatch.setattr(summary_sections, "_providers", {})
    summary_sections.register("garden", provider)
    return calls


def test_registered_sections_appear_on_the_week_page_and_in_the_docx(week, only_a_test_provider):
    client = Client()
    client.force_login(factories.observer())

    html = client.get(reverse("board:summary")).content.decode()
    document = Document(io.BytesIO(client.get(reverse("board:summary_docx")).content))

    assert 'id="summary-garden"' in html and "试验田" in html and "本周共种下 3 棵树。" in html
    assert "<caption" in html and "树（按品种）" in html and '<th scope="row">香樟</th><td>1</td>' in html
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts.index("四、试验田") < texts.index("树（按品种）") < texts.index("五、统计口径")
    grid = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
    assert grid == [["品种", "棵"], ["银杏", "2"], ["香樟", "1"], ["合计", "3"]]
    assert [called_week for called_week, _now in only_a_test_provider] == [week, week]


def test_no_registered_section_leaves_the_summary_as_it_was(week, monkeypatch):
    monkeypatch.setattr(summary_sections, "_providers", {})
    client = Client()
    client.force_login(factories.office_user())

    html = client.get(reverse("board:summary")).content.decode()
    document = Document(io.BytesIO(client.get(reverse("board:summary_docx")).content))

    assert "summary-extra" not in html
    assert "四、统计口径" in [paragraph.text for paragraph in document.paragraphs]
