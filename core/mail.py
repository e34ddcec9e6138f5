"""Rendering and sending mail after commit: the plumbing under every notice, reminder and digest.

``template_base`` names two templates, ``<base>.txt`` (plain text) and ``<base>.html``. Both get
the caller's context plus ``url`` (absolute, built from ``settings.SITE_URL``) and
``site_url``. Mail is rendered now (in Chinese, the portal's first language, unless it answers
the visitor's own action on a page) and written to
the outbox (``core.outbox``) in the action's transaction, so a rolled-back action sends
nothing; a worker sends it after commit, and a failing mail server never undoes the action.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .outbox import outbox_write


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


def send_email(*, to: list[str], subject: str, text: str, html: str = "", key: str = "") -> None:
    """Send one message after the current transaction commits, through the outbox (once per
    ``key``, retried when it surely did not leave, never sent twice)."""
    outbox_write(to=to, subject=subject, text=text, html=html, key=key)


def render_message(template_base: str, context: dict, url: str, *, language: str = "") -> tuple[str, str]:
    """The text and HTML of a message, in Chinese unless ``language`` says otherwise: a mail
    answering what a visitor just did on a page (a code, a registration to confirm) speaks the
    page's language, as its subject does; notices to other people are written in Chinese."""
    full = {**context, "url": absolute_url(url), "site_url": settings.SITE_URL}
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render_to_string(f"{template_base}.txt", full).strip() + "\n"
        html = render_to_string(f"{template_base}.html", full)
    return text, html
