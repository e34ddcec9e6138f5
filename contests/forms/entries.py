"""An applicant's entry (the contest's own questions added as fields), their account, and
the organizer's screening (one entry, or many at once)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.forms import SingleLineFieldsMixin
from core.text import validate_single_line
from events.forms import AcceptInvitationForm, PhoneField

from ..models import Entry, FormField, Round
from ..validation import (
    SINGLE_LINE_ENTRY_FIELDS,
    check_pdf,
    checked_video_suffix,
    members_text,
    parse_members,
)
from .base import HelperMixin

PDF_ACCEPT = {"accept": "application/pdf"}


def field_name(field: FormField) -> str:
    return f"q_{field.pk}"


class EntryForm(SingleLineFieldsMixin, HelperMixin, forms.ModelForm):
    """An entry and the answers to the contest's questions. Only the project name and track
    are needed for a draft: what submitting needs besides (``services.missing_for_submit``)
    is listed on the entry's page after the draft is saved, so no upload is ever lost to a
    missing field."""

    single_line_fields = SINGLE_LINE_ENTRY_FIELDS

    contact_phone = PhoneField(label=_("联系电话"), max_length=32, required=False)
    plan_upload = forms.FileField(
        label=_("商业计划书（PDF）"),
        required=False,
        widget=forms.ClearableFileInput(attrs=PDF_ACCEPT),
        help_text=_("PDF 格式，不超过 20 MB；重新上传会替换原文件。"),
    )
    video_upload = forms.FileField(
        label=_("路演视频（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "video/*"}),
        help_text=_(
            "MP4、MOV 等常见格式，不超过 1 GB，至少 1280×720；上传后系统会检查视频是否完整，"
            "入围网络投票后公开播放的是转码后的网页版。"
        ),
    )

    class Meta:
        model = Entry
        fields = ["track", "name", "organization", "contact_name", "contact_phone", "contact_email"]

    def __init__(
        self,
        *args,
        contest,
        questions: list[FormField],
        stored_files: set[int] = frozenset(),
        hall_projects=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.contest, self.questions = contest, questions
        self._add_project_field(hall_projects)
        self.stored_files = set(stored_files)
        self.fields["track"].queryset = contest.tracks.order_by("order", "id")
        self.fields["track"].empty_label = None
        for name in ("organization", "contact_name", "contact_email"):
            self.fields[name].required = False
        answers = self.instance.answers or {}
        for question in questions:
            self.fields[field_name(question)] = self._question_field(
                question, answers.get(question.answer_key)
            )
        self.video_suffix = ".mp4"

    def _add_project_field(self, projects) -> None:
        """The hall project the entry presents: offered when the applicant holds public
        projects in the week's halls (``selectors.hall.hall_projects``), or the entry already
        presents one (one the organizer linked stays selectable)."""
        current = self.instance.project if self.instance.project_id else None
        choices = list(projects or [])
        if current is not None and current.pk not in {project.pk for project in choices}:
            choices.insert(0, current)
        if not choices:
            return
        self.fields["project"] = forms.TypedChoiceField(
            label=_("展厅项目（可选）"),
            choices=[("", _("不关联"))] + [(project.pk, project.title) for project in choices],
            coerce=int,
            empty_value=None,
            required=False,
            initial=current.pk if current else None,
            help_text=_("您在本活动周网上展厅中的项目：大赛页面和投票页面会展示它并链接到展厅。"),
        )
        self.project_choices = {project.pk: project for project in choices}

    def clean_project(self):
        pk = self.cleaned_data.get("project")
        self.instance.project = self.project_choices.get(pk) if pk else None
        return pk

    def _question_field(self, question: FormField, answer):
        common = {"label": question.label, "required": False, "help_text": question.help_text}
        if question.kind == FormField.Kind.CHOICE:
            return forms.ChoiceField(
                choices=[("", _("请选择"))] + [(choice, choice) for choice in question.choices],
                initial=answer,
                **common,
            )
        if question.kind == FormField.Kind.FILE:
            help_text = question.help_text or _("PDF 格式，不超过 20 MB。")
            if question.pk in self.stored_files:
                help_text = f"{help_text} {_('已上传，重新上传会替换原文件。')}"
            attrs = dict(PDF_ACCEPT)
            if self.instance.pk:  # the edit page sends it at once, resumably (static/js/contest_upload.js)
                attrs["data-tus"] = reverse(
                    "contest:entry_file_resumable", args=[self.instance.pk, question.pk]
                )
            return forms.FileField(
                widget=forms.ClearableFileInput(attrs=attrs), **{**common, "help_text": help_text}
            )
        if question.kind == FormField.Kind.MEMBERS:
            help_text = question.help_text or _(
                "每行一人：姓名和角色，如“张三 负责人”。最多 %(count)d 人。"
            ) % {"count": question.max_members}
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=members_text(answer or []),
                **{**common, "help_text": help_text},
            )
        if question.multiline:
            return forms.CharField(
                max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), initial=answer, **common
            )
        return forms.CharField(max_length=200, validators=[validate_single_line], initial=answer, **common)

    def clean_plan_upload(self):
        upload = self.cleaned_data.get("plan_upload")
        if upload:
            check_pdf(upload)
        return upload

    def clean_video_upload(self):
        upload = self.cleaned_data.get("video_upload")
        if upload:
            self.video_suffix = checked_video_suffix(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        self.answers, self.uploads = dict(self.instance.answers or {}), {}
        for question in self.questions:
            name = field_name(question)
            value = cleaned.get(name)
            if name in self.errors:
                continue
            try:
                if question.kind == FormField.Kind.FILE:
                    if value:
                        check_pdf(value)
                        self.uploads[question.pk] = value
                elif question.kind == FormField.Kind.MEMBERS:
                    self.answers[question.answer_key] = parse_members(value or "", limit=question.max_members)
                else:
                    self.answers[question.answer_key] = (value or "").strip()
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if hasattr(self, "answers"):
            self.instance.answers = self.answers


class ApplicantSignUpForm(SingleLineFieldsMixin, HelperMixin, AcceptInvitationForm):
    """A new applicant's account: login name = e-mail address, confirmed by a link."""

    single_line_fields = ("full_name",)

    email = forms.EmailField(
        label=_("邮箱（登录名）"), help_text=_("确认邮件会发到这个邮箱，确认后才能提交报名。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["email", "full_name", "phone", "password1", "password2"])

    def clean_email(self):
        email = self.cleaned_data["email"]
        self.email = email  # the password must not resemble it
        return email


class ScreenForm(HelperMixin, forms.Form):
    DECISIONS = [("eligible", _("符合条件")), ("ineligible", _("不符合条件"))]

    decision = forms.ChoiceField(label=_("审核结果"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不符合条件时必填，报名人会收到。"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "ineligible" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("不符合条件时请填写原因。"))
        return cleaned


class BulkForm(forms.Form):
    """An action on the entries ticked in the list: screen them, or move them into a round."""

    ACTIONS = [
        ("eligible", _("标记为符合条件")),
        ("ineligible", _("标记为不符合条件")),
        ("advance", _("晋级到")),
    ]

    entries = forms.ModelMultipleChoiceField(
        queryset=Entry.objects.none(), error_messages={"required": _("请先勾选报名。")}
    )
    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(required=False, max_length=500)
    round = forms.ModelChoiceField(queryset=Round.objects.none(), required=False)

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = Entry.objects.filter(contest=contest).exclude(
            status=Entry.Status.DRAFT
        )
        self.fields["round"].queryset = contest.rounds.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "ineligible" and not (cleaned.get("reason") or "").strip():
            raise ValidationError(_("标记为不符合条件时请填写原因，报名人会收到。"))
        if cleaned.get("action") == "advance" and not cleaned.get("round"):
            raise ValidationError(_("请选择晋级到哪一轮。"))
        return cleaned


class EntryProjectForm(HelperMixin, forms.Form):
    """The organizer links an entry to a public project of the week's halls, or unlinks it."""

    project = forms.ModelChoiceField(
        label=_("展厅项目"),
        queryset=None,
        required=False,
        empty_label=_("不关联"),
        help_text=_(
            "本活动周网上展厅中已公开展示的项目；审核通过后在大赛页面展示，入围网络投票时在投票页面展示。"
        ),
        error_messages={"invalid_choice": _("该项目不在本活动周的网上展厅中公开展示，请重新选择。")},
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
