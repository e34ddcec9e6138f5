"""The server-error page: a database that is away is "try again shortly" (503), not a crash.

Django calls ``server_error`` from inside its exception handling, for exceptions raised in
views and in middleware alike (a session saved while PostgreSQL restarts), so the exception
is still at hand. Both pages render without the database and without a request context.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

RETRY_AFTER_SECONDS = 15


def database_unavailable(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


# Posted fields never shown back: tokens, passwords, and what only a machine reads.
HIDDEN_FIELDS = ("csrfmiddlewaretoken", "password", "token", "action", "then")


def server_error(request, template_name: str = "500.html"):
    if database_unavailable(sys.exc_info()[1]):
        context = {"typed": typed_text(request)}
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.render_to_string(template_name))


def typed_text(request) -> list[tuple[str, str]]:
    """What the person typed into the form that could not be saved, to copy before retrying.

    Only text fields (never a file, a password or a token); nothing when the body cannot be
    read any more."""
    if request is None or request.method != "POST":
        return []
    if request.content_type != "application/x-www-form-urlencoded":
        return []  # an upload's multipart body is not parsed just to show nothing of it
    try:
        posted = request.POST
    except Exception:  # a body already consumed or malformed: nothing to show, the page still answers
        return []
    typed = []
    for name, values in posted.lists():
        if any(hidden in name for hidden in HIDDEN_FIELDS):
            continue
        typed += [(name, value) for value in values if isinstance(value, str) and value.strip()]
    return typed
