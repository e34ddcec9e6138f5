"""Who may see the sub-venues' portals and their state (django-rules, as ``events/rules.py``).
Each name is both a permission and a rule; views ask the rule."""

import rules

from events.rules import is_office_reviewer

PERMISSIONS = {
    # The office subscribes to sub-venues in the admin and watches their state here.
    "federation.see_sources": is_office_reviewer,
}

for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
    rules.add_rule(_name, _predicate)
