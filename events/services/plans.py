"""Import a city plan (工作方案): the week's settings, its units and its events, in one go.

The office uploads or pastes the plan; ``events.plan`` reads it into a ``PlanDraft``;
``selectors.plans.plan_outcome`` says what it becomes (the preview); ``plan_apply`` saves it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Event, EventPartner, Organizer, User, Week
from ..plan import PlanDraft
from ..selectors.plans import DAY_ENDS, DAY_STARTS, PlannedEvent, event_days, plan_outcome
from .workflow import PartnerSpec, _bump_public_after_commit, _replace_partners, event_import_rows


@dataclass
class PlanResult:
    week: Week
    week_created: bool
    created: list[Event] = field(default_factory=list)
    updated: list[Event] = field(default_factory=list)
    units_created: list[Organizer] = field(default_factory=list)


@transaction.atomic
def plan_apply(
    *, draft: PlanDraft, week: Week | None, by: User | None, numbers: Collection[int] | None = None
) -> PlanResult:
    """Save a plan: update ``week`` with what the plan states (or, when ``week`` is None, create
    a new week and make it the current one, unpublished), create the units it names that the
    platform lacks, create its new events published, and update the events it imported before.

    ``numbers`` are the items of 主要活动 to import (None: every one that can be). The plan is
    checked again here (``plan_outcome``) against the database as it is now; ``ValidationError``
    if the plan cannot make a week or a chosen item has an error. All or nothing.

    New events are imported as the spreadsheet import does when the office publishes
    (``event_import_rows(publish=True)``): a draft entry and an approved entry in the history,
    no e-mails. They run from 09:00 on their first day to 17:00 on their last. An event found by
    its import key takes the plan's hosts, days (keeping its times of day), place, listed
    undertaking and co-organizing units, and its description if it had none; its subtitle,
    form and contacts stay as the units left them. A published event whose time or place
    changed gets the public "有变更" mark. Cancelled events are left alone.

    Side effects: the week row (the other weeks lose ``is_current`` for a new one); units;
    events, their partners and history; after commit, the public pages and the office board
    are told (``bump_public_version`` and the events counter) when anything they show changed.
    """
    if week is not None:
        week = Week.objects.select_for_update().get(pk=week.pk)  # two imports at once run one after the other
    outcome = plan_outcome(draft=draft, week=week)
    if not outcome.can_import:
        raise ValidationError(outcome.errors, code="plan")
    if numbers is None:
        chosen = [event for event in outcome.events if event.importable]
    else:
        chosen = [event for event in outcome.events if event.number in numbers]
    refused = [event for event in chosen if event.errors]
    if refused:
        raise ValidationError(
            [
                _("%(number)s%(title)s：%(error)s")
                % {"number": event.number_label, "title": event.subtitle, "error": event.errors[0]}
                for event in refused
            ],
            code="event",
        )
    chosen = [event for event in chosen if event.importable]

    week, week_created = _save_week(week, outcome.week_values)
    result = PlanResult(week=week, week_created=week_created)
    units = {unit.name: unit for unit in Organizer.objects.filter(name__in=_names(chosen))}
    for unit in outcome.new_units(chosen):
        organizer, created = Organizer.objects.get_or_create(name=unit.name, defaults={"kind": unit.kind})
        units[unit.name] = organizer
        if created:
            result.units_created.append(organizer)

    new_rows = []
    for planned in chosen:
        if planned.existing is None:
            event = _new_event(planned, week=week, units=units)
            new_rows.append((event, [], _partners(planned, units)))
            result.created.append(event)
        elif _update_event(planned, planned.existing, units=units):
            result.updated.append(planned.existing)
    event_import_rows(rows=new_rows, by=by, publish=True)  # tells the public pages if any
    week_changed = week_created or any(row.changed for row in outcome.week_fields)
    if result.updated or (week_changed and not new_rows):
        _bump_public_after_commit(result.updated)  # published events, or the week's period or contacts
    return result


def _names(events: list[PlannedEvent]) -> set[str]:
    return {
        name
        for event in events
        for name in (*(unit.name for unit in event.hosts), *event.undertakers, *event.co_organizers)
    }


def _save_week(week: Week | None, values: dict[str, object]) -> tuple[Week, bool]:
    values = dict(values)
    period = values.pop("period", None)
    created = week is None
    if created:
        Week.objects.filter(is_current=True).update(is_current=False)
        week = Week(is_current=True, is_published=False)
    if period is not None:
        week.starts_on, week.ends_on = period
    for name, value in values.items():
        setattr(week, name, value)
    week.save()
    return week, created


def _partners(planned: PlannedEvent, units: dict[str, Organizer]) -> list[PartnerSpec]:
    """Co-hosts (units, in the plan's order), then the undertaking and co-organizing units named
    (a unit when the platform has one by that name, else just the name)."""
    specs = [
        PartnerSpec(role=EventPartner.Role.HOST, organizer=units[unit.name]) for unit in planned.hosts[1:]
    ]
    for role, names in (
        (EventPartner.Role.UNDERTAKER, planned.undertakers),
        (EventPartner.Role.CO_ORGANIZER, planned.co_organizers),
    ):
        specs += [
            PartnerSpec(role=role, organizer=units.get(name), name="" if name in units else name)
            for name in names
        ]
    return specs


def _new_event(planned: PlannedEvent, *, week: Week, units: dict[str, Organizer]) -> Event:
    return Event(
        week=week,
        host=units[planned.hosts[0].name],
        subtitle=planned.subtitle,
        form=planned.form,
        place_kind=planned.place_kind,
        venue=planned.venue,
        place=planned.place,
        starts_at=planned.starts_at,
        ends_at=planned.ends_at,
        description=planned.description,
        import_key=planned.key,
    )


def _update_event(planned: PlannedEvent, event: Event, *, units: dict[str, Organizer]) -> bool:
    """Bring an event imported before to what the plan says now; whether anything changed."""
    if not planned.changes:
        return False
    moved = False
    event.host = units[planned.hosts[0].name]
    if event_days(event) != (planned.source.starts_on, planned.source.ends_on):
        zone = event.week.zone
        start_time = event.starts_at.astimezone(zone).time()
        end_time = event.ends_at.astimezone(zone).time()
        starts_at = event.week.at(planned.source.starts_on, start_time)
        ends_at = event.week.at(planned.source.ends_on, end_time)
        if ends_at <= starts_at:
            starts_at = event.week.at(planned.source.starts_on, DAY_STARTS)
            ends_at = event.week.at(planned.source.ends_on, DAY_ENDS)
        event.starts_at, event.ends_at = starts_at, ends_at
        moved = True
    place = (planned.place_kind, planned.venue, planned.place)
    if (event.place_kind, event.venue, event.place) != place:
        event.place_kind, event.venue, event.place = place
        if planned.place_kind in (Event.PlaceKind.ONLINE, *Event.TEXT_PLACE_KINDS):
            event.address = ""
        moved = True
    if planned.description and not event.description:
        event.description = planned.description
    if moved and event.status == Event.Status.APPROVED:
        event.changed_at = timezone.now()
    event.save()
    partners = _partners(planned, units)
    if not (planned.undertakers or planned.co_organizers):
        # The plan names no undertaking or co-organizing units: keep those the event has.
        partners += [
            PartnerSpec(role=p.role, organizer=p.organizer, name=p.name) for p in event.other_partners
        ]
    _replace_partners(event, partners)
    return True
