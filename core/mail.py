"""Rendering and sending mail after commit: the plumbing under every notice, reminder and digest.

``template_base`` names two templates, ``<base>.txt`` (plain text) and ``<base>.html``. Both get
the caller's context plus ``url`` (absolute, built from ``settings.SITE_URL``) and
``site_url``. Mail is rendered now (in Chinese, the portal's first language) and handed to
the mail backend on commit, so a rolled-back action sends nothing; a failing mail server is
logged, never undoes the action.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


def email_addresses(
    *, to: Iterable[str], subject: str, template_base: str, context: dict, url: str = ""
) -> None:
    """E-mail people who have no account (yet): an applicant, an invitee. Sent after commit."""
    text, html = render_message(template_base, {**context, "recipient": None}, url)
    send_email(to=list(to), subject=subject, text=text, html=html)


def send_email(*, to: list[str], subject: str, text: str, html: str = "") -> None:
    """Send one message after the current transaction commits (at once outside one)."""
    subject = " ".join(str(subject).split())

    def deliver() -> None:
        message = EmailMultiAlternatives(subject=subject, body=text, to=to)
        if html:
            message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception:  # the action is done; a mail outage must not turn it into an error page
            logger.exception("Could not send e-mail %r to %s", subject, to)

    if to:
        transaction.on_commit(deliver)


def render_message(template_base: str, context: dict, url: str) -> tuple[str, str]:
    full = {**context, "url": absolute_url(url), "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"{template_base}.txt", full).strip() + "\n"
        html = render_to_string(f"{template_base}.html", full)
    return text, html
