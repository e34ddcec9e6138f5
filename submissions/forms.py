"""Forms the reporter fills: the day's report, its leaders, and file uploads."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DailyReport, MediaFile, ReportLeader
from .services.reports import LeaderRow


class ReportForm(forms.ModelForm):
    class Meta:
        model = DailyReport
        fields = ["text", "attendance", "no_leaders"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}
        labels = {"no_leaders": _("当天无领导出席")}
        help_texts = {
            "text": _("当天活动的主要内容、成效和亮点。"),
            "no_leaders": _("各级领导出席情况须在信息中明确；确无领导出席时勾选此项。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class LeaderForm(forms.Form):
    """One leader present; a row left blank is simply no leader, so rows can be cleared."""

    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    post = forms.CharField(label=_("职务"), max_length=120, required=False)
    level = forms.ChoiceField(
        label=_("级别"),
        choices=ReportLeader.Level.choices,
        initial=ReportLeader.Level.MUNICIPAL,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean(self):
        cleaned = super().clean()
        name, post = cleaned.get("name", "").strip(), cleaned.get("post", "").strip()
        if bool(name) != bool(post):
            raise forms.ValidationError(_("请同时填写领导的姓名和职务。"))
        return cleaned

    def as_row(self) -> LeaderRow | None:
        name, post = self.cleaned_data.get("name", "").strip(), self.cleaned_data.get("post", "").strip()
        if not name:
            return None
        return LeaderRow(name=name, post=post, level=self.cleaned_data["level"])


class BaseLeaderFormSet(forms.BaseFormSet):
    def rows(self) -> list[LeaderRow]:
        return [row for row in (form.as_row() for form in self.forms) if row is not None]


LeaderFormSet = forms.formset_factory(LeaderForm, formset=BaseLeaderFormSet, extra=2, max_num=50)


def leader_initial(report: DailyReport) -> list[dict]:
    return [
        {"name": leader.name, "post": leader.post, "level": leader.level} for leader in report.leaders.all()
    ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class UploadForm(forms.Form):
    photos = MultipleFileField(
        label=_("照片"), required=False, widget=MultipleFileInput(attrs={"accept": "image/jpeg,.jpg,.jpeg"})
    )
    videos = MultipleFileField(
        label=_("视频"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "video/*,.mp4,.mov,.mkv,.m4v,.webm,.avi"}),
    )
    caption = forms.CharField(label=_("说明（可选）"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("photos") and not cleaned.get("videos") and not self.errors:
            raise forms.ValidationError(_("请选择要上传的照片或视频。"))
        return cleaned


class CaptionsForm(forms.Form):
    """The captions typed beside each file of the report, saved with the report's text."""

    def __init__(self, data, *, media):
        super().__init__(data)
        self.media_files = list(media)
        for item in self.media_files:
            self.fields[self._name(item)] = forms.CharField(required=False, strip=False)

    @staticmethod
    def _name(media: MediaFile) -> str:
        return f"caption-{media.pk}"

    def changed(self) -> list[tuple[MediaFile, str]]:
        """The files whose caption was sent and differs from the stored one."""
        return [
            (item, self.cleaned_data[self._name(item)])
            for item in self.media_files
            if self._name(item) in self.data and self.cleaned_data[self._name(item)] != item.caption
        ]


class MultipleValueField(forms.Field):
    """Every value sent under one name (checkboxes), as strings; what they must be is the service's to say."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        return [str(item) for item in value or []]


class ReportAcceptForm(forms.Form):
    checklist = MultipleValueField(required=False)
    then = forms.CharField(required=False)


class ReportReturnForm(forms.Form):
    comment = forms.CharField(required=False, strip=False)
    then = forms.CharField(required=False)


class MediaPublicForm(forms.Form):
    public = forms.CharField(required=False)

    def clean_public(self) -> bool:
        return self.cleaned_data["public"] == "1"
