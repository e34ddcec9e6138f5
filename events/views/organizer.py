from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from rules.contrib.views import permission_required

from ..selectors import organizer as selectors


@login_required
@permission_required("events.use_organizer_area", raise_exception=True)
def dashboard(request):
    """The unit's events with their status, dates and venue."""
    events = selectors.events_for_units(user=request.user)
    return render(request, "events/organizer/dashboard.html", {"events": events})
