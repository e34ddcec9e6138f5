"""An event's life: saved and submitted by its unit, approved, returned or cancelled by the
office, changed after approval through a change request, or imported in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from core.change_counters import bump_on_commit
from core.public_cache import bump_public_version_after_commit

from ..models import (
    Event,
    EventChangeRequest,
    EventPartner,
    EventStatusChange,
    Organizer,
    Theme,
    User,
    Week,
)
from ..notifications import Subject, notify
from ..selectors.review import with_diffs
from .covers import cover_versions_schedule

S = Event.Status


# --- Events: the organizer's side ---------------------------------------------------------

# Changing these on an approved event needs the office's consent (an EventChangeRequest).
GUARDED_FIELDS = ("place_kind", "venue", "place", "address", "online_url", "starts_at", "ends_at")
# The public face of an approved event: guarded as well while its week's
# ``review_public_changes`` is on. (The cover travels in a change request as a storage name.)
PUBLIC_FACE_FIELDS = ("subtitle", "description", "live_url", "recording_url", "cover")
REQUIRED_TO_SUBMIT = {
    "contact_name": gettext_lazy("联系人"),
    "contact_phone": gettext_lazy("联系人电话"),
    "reporter": gettext_lazy("信息报送员"),
    "description": gettext_lazy("活动简介"),
}


@dataclass(frozen=True)
class PartnerSpec:
    """One co-host (a unit with an account), undertaking unit or co-organizer (a unit, or
    only a name), in the order the plan lists them."""

    role: str
    organizer: Organizer | None = None
    name: str = ""


def missing_for_submit(event: Event) -> list[str]:
    """The labels of what an event still lacks before it can be submitted."""
    missing = []
    for field, label in REQUIRED_TO_SUBMIT.items():
        value = getattr(event, f"{field}_id" if field == "reporter" else field)
        if not value:
            missing.append(str(label))
    return missing


def reviewed_fields(week: Week) -> tuple[str, ...]:
    """The fields whose change on an approved event of ``week`` waits for the office."""
    return GUARDED_FIELDS + PUBLIC_FACE_FIELDS if week.review_public_changes else GUARDED_FIELDS


def guarded_values(event: Event, *, fields: Iterable[str] | None = None) -> dict[str, object]:
    """The change-request fields of ``event`` (by default those its week reviews) as JSON-ready
    values: ISO datetimes in UTC, the venue's id, the cover's storage name ("" for none)."""
    fields = reviewed_fields(event.week) if fields is None else fields
    return {field: _json_value(event, field) for field in fields}


def _json_value(event: Event, field: str) -> object:
    if field == "venue":
        return event.venue_id
    if field in ("starts_at", "ends_at"):
        return getattr(event, field).astimezone(dt.UTC).isoformat()
    if field == "cover":
        return event.cover.name or ""
    return getattr(event, field)


def apply_guarded_values(event: Event, values: dict[str, object]) -> None:
    """Set the values of a change request (time, place, venue, public face) on an unsaved event.

    A cover is set by its storage name: the file is already stored, saving writes no file."""
    for field, value in values.items():
        if field == "venue":
            event.venue_id = value
        elif field in ("starts_at", "ends_at"):
            setattr(event, field, dt.datetime.fromisoformat(value))
        else:
            setattr(event, field, value)


def _store_new_cover(event: Event) -> None:
    """Store a cover just uploaded with ``event`` now, under its generated name (as saving the
    event would), so a change request can name it while the event keeps its approved cover."""
    cover = event.cover
    if cover and not cover._committed:
        cover.save(cover.name, cover.file, save=False)


def _discard_covers_after_commit(change_requests: Iterable[EventChangeRequest], *, keep: set[str]) -> None:
    """Delete, once the transaction commits, the covers uploaded for ``change_requests`` (a
    proposed cover other than the approved one of its time) that nothing in ``keep`` uses."""
    storage = Event._meta.get_field("cover").storage
    for change_request in change_requests:
        name = change_request.proposed.get("cover") or ""
        if name and name != change_request.previous.get("cover") and name not in keep:
            transaction.on_commit(partial(storage.delete, name), robust=True)


def _bump_public_after_commit(events: Iterable[Event]) -> None:
    """Invalidate the public pages once the change is visible to them: bumping inside the
    transaction would let a request in between cache the old rows under the new version.
    ``events``: every event whose public row may have changed (an import names those it made
    and updated; the week's own settings are in no event's row)."""
    bump_public_version_after_commit(events=[event.pk for event in events])
    bump_on_commit("events")  # the office board follows approved events too (core.change_counters)


def _lock(event: Event) -> Event:
    """Lock the event's row until the transaction ends and take its current state from it, so
    two decisions at once (two reviewers, a reviewer and the unit) cannot both pass the check
    of the state they start from."""
    current = Event.objects.select_for_update().only("status", "cancel_reason").get(pk=event.pk)
    event.status, event.cancel_reason = current.status, current.cancel_reason
    return event


def _record(event: Event, *, to: str, by: User | None, comment: str = "", source: str | None = None) -> None:
    EventStatusChange.objects.create(
        event=event,
        from_status=event.status if source is None else source,
        to_status=to,
        by=by,
        comment=comment,
    )
    event.status = to


def _organizer_people(event: Event) -> list[User]:
    """The members of every host unit (lead and co-hosts) and every unit's reporter, once each."""
    host_ids = [unit.pk for unit in event.hosts]
    people = list(
        User.objects.filter(memberships__organizer_id__in=host_ids, is_active=True).distinct().order_by("id")
    )
    known = {p.pk for p in people}
    people += [person for person in event.reporters if person.pk not in known]
    return people


def _tell_organizer(event: Event, *, subject: Subject, decision: str, comment: str = "", change=None) -> None:
    if change is not None:
        change = with_diffs([change])[0]
    notify(
        users=_organizer_people(event),
        subject=subject,
        template_base="events/emails/event_decision",
        context={"event": event, "decision": decision, "comment": comment, "change": change},
        url=reverse("organizer:event_detail", args=[event.pk]),
    )


@transaction.atomic
def event_save(
    *,
    event: Event,
    by: User,
    themes: Iterable[Theme] | None = None,
    partners: Iterable[PartnerSpec] | None = None,
) -> EventChangeRequest | None:
    """Save an organizer's new or edited event (``event`` carries the form's values).

    Draft and returned events take every value. An approved event takes every value except
    time, place and venue (``GUARDED_FIELDS``) and, while its week's ``review_public_changes``
    is on, its public face: title, description, live link and cover (``PUBLIC_FACE_FIELDS``).
    Those keep their approved values and the new ones go into a pending ``EventChangeRequest``
    (replacing an earlier pending one, or withdrawing it when the values are back to the
    approved ones), returned here. A new cover is stored at once under its generated name and
    named in the request; the event keeps serving its approved cover.

    Side effects: the event row, its themes and partners; a history entry "→ draft" for a new
    event; a new cover file of an approved event; after commit, deletion of a cover file that
    a replaced or withdrawn request had proposed and nothing uses any more; after commit, the
    web versions of a new or removed cover of the event itself scheduled
    (``covers.cover_versions_schedule``); ``bump_public_version()`` after commit when an
    approved event changed.
    """
    is_new = event.pk is None
    if not is_new:
        _lock(event)
    if event.status in (S.SUBMITTED, S.CANCELLED):
        raise ValidationError(_("待审核或已取消的活动不能修改；待审核的活动请先撤回。"), code="state")
    change = None
    if not is_new and event.status == S.APPROVED:
        change = _split_change_request(event, by=by)
    event.save()
    cover_versions_schedule(event=event)
    if is_new:
        _record(event, to=S.DRAFT, by=by, source="")
    if themes is not None:
        event.themes.set(themes)
    if partners is not None:
        _replace_partners(event, list(partners))
    if event.status == S.APPROVED:
        _bump_public_after_commit([event])
    return change


def _partner_key(role: str, organizer_id: int | None, name: str) -> tuple:
    return role, organizer_id, "" if organizer_id else name


def _replace_partners(event: Event, specs: list[PartnerSpec]) -> None:
    """Make the event's partners ``specs``, in their order. A unit listed again in the same role
    keeps its row, with the reporter role the office gave it and the contact person and
    reporter it named; rows no longer listed go; co-hosts always report."""
    existing = {_partner_key(p.role, p.organizer_id, p.name): p for p in event.partners.all()}
    kept, new = [], []
    for order, spec in enumerate(specs):
        organizer_id = spec.organizer.pk if spec.organizer else None
        row = existing.pop(_partner_key(spec.role, organizer_id, spec.name), None)
        if row is not None:
            row.order = order
            kept.append(row)
        else:
            new.append(
                EventPartner(
                    event=event,
                    role=spec.role,
                    organizer=spec.organizer,
                    name="" if spec.organizer else spec.name,
                    order=order,
                    may_report=spec.role == EventPartner.Role.HOST,
                )
            )
    EventPartner.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    EventPartner.objects.bulk_update(kept, ["order"])
    EventPartner.objects.bulk_create(new)
    if hasattr(event, "_prefetched_objects_cache"):
        event._prefetched_objects_cache.pop("partners", None)


@transaction.atomic
def event_unit_people_set(
    *,
    partner: EventPartner,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    reporter: User | None,
    by: User,
) -> EventPartner:
    """A co-host (or a unit with the reporter role) names its own contact person and
    information reporter for the event, as the plan asks of every host. The reporter must be
    a member of that unit.

    Side effects: the partner row's contact fields and reporter. The reporter gets the
    event's reminders from the next slot on.
    """
    if not partner.may_report or partner.organizer_id is None:
        raise ValidationError(_("该单位不报送本活动的信息。"), code="not_reporting")
    if reporter is not None and not partner.organizer.memberships.filter(user=reporter).exists():
        raise ValidationError(_("信息报送员须是本单位的成员。"), code="reporter")
    partner.contact_name, partner.contact_phone, partner.contact_email = (
        contact_name,
        contact_phone,
        contact_email,
    )
    partner.reporter = reporter
    partner.save(update_fields=["contact_name", "contact_phone", "contact_email", "reporter"])
    return partner


@transaction.atomic
def event_reporting_set(
    *, event: Event, reporting_partner_ids: Iterable[int], reports_before_period: bool, by: User
) -> list[EventPartner]:
    """The office decides who files an event's reports and on which days: the undertaking and
    co-organizing units (with an account) in ``reporting_partner_ids`` get the reporter role,
    the others lose it (co-hosts always keep it); ``reports_before_period`` makes the event's
    days before the week's period reporting days too.

    Side effects: the partners' ``may_report`` and the event's ``reports_before_period``;
    e-mail + notice to the members of each unit newly given the role; the board's version
    moved after commit (its rows follow the reporting days). Returns the units newly given it.
    """
    wanted = set(reporting_partner_ids)
    granted, changed = [], []
    for partner in event.partners.select_related("organizer").exclude(role=EventPartner.Role.HOST):
        may_report = partner.organizer_id is not None and partner.pk in wanted
        if partner.may_report != may_report:
            partner.may_report = may_report
            changed.append(partner)
            if may_report:
                granted.append(partner)
    EventPartner.objects.bulk_update(changed, ["may_report"])
    if event.reports_before_period != reports_before_period:
        event.reports_before_period = reports_before_period
        event.save(update_fields=["reports_before_period", "updated_at"])
    if hasattr(event, "_prefetched_objects_cache"):
        event._prefetched_objects_cache.pop("partners", None)
    for partner in granted:
        notify(
            users=User.objects.filter(memberships__organizer=partner.organizer, is_active=True).order_by(
                "id"
            ),
            subject=Subject(gettext_noop("贵单位可报送活动信息：%(title)s"), {"title": event.subtitle}),
            template_base="events/emails/event_decision",
            context={
                "event": event,
                "decision": _(
                    "的信息报送权限已开通：贵单位成员可在每个活动日报送当天信息，请指定联系人和信息报送员"
                ),
                "comment": "",
                "change": None,
            },
            url=reverse("organizer:event_detail", args=[event.pk]),
        )
    if changed or event.status == S.APPROVED:
        bump_on_commit("events")
    return granted


def _split_change_request(event: Event, *, by: User) -> EventChangeRequest | None:
    stored = Event.objects.select_related("week").get(pk=event.pk)
    fields = reviewed_fields(stored.week)
    if "cover" in fields:
        _store_new_cover(event)
    approved = guarded_values(stored, fields=fields)
    wanted = guarded_values(event, fields=fields)
    apply_guarded_values(event, approved)
    pending = event.change_requests.filter(status=EventChangeRequest.Status.PENDING).first()
    if pending:
        # A cover uploaded for the earlier request that neither the new request nor the saved
        # event uses will never be shown.
        in_use = {stored.cover.name, event.cover.name, str(wanted.get("cover", ""))}
        _discard_covers_after_commit([pending], keep=in_use)
    changed = {field: value for field, value in wanted.items() if value != approved[field]}
    if not changed:
        if pending:
            pending.delete()
        return None
    if pending:
        pending.proposed, pending.previous, pending.requested_by = wanted, approved, by
        pending.requested_at = timezone.now()
        pending.save()
        return pending
    return EventChangeRequest.objects.create(event=event, proposed=wanted, previous=approved, requested_by=by)


@transaction.atomic
def event_submit(*, event: Event, by: User) -> Event:
    """Send a draft or returned event to the office. Side effects: status → submitted; history."""
    _lock(event)
    if event.status not in (S.DRAFT, S.RETURNED):
        raise ValidationError(_("只有草稿或已退回的活动可以提交审核。"), code="state")
    missing = missing_for_submit(event)
    if missing:
        raise ValidationError(
            _("提交审核前请补全：%(fields)s。") % {"fields": "、".join(missing)}, code="incomplete"
        )
    _record(event, to=S.SUBMITTED, by=by)
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def event_withdraw(*, event: Event, by: User) -> Event:
    """Take a submitted event back to draft. Side effects: status → draft; history."""
    _lock(event)
    if event.status != S.SUBMITTED:
        raise ValidationError(_("只有待审核的活动可以撤回。"), code="state")
    _record(event, to=S.DRAFT, by=by, comment=_("主办单位撤回"))
    event.save(update_fields=["status", "updated_at"])
    return event


# --- Events: the office's side ------------------------------------------------------------


@transaction.atomic
def event_approve(*, event: Event, by: User, comment: str = "") -> Event:
    """Publish a submitted event on the public schedule.

    Side effects: status → approved; history; e-mail + notice to the unit's members and the
    reporter; ``bump_public_version()`` after commit.
    """
    _lock(event)
    if event.status != S.SUBMITTED:
        raise ValidationError(_("只有待审核的活动可以审核通过。"), code="state")
    _record(event, to=S.APPROVED, by=by, comment=comment)
    event.save(update_fields=["status", "updated_at"])
    _tell_organizer(
        event,
        subject=Subject(gettext_noop("活动已审核通过并发布：%(title)s"), {"title": event.subtitle}),
        decision=_("已审核通过，并在活动日程中公开发布"),
        comment=comment,
    )
    _bump_public_after_commit([event])
    return event


@transaction.atomic
def event_approve_many(*, events: Iterable[Event], by: User, comment: str = "") -> int:
    """Approve every submitted event among ``events``; others are skipped. Returns how many.

    Side effects: as ``event_approve`` for each.
    """
    approved = 0
    for event in events:
        if event.status == S.SUBMITTED:
            event_approve(event=event, by=by, comment=comment)
            approved += 1
    return approved


@transaction.atomic
def event_return(*, event: Event, by: User, comment: str) -> Event:
    """Send a submitted event back to its unit with a comment.

    Side effects: status → returned; history with the comment; e-mail + notice to the unit.
    """
    _lock(event)
    if event.status != S.SUBMITTED:
        raise ValidationError(_("只有待审核的活动可以退回。"), code="state")
    if not comment.strip():
        raise ValidationError(_("请填写退回意见。"), code="comment")
    _record(event, to=S.RETURNED, by=by, comment=comment)
    event.save(update_fields=["status", "updated_at"])
    _tell_organizer(
        event,
        subject=Subject(gettext_noop("活动被退回修改：%(title)s"), {"title": event.subtitle}),
        decision=_("被退回，请按意见修改后重新提交"),
        comment=comment,
    )
    return event


@transaction.atomic
def event_cancel(*, event: Event, by: User, reason: str) -> Event:
    """Cancel an approved event. It stays public, marked cancelled with the reason; never deleted.

    Side effects: status → cancelled with ``cancel_reason``; history; a pending change
    request is rejected (a cover uploaded for it deleted after commit); e-mail + notice to
    the unit; ``bump_public_version()`` after commit.
    """
    _lock(event)
    if event.status != S.APPROVED:
        raise ValidationError(_("只有已发布的活动可以取消。"), code="state")
    if not reason.strip():
        raise ValidationError(_("请填写取消原因。"), code="reason")
    pending = event.change_requests.filter(status=EventChangeRequest.Status.PENDING)
    _discard_covers_after_commit(pending, keep={Event.objects.get(pk=event.pk).cover.name})
    pending.update(
        status=EventChangeRequest.Status.REJECTED,
        decided_by=by,
        decided_at=timezone.now(),
        comment=_("活动已取消"),
    )
    _record(event, to=S.CANCELLED, by=by, comment=reason)
    event.cancel_reason = reason
    event.save(update_fields=["status", "cancel_reason", "updated_at"])
    _tell_organizer(
        event,
        subject=Subject(gettext_noop("活动已取消：%(title)s"), {"title": event.subtitle}),
        decision=_("已被取消，公开页面将显示“已取消”"),
        comment=reason,
    )
    _bump_public_after_commit([event])
    return event


def _pending_change(change_request: EventChangeRequest) -> EventChangeRequest:
    change_request = (
        EventChangeRequest.objects.select_for_update().select_related("event__week").get(pk=change_request.pk)
    )
    if change_request.status != EventChangeRequest.Status.PENDING:
        raise ValidationError(_("该变更申请已处理过。"), code="decided")
    return change_request


@transaction.atomic
def change_request_accept(*, change_request: EventChangeRequest, by: User, comment: str = "") -> Event:
    """Apply a pending change (time, place, venue or public face) to its approved event.

    Side effects: the event takes the values the request changes (a new cover by the name it
    was stored under); a change of time, place or venue also sets ``changed_at`` (the public
    "有变更" badge); the request is accepted; after commit, the web versions of an accepted
    cover scheduled; e-mail + notice to the unit; ``bump_public_version()`` after commit.
    """
    change_request = _pending_change(change_request)
    event = _lock(change_request.event)
    if event.status != S.APPROVED:
        raise ValidationError(_("活动已不是已发布状态，不能接受变更。"), code="state")
    previous = change_request.previous
    changes = {f: v for f, v in change_request.proposed.items() if f not in previous or v != previous[f]}
    apply_guarded_values(event, changes)
    if any(field in GUARDED_FIELDS for field in changes):
        event.changed_at = timezone.now()
    event.save()
    cover_versions_schedule(event=event)
    change_request.status = EventChangeRequest.Status.ACCEPTED
    change_request.decided_by, change_request.decided_at, change_request.comment = by, timezone.now(), comment
    change_request.save()
    _tell_organizer(
        event,
        subject=Subject(gettext_noop("活动变更已通过：%(title)s"), {"title": event.subtitle}),
        decision=_("的变更申请已通过，公开页面已更新"),
        comment=comment,
        change=change_request,
    )
    _bump_public_after_commit([event])
    return event


@transaction.atomic
def change_request_reject(
    *, change_request: EventChangeRequest, by: User, comment: str
) -> EventChangeRequest:
    """Refuse a pending change; the event keeps its approved values.

    Side effects: the request is rejected with the comment; a cover uploaded for it is
    deleted after commit; e-mail + notice to the unit.
    """
    if not comment.strip():
        raise ValidationError(_("请填写不同意变更的理由。"), code="comment")
    change_request = _pending_change(change_request)
    change_request.status = EventChangeRequest.Status.REJECTED
    change_request.decided_by, change_request.decided_at, change_request.comment = by, timezone.now(), comment
    change_request.save()
    event = change_request.event
    _discard_covers_after_commit([change_request], keep={event.cover.name})
    _tell_organizer(
        event,
        subject=Subject(gettext_noop("活动变更未通过：%(title)s"), {"title": event.subtitle}),
        decision=_("的变更申请未通过，仍按原审核内容举办"),
        comment=comment,
        change=change_request,
    )
    return change_request


@transaction.atomic
def event_import_rows(
    *, rows: list[tuple[Event, list[Theme], list[PartnerSpec]]], by: User | None, publish: bool = False
) -> int:
    """Create imported events (built and checked by ``importing.py``), all or none.

    Side effects: each event with its themes and partners and a history entry (→ draft, or
    → approved when ``publish``); one ``bump_public_version()`` when anything was published.
    No e-mails: the office is importing its own plan.
    """
    for event, themes, partners in rows:
        event.status = S.DRAFT
        event_save(event=event, by=by, themes=themes, partners=partners)
        EventStatusChange.objects.filter(event=event).update(comment=_("批量导入"))
        if publish:
            _record(event, to=S.APPROVED, by=by, comment=_("批量导入并发布"))
            event.save(update_fields=["status", "updated_at"])
    if publish and rows:
        _bump_public_after_commit(event for event, _themes, _partners in rows)
    return len(rows)
