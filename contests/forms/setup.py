"""The organizer's forms: the contest, a track, a round, a question of the registration form,
a criterion, a juror."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import SingleLineFieldsMixin
from events.forms import PhoneField

from ..models import Contest, FormField, Juror, Round
from .base import HelperMixin, date_widget, datetime_field


class ContestForm(SingleLineFieldsMixin, HelperMixin, forms.ModelForm):
    single_line_fields = ("title",)

    registration_opens_at = datetime_field(_("报名开始时间"))
    registration_closes_at = datetime_field(
        _("报名截止时间"), help_text=_("截止前报名人可随时修改报名信息。")
    )

    class Meta:
        model = Contest
        fields = [
            "event",
            "title",
            "slug",
            "intro",
            "registration_opens_at",
            "registration_closes_at",
            "is_published",
        ]
        widgets = {"intro": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "event": _("大赛所属的活动，由该活动的主办单位组织。"),
            "intro": _("纯文本，空一行分段：赛事介绍、参赛条件、赛程安排等。"),
            "is_published": _("公开后，大赛页面和报名入口对外可见。"),
        }

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["event"].label_from_instance = lambda event: f"{event.subtitle}（{event.host.name}）"
        if self.instance.pk:
            self.fields["event"].disabled = True

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("报名截止时间须晚于报名开始时间。"))
        return cleaned


class TrackForm(SingleLineFieldsMixin, HelperMixin, forms.Form):
    single_line_fields = ("name",)

    name = forms.CharField(label=_("组别名称"), max_length=40, help_text=_("如：企业组、团队组。"))


class RoundForm(SingleLineFieldsMixin, HelperMixin, forms.ModelForm):
    single_line_fields = ("name", "place")

    vote_opens_at = datetime_field(
        _("网络投票开始时间"), required=False, help_text=_("本轮有网络投票时填写，否则留空。")
    )
    vote_closes_at = datetime_field(_("网络投票截止时间"), required=False)

    class Meta:
        model = Round
        fields = [
            "name",
            "number",
            "starts_on",
            "ends_on",
            "place",
            "trimmed_mean",
            "tie_rule",
            "vote_opens_at",
            "vote_closes_at",
        ]
        widgets = {"starts_on": date_widget(), "ends_on": date_widget(), "tie_rule": forms.RadioSelect}
        help_texts = {"name": _("如：预赛、复赛、决赛。")}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        opens, closes = cleaned.get("vote_opens_at"), cleaned.get("vote_closes_at")
        if bool(opens) != bool(closes):
            self.add_error("vote_closes_at", _("网络投票须同时填写开始和截止时间。"))
        elif opens and closes <= opens:
            self.add_error("vote_closes_at", _("网络投票截止时间须晚于开始时间。"))
        return cleaned


class FormFieldForm(SingleLineFieldsMixin, HelperMixin, forms.ModelForm):
    single_line_fields = ("label", "help_text")

    choices_text = forms.CharField(
        label=_("选项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("单选题填写，每行一个选项。"),
    )

    class Meta:
        model = FormField
        fields = ["label", "kind", "help_text", "required", "multiline", "max_members"]
        help_texts = {
            "multiline": _("文字题：允许填写多行。"),
            "max_members": _("团队成员题：最多填写的人数。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])
        self.order_fields(["label", "kind", "choices_text"])

    def clean(self):
        cleaned = super().clean()
        choices = [line.strip() for line in (cleaned.get("choices_text") or "").splitlines() if line.strip()]
        if cleaned.get("kind") == FormField.Kind.CHOICE and len(set(choices)) < 2:
            self.add_error("choices_text", _("单选题至少需要两个选项。"))
        self.instance.choices = choices
        return cleaned


class CriterionForm(SingleLineFieldsMixin, HelperMixin, forms.Form):
    single_line_fields = ("name",)

    name = forms.CharField(
        label=_("评分项"), max_length=40, help_text=_("如：技术创新、市场前景、团队、路演表现。")
    )
    weight = forms.DecimalField(label=_("权重"), min_value=0.01, max_digits=5, decimal_places=2)
    max_score = forms.DecimalField(
        label=_("满分"),
        min_value=0.01,
        max_digits=6,
        decimal_places=2,
        help_text=_("评委打分的上限。满分等于权重时，各项得分直接相加即为总分。"),
    )


class JurorForm(SingleLineFieldsMixin, HelperMixin, forms.ModelForm):
    single_line_fields = ("name", "title")

    phone = PhoneField(label=_("手机"), required=False, max_length=32)

    class Meta:
        model = Juror
        fields = ["name", "title", "phone", "email", "track"]
        help_texts = {"email": _("填写邮箱时，评审链接会发到该邮箱；也可以复制链接发给评委。")}

    def __init__(self, *args, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = tracks
        self.fields["track"].empty_label = _("全部组别")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email"):
            raise ValidationError(_("请填写评委的手机或邮箱。"))
        return cleaned
