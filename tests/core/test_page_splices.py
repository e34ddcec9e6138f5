"""core.page_splices: big pieces of a page go in after its template, as bytes, in place of
their markers; outside a response that collects them, the piece is printed where it stands."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from core import page_splices
from events.selectors.public import mark_for_display
from public.videos import mark_relays
from tests import factories


def test_pieces_take_the_place_of_their_markers_in_order():
    with page_splices.collecting() as splices:
        first = page_splices.spliced("<li>路演</li>".encode())
        second = page_splices.spliced(b"<li>2</li>")

    page = f"<ul>{first}</ul><ol>{second}</ol>".encode()

    assert splices.apply(page) == "<ul><li>路演</li></ul><ol><li>2</li></ol>".encode()


def test_outside_a_collecting_response_the_piece_is_printed_as_text():
    printed = page_splices.spliced("<li>路演</li>".encode())

    assert printed == "<li>路演</li>" and isinstance(printed, SafeString)


def test_a_piece_whose_marker_never_reached_the_page_is_an_error():
    with page_splices.collecting() as splices:
        page_splices.spliced(b"<li>lost</li>")

    with pytest.raises(RuntimeError):
        splices.apply(b"<ul></ul>")


def test_text_that_looks_like_a_marker_is_left_alone():
    with page_splices.collecting() as splices:
        marker = page_splices.spliced(b"<li>1</li>")
    forged = b"<!--splice:0123456789abcdef:0-->"

    assert splices.apply(forged + marker.encode()) == forged + b"<li>1</li>"


@pytest.mark.django_db
def test_a_list_of_cards_is_the_same_page_spliced_or_printed(week):
    events = mark_relays(
        mark_for_display([factories.event(week=week, subtitle=f"卡片{n}") for n in range(3)])
    )
    template = Template('{% load event_cards %}<ul class="event-list">{% event_cards events %}</ul>')

    printed = template.render(Context({"events": events})).encode()
    with page_splices.collecting() as splices:
        marked = template.render(Context({"events": events})).encode()

    assert b"\xe5\x8d\xa1\xe7\x89\x87" not in marked  # the cards are not in the template's output
    assert splices.apply(marked) == printed
    assert printed.count(b"<li") == 3
