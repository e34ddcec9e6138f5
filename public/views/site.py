"""The site's own small pages: "订阅与数据" (what each feed is for) and /favicon.ico."""

from __future__ import annotations

import functools

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from events.context_processors import public_current_week

from ..feeds import absolute
from .pages import PublicPageView, share_card

FAVICON = "img/favicon.ico"
ICON_CACHE_CONTROL = "public, max-age=604800"


class OpenDataView(PublicPageView):
    """The calendar, frab and JSON feeds with one line on what each is for.

    They used to sit in the footer of every page, where on a phone they were a row of file
    names nobody could use; the footer now links here."""

    template_name = "public/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        week = public_current_week(self.request)
        # The feeds answer 404 until the week is published: list them only once they answer.
        published = week is not None and week.is_published
        context.update(week=week, feeds=_feeds() if published else [])
        return context

    def share_meta(self, context) -> dict:
        return share_card(
            self.request,
            title=_("订阅与数据"),
            description=_("日历订阅、frab 日程和 JSON 接口：把活动周日程放进日历、日程应用或你的网站。"),
        )


def _feeds() -> list[dict]:
    rows = [
        (
            "schedule_ics",
            _("日历订阅 (.ics)"),
            _("在手机或电脑的日历中订阅全部活动，日程有变化时日历会自动更新。"),
        ),
        (
            "schedule_xml",
            _("frab 日程 (XML)"),
            _("会议日程的通用格式，Giggity、ConfClerk 等日程应用可直接导入。"),
        ),
        (
            "schedule_frab_json",
            _("frab 日程 (JSON)"),
            _("与上面相同的日程，JSON 格式，供网页和小程序读取。"),
        ),
        (
            "api_schedule",
            _("JSON 数据接口"),
            _("全部活动和会场的结构化数据，供开发者和其他网站使用，允许跨域读取。"),
        ),
    ]
    feeds = [
        {
            "name": name,
            "title": title,
            "purpose": purpose,
            "path": reverse(name),
            "url": absolute(reverse(name)),
        }
        for name, title, purpose in rows
    ]
    # webcal: makes a phone offer "subscribe" (kept up to date) instead of a one-off import.
    feeds[0]["subscribe"] = "webcal://" + feeds[0]["url"].split("://", 1)[1]
    return feeds


class FaviconView(View):
    """/favicon.ico, where browsers and chat apps ask whatever the page links."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
        response["Cache-Control"] = ICON_CACHE_CONTROL
        return response


@functools.cache
def _favicon_bytes() -> bytes:
    path = finders.find(FAVICON)
    if not path:
        raise Http404("No favicon")
    with open(path, "rb") as icon:
        return icon.read()
