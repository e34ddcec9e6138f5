"""A juror's pages, made for a phone: the link puts the juror in the browser's session; the
juror sees the entrants of their panel in running order, scores each criterion (every score
saved as it is typed, by ``static/contests/jury.js``, through ``ScoreView``), may comment or
declare a conflict of interest, and submits, which locks the scores. Never the ranking.

A juror is no user: the session remembers the jurors whose link this browser opened (with the
link's generation, so a renewed link shuts the old one out). Any other juror, entrant or
round is a 404. The pages work without JavaScript too (the sheet's form posts every score).
"""

from __future__ import annotations

import json
import time

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import View

from core.serving import file_response

from .. import services
from ..forms import AssessmentForm, ScoreSheetForm
from ..forms.jury import score_name
from ..models import Criterion, Juror
from ..selectors import jury as selectors

SESSION_KEY = "contest_jurors"


def remember_juror(request, juror: Juror) -> None:
    jurors = dict(request.session.get(SESSION_KEY, {}))
    jurors[str(juror.pk)] = juror.link_generation
    request.session[SESSION_KEY] = jurors


def session_jurors(request) -> dict[int, int]:
    return {int(pk): generation for pk, generation in request.session.get(SESSION_KEY, {}).items()}


def now_seq() -> int:
    """The order of a change made on the server (microseconds since the epoch, as the page's)."""
    return time.time_ns() // 1000


class EnterView(View):
    """The juror's link: remembered in this browser, then the juror's entrants."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, token: str, **kwargs):
        try:
            juror = services.juror_for_token(token)
        except ValidationError as error:
            return render(request, "contests/jury/invalid.html", {"message": error.messages[0]}, status=410)
        remember_juror(request, juror)
        return redirect("jury:lineup", juror_pk=juror.pk)


@method_decorator(never_cache, name="dispatch")
class JurorMixin(View):
    """The juror of the URL's ``juror_pk``, if this browser opened their current link."""

    def dispatch(self, request, *args, juror_pk: int, **kwargs):
        generation = session_jurors(request).get(juror_pk)
        juror = Juror.objects.select_related("round__contest", "track").filter(pk=juror_pk).first()
        if generation is None or juror is None or juror.link_generation != generation:
            raise Http404("Not this browser's juror")
        self.juror = juror
        return super().dispatch(request, *args, **kwargs)

    def entrant(self, entry_pk: int):
        """An entrant of the juror's panel, else 404."""
        return get_object_or_404(
            services.juror_lineup_q(self.juror).select_related("entry__track"), entry_id=entry_pk
        )


class HomeView(View):
    """The jurors this browser holds links of (usually one)."""

    http_method_names = ["get", "head"]

    @method_decorator(never_cache)
    def get(self, request, *args, **kwargs):
        held = session_jurors(request)
        jurors = [
            juror
            for juror in Juror.objects.filter(pk__in=held).select_related("round__contest")
            if juror.link_generation == held[juror.pk]
        ]
        if len(jurors) == 1:
            return redirect("jury:lineup", juror_pk=jurors[0].pk)
        return render(request, "contests/jury/home.html", {"jurors": jurors})


class LineupView(JurorMixin):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        progress = selectors.juror_progress(juror=self.juror)
        return render(
            request,
            "contests/jury/lineup.html",
            {
                "juror": self.juror,
                "round": self.juror.round,
                "contest": self.juror.round.contest,
                "progress": progress,
                "can_score": rules.test_rule("contests.score", self.juror),
            },
        )


class SheetView(JurorMixin):
    """One entrant's sheet: a field per criterion (saved as typed), a comment, the conflict
    switch, the entrant before and after. Posted without JavaScript, every score is saved."""

    http_method_names = ["get", "post", "head"]

    def get(self, request, *args, entry_pk: int, **kwargs):
        return self._render(self.entrant(entry_pk))

    def post(self, request, *args, entry_pk: int, **kwargs):
        round_entry = self.entrant(entry_pk)
        criteria = selectors.round_criteria(juror=self.juror)
        form = ScoreSheetForm(request.POST, criteria=criteria)
        if not rules.test_rule("contests.score", self.juror):
            messages.error(request, _("评分已锁定。"))
            return redirect("jury:sheet", juror_pk=self.juror.pk, entry_pk=entry_pk)
        if not form.is_valid():
            return self._render(round_entry, form=form, status=400)
        try:
            seq = now_seq()
            for criterion, value in form.scores().items():
                services.score_save(
                    juror=self.juror, entry=round_entry.entry, criterion=criterion, value=value, seq=seq
                )
            services.assessment_save(
                juror=self.juror, entry=round_entry.entry, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self._render(round_entry, form=form, status=409)
        messages.success(request, _("已保存。"))
        following = selectors.next_entrant(juror=self.juror, after=round_entry)
        if following is not None:
            return redirect("jury:sheet", juror_pk=self.juror.pk, entry_pk=following.entry_id)
        return redirect("jury:lineup", juror_pk=self.juror.pk)

    def _render(self, round_entry, *, form=None, status: int = 200):
        sheet = selectors.juror_sheet(juror=self.juror, round_entry=round_entry)
        if form is None:
            initial = {score_name(c): sheet.values.get(c.pk) for c in sheet.criteria}
            form = ScoreSheetForm(initial={**initial, "comment": sheet.comment}, criteria=sheet.criteria)
        return render(
            self.request,
            "contests/jury/sheet.html",
            {
                "juror": self.juror,
                "round": self.juror.round,
                "sheet": sheet,
                "form": form,
                "rows": [
                    (c, form[score_name(c)], sheet.values.get(c.pk), sheet.seqs.get(c.pk, 0))
                    for c in sheet.criteria
                ],
                "can_score": rules.test_rule("contests.score", self.juror),
            },
            status=status,
        )


class ScoreView(JurorMixin):
    """Save one score (or the comment) as the juror types it: JSON in, JSON out.

    Body: ``{"criterion": id, "value": "27.5", "seq": n}`` or ``{"comment": "..."}``. The
    answer says what is stored (``applied`` false: a newer change was stored before). Errors:
    400 bad input, 404 not the juror's entrant, 409 locked or conflict declared."""

    http_method_names = ["post"]

    def post(self, request, *args, entry_pk: int, **kwargs):
        round_entry = self.entrant(entry_pk)
        try:
            payload = json.loads(request.body or b"{}")
            if not isinstance(payload, dict):
                raise ValueError
        except ValueError:
            return JsonResponse({"ok": False, "error": _("无法识别的请求。")}, status=400)
        if not rules.test_rule("contests.score", self.juror):
            return JsonResponse({"ok": False, "error": _("评分已锁定。"), "locked": True}, status=409)
        try:
            if "comment" in payload:
                services.assessment_save(
                    juror=self.juror, entry=round_entry.entry, comment=str(payload["comment"])[:2000]
                )
                return JsonResponse({"ok": True})
            criterion = Criterion.objects.filter(
                pk=_int(payload.get("criterion")), round_id=self.juror.round_id
            ).first()
            if criterion is None:
                return JsonResponse({"ok": False, "error": _("该评分项不属于本轮。")}, status=400)
            saved = services.score_save(
                juror=self.juror,
                entry=round_entry.entry,
                criterion=criterion,
                value=payload.get("value"),
                seq=_int(payload.get("seq")) or now_seq(),
            )
        except ValidationError as error:
            status = 409 if error.code in ("locked", "conflict") else 400
            return JsonResponse(
                {"ok": False, "error": error.messages[0], "locked": error.code == "locked"}, status=status
            )
        return JsonResponse(
            {"ok": True, "value": str(saved.value), "seq": saved.seq, "applied": saved.applied}
        )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class ConflictView(JurorMixin):
    """Declare (or take back) a conflict of interest about an entrant."""

    http_method_names = ["post"]

    def post(self, request, *args, entry_pk: int, **kwargs):
        round_entry = self.entrant(entry_pk)
        form = AssessmentForm(request.POST)
        if form.is_valid() and rules.test_rule("contests.score", self.juror):
            try:
                services.assessment_save(
                    juror=self.juror,
                    entry=round_entry.entry,
                    conflict=form.cleaned_data["conflict"],
                    conflict_note=form.cleaned_data["conflict_note"],
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(
                    request,
                    _("已申请回避，您对该项目的评分不计入成绩。")
                    if form.cleaned_data["conflict"]
                    else _("已取消回避。"),
                )
        else:
            messages.error(request, _("评分已锁定。"))
        return redirect("jury:sheet", juror_pk=self.juror.pk, entry_pk=entry_pk)


class SubmitView(JurorMixin):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.juror_submit(juror=self.juror)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("评分已提交并锁定，感谢您的评审！"))
        return redirect("jury:lineup", juror_pk=self.juror.pk)


class PlanView(JurorMixin):
    """An entrant's business plan, for the jurors of its panel."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, entry_pk: int, **kwargs):
        entry = self.entrant(entry_pk).entry
        if not entry.plan:
            raise Http404("No plan")
        response = file_response(
            request,
            entry.plan,
            content_type="application/pdf",
            filename=f"{entry.name}_商业计划书.pdf",
            as_attachment=False,
        )
        response["Cache-Control"] = "private, max-age=300"
        return response
