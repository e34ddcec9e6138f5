"""Forms of the hall (crispy, Bootstrap 5), with Chinese messages. Files are checked by
content in ``validation.py``, the same rules the bulk import will use."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import SingleLineFieldsMixin
from events.forms import AcceptInvitationForm, PhoneField

from .models import KIND_CHOICES, Cooperation, Intent, Project, cooperation_bits, cooperation_codes
from .services import REQUIRED_TO_SUBMIT
from .validation import (
    IMPORT_IMAGES_MAX_BYTES,
    IMPORT_SHEET_MAX_BYTES,
    SINGLE_LINE_PROJECT_FIELDS,
    check_pdf,
    checked_image_suffix,
    checked_video_suffix,
)

MAX_INVITES_AT_ONCE = 200


class HelperMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ProjectForm(SingleLineFieldsMixin, HelperMixin, forms.ModelForm):
    """A holder's project. Only the title is needed for a draft; submitting asks for the rest
    (``services.REQUIRED_TO_SUBMIT``)."""

    single_line_fields = SINGLE_LINE_PROJECT_FIELDS

    cooperation_sought = forms.MultipleChoiceField(
        label=_("寻求合作方式"),
        choices=Cooperation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可多选。"),
    )
    contact_phone = PhoneField(label=_("联系人电话"), required=False, max_length=32)

    class Meta:
        model = Project
        fields = [
            "title",
            "pitch",
            "section",
            "stage",
            "organization",
            "team",
            "description",
            "cover",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "team": forms.Textarea(attrs={"rows": 3}),
            "cover": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        }
        help_texts = {
            "pitch": _("一句话说明项目解决什么问题，显示在展厅列表中。"),
            "description": _("纯文本，空一行分段。"),
            "team": _("负责人和主要成员，公开显示。"),
            "contact_name": _("联系人、电话和邮箱不公开，只有策展单位可见；合作意向经确认后通过邮件转给您。"),
        }

    def __init__(self, *args, exhibition, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.fields["section"].queryset = exhibition.sections.order_by("order", "id")
        self.fields["section"].empty_label = _("请选择展区")
        self.fields["cooperation_sought"].initial = cooperation_codes(self.instance.cooperation or 0)
        order = ["title", "pitch", "section", "stage", "cooperation_sought"]
        self.order_fields(order + [name for name in self.fields if name not in order])

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "content_type"):  # a new upload, not the stored file
            cover.name = f"cover{checked_image_suffix(cover)}"
        return cover

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            # The service says so too (``missing_for_submit``); here each field shows it.
            for field in REQUIRED_TO_SUBMIT:
                name = "cooperation_sought" if field == "cooperation" else field
                if name in self.fields and not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("提交审核时必填。"))
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        self.instance.cooperation = cooperation_bits(self.cleaned_data.get("cooperation_sought") or [])


class ImageForm(HelperMixin, forms.Form):
    image = forms.FileField(
        label=_("图片"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("JPEG 或 PNG，不超过 10 MB。"),
    )
    caption = forms.CharField(label=_("图片说明"), max_length=80, required=False)

    def clean_image(self):
        upload = self.cleaned_data["image"]
        self.stored_name = f"image{checked_image_suffix(upload)}"
        return upload


class DocumentForm(SingleLineFieldsMixin, HelperMixin, forms.Form):
    single_line_fields = ("title",)

    file = forms.FileField(
        label=_("PDF 文档"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("如项目简介、专利清单，不超过 20 MB。"),
    )
    title = forms.CharField(label=_("文档名称"), max_length=80)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_pdf(upload)
        return upload


class VideoForm(HelperMixin, forms.Form):
    video = forms.FileField(
        label=_("项目视频"),
        widget=forms.ClearableFileInput(attrs={"accept": "video/*"}),
        help_text=_(
            "每个展项一个视频，上传后替换原视频。MP4、MOV 等常见格式，高清（至少 1280×720），不超过 1 GB。"
        ),
    )

    def clean_video(self):
        upload = self.cleaned_data["video"]
        self.stored_name = f"video{checked_video_suffix(upload)}"
        return upload


class PresentationForm(forms.Form):
    """One change to a hall's running order at an event: add a project at the end, move one
    up or down, or take it off."""

    ACTIONS = ("add", "up", "down", "remove")

    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    project = forms.IntegerField(min_value=1)


class ReviewForm(HelperMixin, forms.Form):
    DECISIONS = [
        ("accept", _("审核入展")),
        ("return", _("退回修改")),
        ("reject", _("不予入选")),
    ]

    decision = forms.ChoiceField(label=_("审核结果"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回或不予入选时必填，项目方会收到。"),
    )

    CHANGE_DECISIONS = [
        ("accept", _("通过修改")),
        ("return", _("退回修改")),
        ("reject", _("不通过（展厅保留原版本）")),
    ]

    # The state of the changes the curator looked at (``services.revision_stamp``).
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, changes: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if changes:
            self.fields["decision"].choices = self.CHANGE_DECISIONS

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in ("return", "reject") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("退回或不予入选时请填写意见。"))
        return cleaned


class FeatureForm(HelperMixin, forms.Form):
    order = forms.IntegerField(
        label=_("精选排序"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("数字小的排在前面；留空则取消精选。"),
    )


def split_emails(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,，;；、]+", text or "") if part]


class InviteForm(SingleLineFieldsMixin, HelperMixin, forms.Form):
    single_line_fields = ("organization",)

    emails = forms.CharField(
        label=_("邮箱"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个，或用逗号分隔；每人收到一个只能使用一次的邀请链接。"),
    )
    organization = forms.CharField(label=_("所在单位（可选）"), max_length=120, required=False)

    def clean_emails(self):
        emails = split_emails(self.cleaned_data["emails"])
        wrong = []
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                wrong.append(email)
        if wrong:
            raise ValidationError(_("以下邮箱格式不正确：%(emails)s") % {"emails": "、".join(wrong[:10])})
        if not emails:
            raise ValidationError(_("请填写至少一个邮箱。"))
        if len(emails) > MAX_INVITES_AT_ONCE:
            raise ValidationError(_("一次最多邀请 %(count)d 人。") % {"count": MAX_INVITES_AT_ONCE})
        return emails


class HolderSignUpForm(SingleLineFieldsMixin, HelperMixin, AcceptInvitationForm):
    """A new holder's account: the invitation's address, or (open link) one they type."""

    single_line_fields = ("full_name", "organization")

    email = forms.EmailField(label=_("邮箱（登录名）"))
    organization = forms.CharField(label=_("所在单位"), max_length=120)

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, email=email, **kwargs)
        if email:
            self.fields["email"].initial = email
            self.fields["email"].disabled = True
        self.order_fields(["email", "full_name", "organization", "phone", "password1", "password2"])

    def clean_email(self):
        email = self.cleaned_data["email"]
        self.email = email  # the password must not resemble it
        return email


class JoinForm(SingleLineFieldsMixin, HelperMixin, forms.Form):
    """A signed-in person joins a hall as a holder."""

    single_line_fields = ("organization",)

    organization = forms.CharField(label=_("所在单位"), max_length=120, required=False)


# --- Intents and signings -------------------------------------------------------------------


class IntentForm(SingleLineFieldsMixin, HelperMixin, forms.ModelForm):
    """A visitor's intent. ``website`` is a honeypot: hidden from people, filled by bots."""

    single_line_fields = ("name", "organization")

    phone = PhoneField(label=_("电话（可选）"), required=False, max_length=32)
    website = forms.CharField(label=_("请勿填写此项"), required=False, max_length=200)
    consent = forms.BooleanField(
        label=_("我同意将以上信息提供给该项目的项目方和策展单位，用于联系合作。"),
        error_messages={"required": _("请勾选同意，否则项目方无法联系您。")},
    )

    class Meta:
        model = Intent
        fields = ["name", "organization", "role", "kind", "message", "email", "phone"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}
        labels = {"kind": _("希望的合作方式"), "email": _("邮箱（接收验证码）")}
        help_texts = {"message": _("简要说明您的需求或合作设想，不超过 1000 字。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = KIND_CHOICES
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class CodeForm(HelperMixin, forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError(_("请填写邮件中的 6 位数字验证码。"))
        return code


class AnswerForm(HelperMixin, forms.Form):
    answer = forms.ChoiceField(label=_("回复"), choices=Intent.Answer.choices)
    note = forms.CharField(
        label=_("备注（仅内部可见）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SigningForm(SingleLineFieldsMixin, HelperMixin, forms.Form):
    single_line_fields = ("parties",)

    parties = forms.CharField(label=_("签约方"), max_length=200, help_text=_("与项目方签约的单位或个人。"))
    kind = forms.ChoiceField(label=_("合作方式"), choices=KIND_CHOICES)
    amount = forms.DecimalField(
        label=_("金额（万元）"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("可不填。"),
    )
    signed_on = forms.DateField(label=_("签约日期"), widget=forms.DateInput(attrs={"type": "date"}))
    intent = forms.ModelChoiceField(
        label=_("来自合作意向（可选）"), queryset=Intent.objects.none(), required=False
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, intents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intent"].queryset = intents
        self.fields["intent"].label_from_instance = lambda intent: (
            f"{intent.name}（{intent.organization or '-'}）"
        )
        self.fields["signed_on"].initial = timezone.localdate()


# --- Bulk import ------------------------------------------------------------------------------


class ImportForm(HelperMixin, forms.Form):
    """A curator's upload: the .xlsx of projects and, optionally, a .zip of their images. Only
    the names and sizes are judged here; a worker checks the contents (``importing.py``)."""

    sheet = forms.FileField(
        label=_("项目表（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        help_text=_("按模板填写，一行一个展项，最多 5000 行。"),
    )
    images = forms.FileField(
        label=_("图片压缩包（.zip，可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
        help_text=_("表中“封面图文件”“项目图片文件”两列写压缩包里的文件名；JPEG 或 PNG，每张不超过 10 MB。"),
    )
    accept = forms.BooleanField(
        label=_("导入后直接入展（公开）"),
        required=False,
        help_text=_("不勾选时，新展项进入待审核；已导入过的展项只更新内容，状态不变。"),
    )

    def clean_sheet(self):
        upload = self.cleaned_data["sheet"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"), code="extension")
        if upload.size > IMPORT_SHEET_MAX_BYTES:
            raise ValidationError(_("项目表不能超过 10 MB。"), code="size")
        return upload

    def clean_images(self):
        upload = self.cleaned_data.get("images")
        if not upload:
            return None
        if not upload.name.lower().endswith(".zip"):
            raise ValidationError(_("图片请打包成 .zip 压缩包上传。"), code="extension")
        if upload.size > IMPORT_IMAGES_MAX_BYTES:
            raise ValidationError(_("图片压缩包不能超过 1 GB，请分批导入。"), code="size")
        return upload
