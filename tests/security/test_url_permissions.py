"""Every URL pattern of the project, as every role, against objects of another unit.

The patterns come from the URL resolver, so a page added tomorrow fails here until it has a
row in ``TABLE`` (how to fill its arguments, who may get it, who may post to it). Clients
enforce CSRF like a browser does: POSTs carry a valid token, and a POST without one is
refused for every pattern. A role outside a row's set must never get a 200, nor a redirect
other than to the login page, and its POSTs must change nothing in the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from events import services as event_services
from events.models import Event, EventPartner, Membership
from tests import factories
from tests.contests import factories as contest_factories
from tests.exhibits import factories as exhibit_factories

pytestmark = pytest.mark.django_db

ANON, MEMBER_A, MEMBER_B, OFFICE, ADMIN = "anonymous", "member_a", "member_b", "office", "admin"
OBSERVER = "observer"  # the publicity department or a leader: reads results, reviews nothing
ROLES = (ANON, MEMBER_A, MEMBER_B, OFFICE, ADMIN, OBSERVER)
EVERYONE = frozenset(ROLES)
SIGNED_IN = frozenset({MEMBER_A, MEMBER_B, OFFICE, ADMIN, OBSERVER})
MEMBERS = frozenset({MEMBER_A, MEMBER_B})
UNIT_B = frozenset({MEMBER_B})
REVIEW = frozenset({OFFICE, ADMIN})
READERS = REVIEW | {OBSERVER}  # the board, report pages and summaries
HALL = REVIEW | {MEMBER_B}  # the online hall's curator (a member of its host unit B) and the office
NOBODY = frozenset()
# Contests: unit B hosts the contest's event and runs it (member B), with the office.
CONTEST = REVIEW | {MEMBER_B}


@dataclass(frozen=True)
class Row:
    args: Callable[[dict], dict] = lambda objs: {}
    get: frozenset = NOBODY  # roles that may see a 200
    post: frozenset = NOBODY  # roles whose POST may succeed (not posted: it would change the data)


def _event(objs):
    return {"pk": objs["event_b"].pk}


def _day(objs):
    return {"event_id": objs["event_b"].pk, "day": objs["event_b"].days[0]}


def _hall(objs):
    return {"pk": objs["hall"].pk}


TABLE: dict[str, Row] = {
    "healthz": Row(get=EVERYONE),
    "readyz": Row(
        get=EVERYONE
    ),  # the test client calls from 127.0.0.1; outside callers get 404 (test_health)
    "set_language": Row(get=NOBODY, post=EVERYONE),
    "login": Row(get=frozenset({ANON}), post=EVERYONE),
    "logout": Row(post=EVERYONE),
    "after_login": Row(post=SIGNED_IN),  # a redirect to the user's area, nothing else
    "account_menu": Row(get=SIGNED_IN),  # one's own menu for a cached public page; a visitor: 204
    "password_change": Row(get=SIGNED_IN, post=SIGNED_IN),
    "password_change_done": Row(get=SIGNED_IN),
    "password_reset": Row(get=EVERYONE, post=EVERYONE),
    "password_reset_done": Row(get=EVERYONE),
    "password_reset_confirm": Row(
        lambda o: {"uidb64": "MQ", "token": "set-password"}, get=EVERYONE, post=EVERYONE
    ),
    "password_reset_complete": Row(get=EVERYONE),
    # The unit's reporter pages: only unit B's own members, for unit B's event.
    # A superuser has exactly an office reviewer's rights (rules, not has_perm): no unit's pages.
    "reports:list": Row(get=MEMBERS),
    "reports:detail": Row(_day, get=UNIT_B, post=UNIT_B),
    "reports:upload": Row(_day, post=UNIT_B),
    "reports:media_status": Row(_day, get=UNIT_B),
    # Resumable uploads (tus): the reporter creates one; an upload is only its uploader's
    # (a made-up id here: a 404 for everybody, the uploader's own tested in test_resumable_uploads).
    "reports:resumable": Row(_day, post=UNIT_B),
    "reports:resumable_upload": Row(
        lambda o: {**_day(o), "upload_id": "0c0ffee0-0000-4000-8000-000000000000"}
    ),
    "reports:media_delete": Row(lambda o: {"pk": o["media_b"].pk}, post=UNIT_B),
    "media_files:serve": Row(lambda o: {"pk": o["media_b"].pk, "variant": "original"}, get=UNIT_B | REVIEW),
    "organizer:dashboard": Row(get=MEMBERS),
    "organizer:event_create": Row(get=MEMBERS, post=MEMBERS),
    "organizer:event_detail": Row(_event, get=UNIT_B),
    "organizer:event_edit": Row(_event, get=UNIT_B, post=UNIT_B),
    "organizer:event_submit": Row(_event, post=UNIT_B),
    "organizer:event_withdraw": Row(_event, post=UNIT_B),
    # Unit B co-hosts another unit's event: it names its own contact person and reporter there.
    "organizer:event_unit_people": Row(
        lambda o: {"pk": o["co_hosted_b"].pk, "partner_pk": o["co_host_b"].pk}, get=UNIT_B, post=UNIT_B
    ),
    "organizer:notices": Row(get=MEMBERS | READERS),  # one's own notices only
    "organizer:apply": Row(get=EVERYONE, post=EVERYONE),
    "organizer:apply_done": Row(get=EVERYONE),
    # The signed link is the capability: whoever holds it may open it (and set a password).
    "organizer:invitation": Row(lambda o: {"token": o["invitation_token"]}, get=EVERYONE, post=EVERYONE),
    # The office's review area.
    "review_events:queue": Row(get=REVIEW),
    "review_events:list": Row(get=REVIEW),
    "review_events:bulk_approve": Row(post=REVIEW),
    "review_events:detail": Row(_event, get=REVIEW),
    "review_events:approve": Row(_event, post=REVIEW),
    "review_events:return": Row(_event, post=REVIEW),
    "review_events:cancel": Row(_event, get=REVIEW, post=REVIEW),  # GET: the confirmation form
    "review_events:reporting": Row(_event, post=REVIEW),  # who reports, days before the period
    "review_events:change_accept": Row(lambda o: {"pk": o["change_b"].pk}, get=REVIEW, post=REVIEW),
    "review_events:change_reject": Row(lambda o: {"pk": o["change_b"].pk}, get=REVIEW, post=REVIEW),
    "review_events:import": Row(get=REVIEW, post=REVIEW),
    "review_events:import_template": Row(get=REVIEW),
    "review_events:import_plan": Row(get=REVIEW, post=REVIEW),
    "review_events:organizers": Row(get=REVIEW),
    "review_events:organizer_detail": Row(lambda o: {"pk": o["unit_b"].pk}, get=REVIEW, post=REVIEW),
    "review_events:member_remove": Row(
        lambda o: {"pk": o["unit_b"].pk, "membership_pk": o["membership_b"].pk}, post=REVIEW
    ),
    "review_events:applications": Row(get=REVIEW),
    "review_events:application_accept": Row(lambda o: {"pk": o["application"].pk}, post=REVIEW),
    "review_events:application_decline": Row(lambda o: {"pk": o["application"].pk}, get=REVIEW, post=REVIEW),
    "board:home": Row(get=READERS),
    "board:live": Row(get=READERS),
    "board:version": Row(get=READERS),
    "board:report": Row(lambda o: {"pk": o["report_b"].pk}, get=READERS),
    "board:accept": Row(lambda o: {"pk": o["report_b"].pk}, post=REVIEW),
    "board:return": Row(lambda o: {"pk": o["report_b"].pk}, post=REVIEW),
    "board:media_public": Row(lambda o: {"pk": o["media_b"].pk}, post=REVIEW),
    "reminders:day": Row(get=REVIEW),
    "board:export": Row(lambda o: {"day": o["event_b"].days[0].isoformat(), "fmt": "xlsx"}, get=REVIEW),
    # The public site: everyone, for approved events and media the office made public.
    "venues:list": Row(get=EVERYONE),
    "venues:detail": Row(lambda o: {"pk": o["event_b"].venue_id}, get=EVERYONE),
    "venues:ics": Row(lambda o: {"pk": o["event_b"].venue_id}, get=EVERYONE),
    "home": Row(get=EVERYONE),
    "schedule": Row(get=EVERYONE),
    "schedule_ics": Row(get=EVERYONE),
    "schedule_xml": Row(get=EVERYONE),
    "schedule_frab_json": Row(get=EVERYONE),
    "api_schedule": Row(get=EVERYONE),
    "event_detail": Row(_event, get=EVERYONE),
    "event_ics": Row(_event, get=EVERYONE),
    "event_qr": Row(_event, get=EVERYONE),
    "archive": Row(get=EVERYONE),
    "archive_week": Row(lambda o: {"pk": o["week"].pk}, get=EVERYONE),
    # 云视频: the week's and a past week's videos; the play beacon (POST only, from our pages:
    # checked by Origin, it carries no cookie and no token, tests/public/test_videos.py).
    "videos": Row(get=EVERYONE),
    "videos_week": Row(lambda o: {"pk": o["week"].pk}, get=EVERYONE),
    "video_play": Row(post=EVERYONE),
    "event_cover": Row(lambda o: {"pk": o["draft_b"].pk}, get=UNIT_B | REVIEW),
    "public_media": Row(lambda o: {"pk": o["public_media_b"].pk}, get=EVERYONE),
    "public_media_preview": Row(lambda o: {"pk": o["public_media_b"].pk}, get=EVERYONE),
    # The online hall (exhibits): unit B hosts it and member B curates it; its projects belong
    # to a holder who is none of these roles (holders have their own matrix in tests/exhibits).
    "expo:hall": Row(get=EVERYONE),
    "expo:exhibition": Row(lambda o: {"slug": o["hall"].slug}, get=EVERYONE),
    "expo:project": Row(lambda o: {"pk": o["hall_accepted"].pk}, get=EVERYONE),
    "expo:cover": Row(lambda o: {"pk": o["hall_accepted"].pk}, get=EVERYONE),
    "expo:image": Row(lambda o: {"pk": o["hall_draft"].pk, "image_pk": o["hall_image"].pk}, get=HALL),
    "expo:document": Row(
        lambda o: {"pk": o["hall_draft"].pk, "document_pk": o["hall_document"].pk}, get=HALL
    ),
    "expo:intent": Row(lambda o: {"pk": o["hall_accepted"].pk}, get=EVERYONE),  # a bare POST: the form again
    "expo:intent_confirm": Row(lambda o: {"token": o["hall_intent_token"]}, get=EVERYONE),
    "expo:intent_done": Row(get=EVERYONE),
    # The signed link is the capability: whoever holds it may join the hall as a holder.
    "exhibits:join": Row(lambda o: {"token": o["hall_join_token"]}, get=EVERYONE, post=EVERYONE),
    "exhibits:invitation": Row(lambda o: {"token": o["hall_invitation_token"]}, get=EVERYONE, post=EVERYONE),
    "exhibits:home": Row(get=HALL),
    "exhibits:intents": Row(get=HALL),
    "exhibits:project_create": Row(lambda o: {"exhibition_pk": o["hall"].pk}),  # the hall's holders only
    "exhibits:project": Row(lambda o: {"pk": o["hall_draft"].pk}, get=HALL),
    "exhibits:project_edit": Row(lambda o: {"pk": o["hall_draft"].pk}),  # its holder only
    "exhibits:project_submit": Row(lambda o: {"pk": o["hall_draft"].pk}),
    "exhibits:image_add": Row(lambda o: {"pk": o["hall_draft"].pk}),
    "exhibits:image_delete": Row(lambda o: {"pk": o["hall_image"].pk}),
    "exhibits:document_add": Row(lambda o: {"pk": o["hall_draft"].pk}),
    "exhibits:document_delete": Row(lambda o: {"pk": o["hall_document"].pk}),
    "exhibits:signing_create": Row(lambda o: {"pk": o["hall_accepted"].pk}, get=HALL, post=HALL),
    "exhibits:intent_answer": Row(lambda o: {"pk": o["hall_intent"].pk}, post=HALL),
    "exhibits:hall": Row(_hall, get=HALL),
    "exhibits:invite": Row(_hall, get=HALL, post=HALL),
    "exhibits:join_link_renew": Row(_hall, post=HALL),
    "exhibits:hall_intents": Row(_hall, get=HALL),
    "exhibits:totals": Row(_hall, get=HALL),
    "exhibits:totals_xlsx": Row(_hall, get=HALL),
    "exhibits:hall_chart": Row(lambda o: {"pk": o["hall"].pk, "name": "sections"}, get=HALL),
    "exhibits:review": Row(lambda o: {"pk": o["hall_submitted"].pk}, get=HALL, post=HALL),
    "exhibits:feature": Row(lambda o: {"pk": o["hall_accepted"].pk}, post=HALL),
    "exhibits:revision_cover": Row(lambda o: {"pk": o["hall_changed"].pk}, get=HALL),  # changes in review
    "exhibits:import": Row(_hall, get=HALL, post=HALL),
    "exhibits:import_template": Row(_hall, get=HALL),
    "exhibits:import_job": Row(lambda o: {"pk": o["hall_import_job"].pk}, get=HALL, post=HALL),
    "exhibits:import_progress": Row(lambda o: {"pk": o["hall_import_job"].pk}, get=HALL),
    "exhibits:holder_remove": Row(lambda o: {"pk": o["hall_holder"].pk}, post=HALL),
    # A holder's e-mail confirmation: the signed link is the capability; a new link for one's own hall.
    "exhibits:holder_confirm": Row(lambda o: {"token": o["hall_confirm_token"]}, get=EVERYONE, post=EVERYONE),
    "exhibits:holder_confirm_send": Row(_hall),  # the hall's holders only
    # The day and week summary (submissions.view_summary): the office now.
    "board:summary": Row(get=READERS),
    "board:summary_docx": Row(get=READERS),
    "board:summary_xlsx": Row(get=READERS),
    "board:chart": Row(lambda o: {"name": "reports"}, get=READERS),  # the week's charts (JSON)
    "open_data": Row(get=EVERYONE),
    # Sub-venues (federation): the week's aggregate totals and the page adding up the cities'.
    "current_week_totals": Row(get=EVERYONE),
    "week_totals": Row(lambda o: {"pk": o["event_b"].week_id}, get=EVERYONE),
    "subvenues": Row(get=EVERYONE),
    "federation:sources": Row(get=REVIEW),  # the office's page of the portals' state
    "week_chart": Row(get=EVERYONE),  # the home page's chart of the week (JSON)
    "favicon": Row(get=EVERYONE),
    # Contests (contests): unit B runs a contest on its event; the entry belongs to an applicant
    # and the juror's link to a juror who are none of these roles (their own matrix is in
    # tests/contests). Signed links here are invalid ones: whoever holds a valid one may open it.
    "contests:home": Row(get=SIGNED_IN),
    "contests:contest_create": Row(get=MEMBERS | REVIEW, post=MEMBERS | REVIEW),
    "contests:contest": Row(lambda o: {"pk": o["contest"].pk}, get=CONTEST),
    "contests:contest_edit": Row(lambda o: {"pk": o["contest"].pk}, get=CONTEST, post=CONTEST),
    "contests:track_add": Row(lambda o: {"pk": o["contest"].pk}, post=CONTEST),
    "contests:track_delete": Row(lambda o: {"pk": o["contest_track"].pk}, post=CONTEST),
    "contests:field_create": Row(lambda o: {"pk": o["contest"].pk}, get=CONTEST, post=CONTEST),
    "contests:field_edit": Row(lambda o: {"pk": o["contest_field"].pk}, get=CONTEST, post=CONTEST),
    "contests:field_remove": Row(lambda o: {"pk": o["contest_field"].pk}, post=CONTEST),
    "contests:round_create": Row(lambda o: {"pk": o["contest"].pk}, get=CONTEST, post=CONTEST),
    "contests:entries": Row(lambda o: {"pk": o["contest"].pk}, get=CONTEST, post=CONTEST),
    "contests:entries_xlsx": Row(lambda o: {"pk": o["contest"].pk}, get=CONTEST),
    "contests:entry": Row(lambda o: {"pk": o["contest_entry"].pk}, get=CONTEST),
    "contests:screen": Row(lambda o: {"pk": o["contest_entry"].pk}, post=CONTEST),
    "contests:entry_project": Row(lambda o: {"pk": o["contest_entry"].pk}, post=CONTEST),
    "contests:round": Row(lambda o: {"pk": o["contest_round"].pk}, get=CONTEST),
    "contests:round_edit": Row(lambda o: {"pk": o["contest_round"].pk}, get=CONTEST, post=CONTEST),
    "contests:lineup_draw": Row(lambda o: {"pk": o["contest_round"].pk}, post=CONTEST),
    "contests:lineup_remove": Row(lambda o: {"pk": o["contest_lineup"].pk}, post=CONTEST),
    "contests:story": Row(lambda o: {"pk": o["contest_lineup"].pk}, get=CONTEST, post=CONTEST),
    "contests:criterion_add": Row(lambda o: {"pk": o["contest_round"].pk}, post=CONTEST),
    "contests:criterion_delete": Row(lambda o: {"pk": o["contest_criterion"].pk}, post=CONTEST),
    "contests:juror_add": Row(lambda o: {"pk": o["contest_round"].pk}, post=CONTEST),
    "contests:juror_renew": Row(lambda o: {"pk": o["contest_juror"].pk}, post=CONTEST),
    "contests:juror_remove": Row(lambda o: {"pk": o["contest_juror"].pk}, post=CONTEST),
    "contests:juror_reopen": Row(lambda o: {"pk": o["contest_juror"].pk}, post=CONTEST),
    "contests:juror_sheet": Row(lambda o: {"pk": o["contest_juror"].pk}, get=CONTEST),
    "contests:ranking": Row(lambda o: {"pk": o["contest_round"].pk}, get=CONTEST),
    "contests:publish": Row(lambda o: {"pk": o["contest_round"].pk}, post=CONTEST),
    "contests:results_xlsx": Row(lambda o: {"pk": o["contest_round"].pk}, get=CONTEST),
    "contests:votes": Row(lambda o: {"pk": o["contest_round"].pk}, get=CONTEST),
    "contests:chart_votes": Row(lambda o: {"pk": o["contest_round"].pk}, get=CONTEST),
    "contests:chart_registrations": Row(lambda o: {"pk": o["contest"].pk}, get=CONTEST),
    "contests:void": Row(lambda o: {"pk": o["contest_round"].pk}, post=CONTEST),
    "contest:list": Row(get=EVERYONE),
    "contest:detail": Row(lambda o: {"slug": o["contest"].slug}, get=EVERYONE),
    "contest:results": Row(
        lambda o: {"slug": o["contest"].slug, "round_pk": o["contest_final"].pk}, get=EVERYONE
    ),
    "contest:register": Row(lambda o: {"slug": o["contest"].slug}, get=EVERYONE, post=EVERYONE),
    "contest:confirm_email": Row(lambda o: {"token": "invalid"}),
    "contest:confirm_resend": Row(post=SIGNED_IN),
    "contest:entry": Row(lambda o: {"pk": o["contest_entry"].pk}),  # its applicant only
    "contest:entry_edit": Row(lambda o: {"pk": o["contest_entry"].pk}),
    "contest:entry_submit": Row(lambda o: {"pk": o["contest_entry"].pk}),
    "contest:entry_withdraw": Row(lambda o: {"pk": o["contest_entry"].pk}),
    "contest:entry_plan": Row(lambda o: {"pk": o["contest_entry"].pk}, get=CONTEST),
    "contest:entry_video": Row(lambda o: {"pk": o["contest_entry"].pk}, get=CONTEST),
    "contest:entry_plan_resumable": Row(lambda o: {"pk": o["contest_entry"].pk}),  # its applicant only (tus)
    "contest:entry_plan_resumable_upload": Row(
        lambda o: {"pk": o["contest_entry"].pk, "upload_id": "0c0ffee0-0000-4000-8000-000000000000"}
    ),
    "contest:entry_video_resumable": Row(lambda o: {"pk": o["contest_entry"].pk}),
    "contest:entry_video_resumable_upload": Row(
        lambda o: {"pk": o["contest_entry"].pk, "upload_id": "0c0ffee0-0000-4000-8000-000000000000"}
    ),
    "contest:entry_file_resumable": Row(
        lambda o: {"pk": o["contest_entry"].pk, "question_pk": o["contest_field"].pk}
    ),  # its applicant only (tus), and only a file question of its contest
    "contest:entry_file_resumable_upload": Row(
        lambda o: {
            "pk": o["contest_entry"].pk,
            "question_pk": o["contest_field"].pk,
            "upload_id": "0c0ffee0-0000-4000-8000-000000000000",
        }
    ),
    "contest:entry_file": Row(
        lambda o: {"pk": o["contest_entry"].pk, "file_pk": o["contest_entry_file"].pk}, get=CONTEST
    ),
    "contest:vote": Row(lambda o: {"pk": o["contest_round"].pk}, get=EVERYONE),
    "contest:vote_verify": Row(lambda o: {"pk": o["contest_round"].pk}, get=EVERYONE, post=EVERYONE),
    "contest:vote_cast": Row(
        lambda o: {"pk": o["contest_round"].pk, "entry_pk": o["contest_entry"].pk}, post=EVERYONE
    ),
    "contest:vote_totals": Row(lambda o: {"pk": o["contest_round"].pk}, get=EVERYONE),
    "jury:home": Row(get=EVERYONE),
    "jury:enter": Row(lambda o: {"token": "invalid"}),
    "jury:lineup": Row(lambda o: {"juror_pk": o["contest_juror"].pk}),  # the browser of the juror's link only
    "jury:submit": Row(lambda o: {"juror_pk": o["contest_juror"].pk}),
    "jury:sheet": Row(lambda o: {"juror_pk": o["contest_juror"].pk, "entry_pk": o["contest_entry"].pk}),
    "jury:score": Row(lambda o: {"juror_pk": o["contest_juror"].pk, "entry_pk": o["contest_entry"].pk}),
    "jury:conflict": Row(lambda o: {"juror_pk": o["contest_juror"].pk, "entry_pk": o["contest_entry"].pk}),
    "jury:plan": Row(lambda o: {"juror_pk": o["contest_juror"].pk, "entry_pk": o["contest_entry"].pk}),
    # The hall's projects at a 路演 of its week (curator B, the office); a project's video: its
    # holder uploads and deletes it, everybody plays the web versions of a public project's.
    "exhibits:presentations": Row(_hall, get=HALL),
    "exhibits:event_presentations": Row(
        lambda o: {"pk": o["hall"].pk, "event_pk": o["hall_roadshow"].pk}, get=HALL, post=HALL
    ),
    "exhibits:document_resumable": Row(lambda o: {"pk": o["hall_draft"].pk}),  # its holder only (tus)
    "exhibits:document_resumable_upload": Row(
        lambda o: {"pk": o["hall_draft"].pk, "upload_id": "0c0ffee0-0000-4000-8000-000000000000"}
    ),
    "exhibits:video_add": Row(lambda o: {"pk": o["hall_draft"].pk}),  # its holder only
    "exhibits:video_resumable": Row(lambda o: {"pk": o["hall_draft"].pk}),  # its holder only (tus)
    "exhibits:video_resumable_upload": Row(
        lambda o: {"pk": o["hall_draft"].pk, "upload_id": "0c0ffee0-0000-4000-8000-000000000000"}
    ),
    "exhibits:video_delete": Row(lambda o: {"pk": o["hall_draft_video"].pk}),
    "expo:video": Row(lambda o: {"pk": o["hall_accepted"].pk, "video_pk": o["hall_video"].pk}, get=EVERYONE),
    "expo:video_poster": Row(
        lambda o: {"pk": o["hall_accepted"].pk, "video_pk": o["hall_video"].pk}, get=EVERYONE
    ),
    # A vote candidate's pitch video, as its web versions and poster only: everybody.
    "contest:candidate_video": Row(
        lambda o: {"pk": o["contest_round"].pk, "entry_pk": o["contest_entry"].pk}, get=EVERYONE
    ),
    "contest:candidate_poster": Row(
        lambda o: {"pk": o["contest_round"].pk, "entry_pk": o["contest_entry"].pk}, get=EVERYONE
    ),
}
# Django admin: staff only (the office group sees what its model permissions allow).
ADMIN_ROW = Row(get=REVIEW, post=REVIEW)  # what the office may change there is the group's model permissions
ADMIN_ROWS = {"admin:login": Row(get=EVERYONE, post=EVERYONE), "admin:logout": Row(post=EVERYONE)}
ADMIN_ARGS = {
    "app_label": lambda o, model: model._meta.app_label if model else "events",
    "object_id": lambda o, model: (
        str(model._default_manager.order_by("pk").values_list("pk", flat=True)[0])
        if model and model._default_manager.exists()
        else "1"
    ),
    "content_type_id": lambda o, model: str(ContentType.objects.get_for_model(Event).pk),
    "id": lambda o, model: str(o["membership_b"].user_id),  # the user admin's password page
    "url": lambda o, model: "nowhere/",
}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if entry.namespace and namespace
                else (entry.namespace or namespace)
            )
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = (
                f"{namespace}:{entry.name}"
                if namespace and entry.name
                else (entry.name or f"{namespace}:<unnamed>")
            )
            yield name, prefix + str(entry.pattern), entry


def _admin_model(name: str):
    match = re.match(r"admin:(\w+?)_(\w+)_(changelist|add|change|delete|history)$", name)
    if not match:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == match.groups()[:2]:
            return model
    return None


def _fill(route: str, kwargs: dict) -> str:
    """The path for a route with its converters (<int:pk>, (?P<x>...)) replaced by kwargs."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


def _requests(objs):
    for name, route, _entry in _patterns():
        if name.startswith("admin:"):
            model = _admin_model(name)
            names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
            kwargs = {key: ADMIN_ARGS[key](objs, model) for pair in names for key in pair if key}
            yield name, _fill(route, kwargs), ADMIN_ROWS.get(name, ADMIN_ROW)
        else:
            assert name in TABLE, f"URL pattern {name!r} ({route}) has no row in TABLE: say who may use it"
            row = TABLE[name]
            yield name, _fill(route, row.args(objs)), row


def _snapshot():
    rows = {}
    for app in ("events", "submissions", "exhibits", "contests", "venues"):
        for model in apps.get_app_config(app).get_models():
            values = list(model._default_manager.order_by("pk").values())
            for value in values:
                value.pop("last_login", None)
            rows[model._meta.label] = values
    return rows


@pytest.fixture
def world(tmp_path):
    week = factories.week()
    unit_a, unit_b = factories.organizer(), factories.organizer()
    member_a, member_b = factories.member(unit_a), factories.member(unit_b)
    event_b = factories.complete_event(
        week=week, host=unit_b, reporter=member_b, status=Event.Status.APPROVED
    )
    report_b = factories.report(event=event_b, status="submitted", photos=1)
    media_b = report_b.media.get()
    stored = Path(settings.MEDIA_ROOT) / media_b.file.name  # the factory's row names a file: write it
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    public_media_b = factories.public_media(event=event_b)
    draft_b = factories.complete_event(week=week, host=unit_b, reporter=member_b, status=Event.Status.DRAFT)
    draft_b.cover.save("cover.png", factories.png_file())
    invitation = factories.invitation(organizer=unit_b)
    co_hosted_b = factories.complete_event(
        week=week, host=factories.organizer(), status=Event.Status.APPROVED
    )
    co_host_b = EventPartner.objects.create(event=co_hosted_b, role="host", organizer=unit_b, may_report=True)
    objs = {
        "co_hosted_b": co_hosted_b,
        "co_host_b": co_host_b,
        "week": week,
        "unit_b": unit_b,
        "event_b": event_b,
        "report_b": report_b,
        "media_b": media_b,
        "public_media_b": public_media_b,
        "draft_b": draft_b,
        "change_b": factories.change_request(event=event_b, place="别处"),
        "membership_b": Membership.objects.get(user=member_b),
        "application": factories.application(),
        "invitation_token": event_services.invitation_token(invitation),
        **exhibit_factories.security_world(host=unit_b, curator=member_b, week=week),
        **contest_factories.security_world(event=event_b),
    }
    users = {
        ANON: None,
        MEMBER_A: member_a,
        MEMBER_B: member_b,
        OFFICE: factories.office_user(),
        ADMIN: factories.superuser(),
        OBSERVER: factories.observer(),
    }
    return objs, users


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user:
        client.force_login(user)
    client.get("/accounts/password/reset/")  # a page with a form: sets the CSRF cookie
    return client


def _refused(response, role) -> bool:
    if response.status_code in (400, 403, 404, 405, 410, 429):
        return True
    if response.status_code == 302:
        return "/login/" in response["Location"]
    return False


# The walk is split into parts so that the suite's two processes share it (one part is
# every SHARDS-th URL pattern, in the URLconf's order).
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_url_as_every_role_against_another_units_objects(world, shard):
    objs, users = world
    clients = {role: _client(user) for role, user in users.items()}
    wrong = []
    seen_ok = {}
    walked = []
    for index, (name, path, row) in enumerate(_requests(objs)):
        if index % SHARDS != shard:
            continue
        walked.append(name)
        for role in ROLES:
            response = clients[role].get(path)
            if response.status_code == 200:
                seen_ok.setdefault(name, set()).add(role)
                if role not in row.get:
                    wrong.append(f"GET {path} ({name}) as {role}: 200")
            elif (
                role not in row.get
                and not _refused(response, role)
                and response.status_code not in (204, 301, 302)
            ):
                wrong.append(f"GET {path} ({name}) as {role}: {response.status_code}")
            elif response.status_code == 302 and role not in row.get and not _refused(response, role):
                # Redirects of the unauthorised must go to the login page, never to a result.
                if name not in ("set_language", "after_login", "login", "admin:logout"):
                    wrong.append(f"GET {path} ({name}) as {role}: 302 to {response['Location']}")
        before = _snapshot()
        for role in ROLES:
            if role in row.post:
                continue
            token = clients[role].cookies["csrftoken"].value
            response = clients[role].post(path, {"csrfmiddlewaretoken": token})
            # A read-only page may answer a POST like a GET; the snapshot below proves it changed nothing.
            same_as_get = role in row.get and response.status_code == 200
            if not _refused(response, role) and not same_as_get:
                wrong.append(f"POST {path} ({name}) as {role}: {response.status_code}")
        if _snapshot() != before:
            wrong.append(f"POST {path} ({name}) by a role outside {sorted(row.post)} changed the database")
    assert wrong == [], "\n".join(wrong)
    # Every page someone may see was really reached by someone: the arguments are right.
    unreached = [name for name in walked if name in TABLE and TABLE[name].get and name not in seen_ok]
    assert unreached == []


def test_a_post_without_the_csrf_token_is_refused_everywhere(world):
    objs, users = world
    clients = {role: _client(user) for role, user in users.items()}
    before = _snapshot()
    accepted = []
    for name, path, row in _requests(objs):
        for role in sorted(row.post) or [ADMIN]:
            response = clients[role].post(path, {})
            if response.status_code not in (403, 404, 405):
                accepted.append(f"{name} as {role}: {response.status_code}")
    assert accepted == []
    assert _snapshot() == before


def test_every_row_of_the_table_names_a_url_that_exists():
    """A row left behind by a removed URL would hide that the walk above never reached it."""
    names = {name for name, _route, _entry in _patterns()}
    assert sorted(set(TABLE) - names) == []
