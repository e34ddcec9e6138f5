"""Projects presented at events: a curator (or the office) sets the ordered list of a hall's
accepted projects that a 路演 or 对接会 of the hall's week presents (``selectors.presentations``
says which events may). The public event page lists them, a project's page its events.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.public_cache import bump_public_version_after_commit
from events.models import Event, User

from ..models import Exhibition, Presentation, Project
from ..selectors.presentations import presenting_events

# A session presents a couple of dozen projects (seed 000: 18); the list stays readable.
MAX_PER_EVENT = 60


@transaction.atomic
def presentations_set(
    *, exhibition: Exhibition, event: Event, project_ids: list[int], by: User
) -> list[Presentation]:
    """Make ``project_ids``, in this order, the hall's projects presented at ``event``: those
    left out are taken off, the others kept (their order changed) or added. Projects of other
    halls at the same event are not touched.

    Raises ``ValidationError`` when the event may not present the hall's projects (not an
    approved 路演 or 对接会 of the hall's week), a project is not an accepted one of the hall,
    or the list is longer than ``MAX_PER_EVENT``. Side effects: ``Presentation`` rows (the
    hall's row is locked, so two curators' changes are made one after the other);
    ``bump_public_version()`` after commit (the event's and the projects' public pages).
    Returns the hall's presentations at the event, in order."""
    Exhibition.objects.select_for_update().filter(pk=exhibition.pk).values_list("pk").first()
    if not presenting_events(exhibition=exhibition).filter(pk=event.pk).exists():
        raise ValidationError(_("只能为展厅所在活动周已发布的路演或对接会安排展项。"), code="event")
    ids = list(dict.fromkeys(int(pk) for pk in project_ids))
    if len(ids) > MAX_PER_EVENT:
        raise ValidationError(
            _("每场活动最多安排 %(count)d 个展项。") % {"count": MAX_PER_EVENT}, code="too_many"
        )
    accepted = set(
        Project.objects.filter(exhibition=exhibition, status=Project.Status.ACCEPTED, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if accepted != set(ids):
        raise ValidationError(_("只能安排本展厅已入展的展项。"), code="project")
    current = {
        item.project_id: item
        for item in Presentation.objects.filter(event=event, project__exhibition=exhibition)
    }
    Presentation.objects.filter(
        pk__in=[item.pk for pid, item in current.items() if pid not in accepted]
    ).delete()
    result = []
    for order, project_id in enumerate(ids, start=1):
        item = current.get(project_id)
        if item is None:
            item = Presentation.objects.create(event=event, project_id=project_id, order=order, added_by=by)
        elif item.order != order:
            item.order = order
            item.save(update_fields=["order"])
        result.append(item)
    bump_public_version_after_commit(events=[event.pk])
    return result
