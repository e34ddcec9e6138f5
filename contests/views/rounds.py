"""The organizer's pages of a round: its entrants in running order, criteria, jurors and their
links, the live ranking (never shown to jurors), publishing the results, the exports, and the
public vote's activity with voiding a flagged window.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, UpdateView, View

from .. import exports, services
from ..forms import CriterionForm, JurorForm, RoundForm, VoidForm
from ..forms.base import DATETIME_INPUT
from ..models import Assessment, Criterion, Juror, Round, RoundEntry, Score
from ..selectors import manage as selectors
from ..selectors.ranking import round_ranking
from ..selectors.voting import vote_activity
from .base import DOCX, XLSX, ManagedActionView, ManagedObjectMixin, download


class RoundMixin(ManagedObjectMixin):
    model = Round
    related = ("contest__event",)
    context_object_name = "round"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "contest": self.object.contest}


class RoundView(RoundMixin, DetailView):
    template_name = "contests/manage/round.html"

    def get_context_data(self, **kwargs):
        round_ = self.object
        context = super().get_context_data(**kwargs)
        jurors = list(selectors.round_jurors(round_=round_))
        context.update(
            lineup=list(selectors.round_lineup(round_=round_)),
            criteria=list(round_.criteria.all()),
            jurors=[(juror, services.juror_link_url(juror)) for juror in jurors],
            criterion_form=CriterionForm(),
            juror_form=JurorForm(tracks=round_.contest.tracks.all()),
            weight_total=sum(c.weight for c in round_.criteria.all()),
        )
        return context


class RoundEditView(RoundMixin, UpdateView):
    template_name = "contests/manage/round_form.html"
    form_class = RoundForm

    def form_valid(self, form):
        try:
            services.round_save(round_=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return redirect("contests:round", pk=self.object.pk)


class RoundActionView(ManagedActionView):
    """A POST about a round: back to the round's page."""

    model = Round
    related = ("contest",)

    def back(self, round_):
        return reverse("contests:round", args=[round_.pk])


class CriterionAddView(RoundActionView):
    def act(self, round_):
        form = CriterionForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        services.criterion_add(round_=round_, **form.cleaned_data)
        return _("已添加评分项。")


class CriterionDeleteView(ManagedActionView):
    model = Criterion
    contest_path = "round__contest"
    related = ("round",)

    def act(self, criterion):
        services.criterion_delete(criterion=criterion)
        return _("已删除评分项。")

    def back(self, criterion):
        return reverse("contests:round", args=[criterion.round_id])


class JurorAddView(RoundActionView):
    def act(self, round_):
        form = JurorForm(self.request.POST, tracks=round_.contest.tracks.all())
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        juror = services.juror_invite(round_=round_, by=self.request.user, **form.cleaned_data)
        if juror.email:
            return _("已邀请评委 %(name)s，评审链接已发到其邮箱。") % {"name": juror.name}
        return _("已邀请评委 %(name)s，请复制评审链接发给评委。") % {"name": juror.name}


class JurorActionView(ManagedActionView):
    model = Juror
    contest_path = "round__contest"
    related = ("round__contest",)

    def back(self, juror):
        return reverse("contests:round", args=[juror.round_id])


class JurorLinkRenewView(JurorActionView):
    def act(self, juror):
        services.juror_link_renew(juror=juror, by=self.request.user)
        return _("已为 %(name)s 生成新的评审链接，旧链接已失效。") % {"name": juror.name}


class JurorRemoveView(JurorActionView):
    def act(self, juror):
        services.juror_remove(juror=juror, by=self.request.user)
        return _("已移除评委。")


class JurorReopenView(JurorActionView):
    def act(self, juror):
        services.juror_reopen(juror=juror, by=self.request.user)
        return _("已退回 %(name)s 的评分，评委可以修改后重新提交。") % {"name": juror.name}


class JurorSheetView(ManagedObjectMixin, View):
    """One juror's signed score sheet (.docx)."""

    http_method_names = ["get", "head"]
    model = Juror
    contest_path = "round__contest"
    related = ("round__contest", "track")

    def get(self, request, *args, **kwargs):
        juror = self.get_object()
        lineup = services.juror_lineup_q(juror).select_related("entry").order_by("running_order", "id")
        content = exports.juror_sheet_document(
            juror=juror,
            lineup=list(lineup),
            criteria=list(juror.round.criteria.all()),
            scores=list(Score.objects.filter(juror=juror)),
            assessments=list(Assessment.objects.filter(juror=juror)),
        )
        return download(content, content_type=DOCX, filename=exports.sheet_filename(juror))


class LineupDrawView(RoundActionView):
    """Draw lots (抽签) for the running order."""

    def act(self, round_):
        ids = list(round_.lineup.values_list("entry_id", flat=True))
        random.SystemRandom().shuffle(ids)
        services.lineup_order(round_=round_, entry_ids=ids)
        return _("已抽签确定出场顺序。")


class RoundEntryRemoveView(ManagedActionView):
    model = RoundEntry
    contest_path = "round__contest"
    related = ("round", "entry")

    def act(self, round_entry):
        services.round_entry_remove(round_entry=round_entry, by=self.request.user)
        return _("已将 %(name)s 移出本轮。") % {"name": round_entry.entry.name}

    def back(self, round_entry):
        return reverse("contests:round", args=[round_entry.round_id])


class StoryView(ManagedObjectMixin, UpdateView):
    """A candidate's story shown in the public vote."""

    model = RoundEntry
    contest_path = "round__contest"
    related = ("round__contest", "entry")
    fields = ["story"]
    template_name = "contests/manage/story_form.html"
    context_object_name = "round_entry"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "round": self.object.round,
            "contest": self.object.round.contest,
        }

    def form_valid(self, form):
        form.save()
        services.setup.bump_public_after_commit()
        messages.success(self.request, _("已保存。"))
        return redirect("contests:round", pk=self.object.round_id)


# --- Ranking and results --------------------------------------------------------------------


class RankingView(RoundMixin, DetailView):
    """The live ranking: organizers and the office only (no juror rule reaches it)."""

    template_name = "contests/manage/ranking.html"

    def get_context_data(self, **kwargs):
        ranked = round_ranking(round_=self.object)
        for item in ranked.entrants:
            item.cells = exports.juror_cells(item.row, ranked.jurors)
        return {
            **super().get_context_data(**kwargs),
            "ranked": ranked,
            "rules_text": exports.rules_text(self.object),
        }


class PublishView(RoundActionView):
    permission_required = "contests.publish_results"

    def act(self, round_):
        services.results_publish(round_=round_, by=self.request.user)
        return _("成绩已公布。")


class ResultsXlsxView(ManagedObjectMixin, View):
    http_method_names = ["get", "head"]
    model = Round
    related = ("contest",)

    def get(self, request, *args, **kwargs):
        ranked = round_ranking(round_=self.get_object())
        return download(
            exports.results_workbook(ranked), content_type=XLSX, filename=exports.results_filename(ranked)
        )


# --- The public vote -------------------------------------------------------------------------


def _parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.strptime(value, DATETIME_INPUT)
    except ValueError:
        return None
    return timezone.make_aware(parsed)


class VotesView(RoundMixin, DetailView):
    """Votes per candidate (valid, voided, busiest minute) and per minute for a window (the
    last hour by default; ?since=&until= as YYYY-MM-DDTHH:MM), the voids, and the void form."""

    template_name = "contests/manage/votes.html"
    permission_required = "contests.watch_votes"

    def get_context_data(self, **kwargs):
        round_ = self.object
        activity = vote_activity(
            round_=round_,
            since=_parse_time(self.request.GET.get("since")),
            until=_parse_time(self.request.GET.get("until")),
        )
        names = {item.round_entry.entry_id: item.round_entry.entry for item in activity.candidates}
        return {
            **super().get_context_data(**kwargs),
            "activity": activity,
            "minute_rows": [
                (
                    minute,
                    [
                        (names.get(entry_id), count)
                        for entry_id, count in sorted(row.items(), key=lambda i: -i[1])
                    ],
                )
                for minute, row in activity.minutes
            ],
            "void_form": kwargs.get("void_form")
            or VoidForm(
                round_=round_,
                initial={
                    "starts_at": timezone.localtime(activity.since),
                    "ends_at": timezone.localtime(activity.until),
                },
            ),
            "since_value": timezone.localtime(activity.since).strftime(DATETIME_INPUT),
            "until_value": timezone.localtime(activity.until).strftime(DATETIME_INPUT),
        }


class VoidView(ManagedObjectMixin, FormView):
    model = Round
    related = ("contest",)
    permission_required = "contests.watch_votes"
    form_class = VoidForm
    http_method_names = ["post"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "round_": self.get_object()}

    def form_valid(self, form):
        round_ = self.get_object()
        try:
            record = services.votes_void(round_=round_, by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(self.request, error.messages[0])
        else:
            messages.success(self.request, _("已作废 %(count)d 票，原因已记录。") % {"count": record.count})
        return redirect("contests:votes", pk=round_.pk)

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect("contests:votes", pk=self.get_object().pk)
