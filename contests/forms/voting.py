"""A voter's proof (a phone number or an e-mail address, then the code) and the organizer's
void of a flagged window."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from ..models import Entry
from .base import HelperMixin, datetime_field

MOBILE_RE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")


class VoteProofForm(HelperMixin, forms.Form):
    """A mobile number (a code by SMS) or an e-mail address (a code by e-mail)."""

    address = forms.CharField(
        label=_("手机号或邮箱"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "email"}),
        help_text=_("用于接收验证码，每个手机号或邮箱每个组别每天可投一票。"),
    )
    website = forms.CharField(label=_("请勿填写此项"), required=False, max_length=200)

    def clean_address(self):
        address = "".join(self.cleaned_data["address"].split())
        if MOBILE_RE.match(address):
            self.proof = "phone"
            return address[-11:]
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(_("请填写 11 位手机号或正确的邮箱。")) from None
        self.proof = "email"
        return address

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class VoteCodeForm(HelperMixin, forms.Form):
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
            raise ValidationError(_("请填写收到的 6 位数字验证码。"))
        return code


class VoidForm(HelperMixin, forms.Form):
    entry = forms.ModelChoiceField(label=_("候选项目"), queryset=Entry.objects.none(), required=False)
    starts_at = datetime_field(_("起始时间"))
    ends_at = datetime_field(_("结束时间"))
    reason = forms.CharField(label=_("作废原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = Entry.objects.filter(round_entries__round=round_).order_by("number")
        self.fields["entry"].empty_label = _("全部候选项目")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("结束时间须晚于起始时间。"))
        return cleaned
