"""Tell people about things: an e-mail (sent after the transaction commits) and an in-site notice.

Generic on purpose, so any app can reuse it (event decisions now, report reminders later)::

    notify(
        users=[event.reporter],
        subject=Subject(gettext_noop("活动已发布：%(title)s"), {"title": event.subtitle}),
        template_base="events/emails/event_decision",
        context={"event": event},
        url=reverse("organizer:event_detail", args=[event.pk]),
    )

``template_base`` names two templates, ``<base>.txt`` (plain text, also the notice's body)
and ``<base>.html``. Both get ``context`` plus ``recipient`` (the user or None), ``url``
(absolute, built from ``settings.SITE_URL``) and ``site_url``. Mail is rendered now (in
Chinese, the portal's first language) and handed to the mail backend on commit, so a
rolled-back action sends nothing; a failing mail server is logged, never undoes the action.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from core.mail import render_message, send_email

from .models import Notice, User


@dataclass(frozen=True)
class Subject:
    """A notice's subject as its message id (marked with ``gettext_noop``) and values. The
    e-mail's subject is written in Chinese like its body, whatever language the person acting
    uses; the notice keeps both, so the site shows it in each reader's language."""

    msgid: str
    params: dict = field(default_factory=dict)

    def text(self, language: str = "") -> str:
        with translation.override(language or settings.LANGUAGE_CODE):
            return translation.gettext(self.msgid) % self.params


def notify(
    *, users: Iterable[User | None], subject: Subject, template_base: str, context: dict, url: str = ""
) -> list[Notice]:
    """Notify each distinct user by e-mail (when they have an address) and by an in-site notice.

    Side effects: one ``Notice`` per user, created now; one e-mail per user with an address,
    sent after commit. ``None`` entries and duplicates in ``users`` are skipped.
    """
    notices = []
    seen: set[int] = set()
    title = subject.text()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        text, html = render_message(template_base, {**context, "recipient": user}, url)
        notices.append(
            Notice(
                recipient=user,
                title=title[:200],
                subject_msgid=subject.msgid,
                subject_params=subject.params,
                body=text,
                url=url,
            )
        )
        if user.email:
            send_email(to=[user.email], subject=title, text=text, html=html)
    return Notice.objects.bulk_create(notices)
