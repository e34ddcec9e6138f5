"""The 承办/协办 unit pickers: the form marks its multi-selects for static/js/unit_picker.js and
carries the picker's texts in the page's language; the library it needs is vendored and
served from our own static files, never from a CDN (intranets reach none)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from events.forms import EventForm, UnitPicker

pytestmark = pytest.mark.django_db

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "tom-select"
VENDORED = ["tom-select.complete.min.js", "tom-select.bootstrap5.min.css"]
PICKERS = ("undertakers", "co_organizers")


def _rendered(member, week, field: str) -> str:
    return str(EventForm(user=member, week=week)[field])


@pytest.mark.parametrize("field", PICKERS)
def test_the_unit_fields_render_the_pickers_data_attributes(member, week, field):
    html = _rendered(member, week, field)

    assert isinstance(EventForm.base_fields[field].widget, UnitPicker)
    assert re.search(r"<select [^>]*\bmultiple\b", html), "without JavaScript: a plain multi-select"
    for attribute in (
        "data-unit-picker",
        'data-unit-picker-host="host"',
        'data-placeholder="输入单位名称搜索"',
        'data-no-results="无匹配单位"',
        'data-remove-label="移除"',
    ):
        assert attribute in html


def test_the_pickers_texts_follow_the_language(member, week):
    with translation.override("en"):
        html = _rendered(member, week, "undertakers")

    assert 'data-placeholder="Type a unit&#x27;s name to search"' in html
    assert 'data-no-results="No matching unit"' in html
    assert 'data-remove-label="Remove"' in html


def test_the_library_is_vendored_with_its_licence_and_version_note():
    for name in [*VENDORED, "LICENSE"]:
        assert (VENDOR / name).is_file(), name
        assert finders.find(f"vendor/tom-select/{name}"), name
    # The production storage follows each sourceMappingURL: the maps must be there too.
    for name in VENDORED:
        assert (VENDOR / f"{name}.map").is_file()
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    version = re.search(r"Tom Select v(\d+\.\d+\.\d+)", (VENDOR / VENDORED[0]).read_text()[:300]).group(1)
    notes = (VENDOR.parent / "README.md").read_text()
    assert f"| `tom-select/` | [Tom Select](https://tom-select.js.org/) | {version} |" in notes
    assert "url(http" not in (VENDOR / VENDORED[1]).read_text(), "the CSS fetches nothing from outside"


@pytest.mark.parametrize("url_name", ["organizer:event_create", "organizer:event_edit"])
def test_the_event_form_loads_the_picker_from_our_static_files_only(client, member, draft, url_name):
    client.force_login(member)
    url = reverse(url_name, args=[draft.pk] if url_name.endswith("edit") else [])

    page = client.get(url).content.decode()

    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', page)
    sheets = re.findall(r'<link[^>]*\shref="([^"]+)"', page)
    assert f"{settings.STATIC_URL}vendor/tom-select/tom-select.complete.min.js" in sources
    assert f"{settings.STATIC_URL}vendor/tom-select/tom-select.bootstrap5.min.css" in sheets
    # The library before the script that uses it.
    assert sources.index(f"{settings.STATIC_URL}js/unit_picker.js") > sources.index(
        f"{settings.STATIC_URL}vendor/tom-select/tom-select.complete.min.js"
    )
    assert not [ref for ref in sources + sheets if re.match(r"(https?:)?//", ref)]
    # CSP allows no inline script: every <script> has a src and no body.
    assert re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S) == [""] * len(sources)
    assert finders.find("js/unit_picker.js")
