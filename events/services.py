"""Business actions on weeks, units, members and events.

Called alike by views, admin actions, management commands and tasks. Each function takes
keyword-only arguments and says its side effects in its docstring.
"""
from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import OFFICE_GROUP


@transaction.atomic
def office_user_create(*, username: str, email: str, password: str, full_name: str = "") -> User:
    """Create an office reviewer (or make an existing user one).

    Side effects: the user is active, staff (for the admin) and in the office group.
    """
    user, _ = User.objects.get_or_create(username=username)
    user.email = email
    user.full_name = full_name or user.full_name
    user.is_active = True
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=OFFICE_GROUP))
    return user
