from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from core.roles import is_office_reviewer, is_organizer_member


@login_required
def after_login(request):
    """Send each role to its own area after signing in."""
    user = request.user
    if is_office_reviewer(user):
        return redirect("board:home")
    if is_organizer_member(user):
        return redirect("organizer:dashboard")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("home")
