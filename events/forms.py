"""Forms of the organizer and office areas (crispy, Bootstrap 5), with Chinese messages."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.forms import SingleLineFieldsMixin
from core.mail import send_email
from core.text import validate_single_line

from .models import Event, EventPartner, Membership, Organizer, OrganizerApplication, Theme, User, Week
from .plan import read_plan_docx
from .services import COVER_MAX_PIXELS, REQUIRED_TO_SUBMIT, PartnerSpec
from .validation import (
    host_as_partner_errors,
    place_errors,
    place_for_kind,
    relay_errors,
    split_names,
    validate_phone,
    week_range_errors,
)

COVER_MAX_BYTES = 5 * 1024 * 1024
DATETIME_INPUT = "%Y-%m-%dT%H:%M"
# Text fields of an event that hold one line (they reach .ics properties and headers).
SINGLE_LINE_EVENT_FIELDS = ("subtitle", "place", "address", "contact_name")
# The place fields each kind of place shows (static/js/place_kind.js hides the others; without
# the script all show, and the form keeps only what the chosen kind uses).
PLACE_FIELD_KINDS = {
    "venue": "venue hybrid",
    "place": "venue hybrid place elsewhere",
    "address": "venue hybrid place elsewhere",
    "online_url": "online hybrid",
}


class PhoneField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return validate_phone(value) if value else value


class OrganizerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class OrderedOrganizerChoiceField(OrganizerChoiceField):
    """Units in the order they were sent: the picker moves each chosen option to the end of
    the select, so the browser sends them in the order chosen (the plan's order of hosts)."""

    def clean(self, value):
        units = super().clean(value)
        position = {str(pk): n for n, pk in enumerate(value or [])}
        return sorted(units, key=lambda unit: position.get(str(unit.pk), len(position)))


def _chosen_first(queryset, ids: list):
    """``queryset`` with the units of ``ids`` first, in that order, so a picker (and a plain
    multi-select) shows the chosen co-hosts in their order."""
    ids = [int(pk) for pk in ids if str(pk).isdigit()]
    if not ids:
        return queryset
    order = Case(*[When(pk=pk, then=Value(n)) for n, pk in enumerate(ids)], default=Value(len(ids)))
    return queryset.annotate(chosen_order=order).order_by("chosen_order", "name")


class UnitPicker(forms.SelectMultiple):
    """A multi-select of units that static/js/unit_picker.js turns into a searchable picker
    with chips (a couple of hundred units are too many to scroll). Without JavaScript it
    stays a plain multi-select, so the form still works. The texts the script shows travel
    as attributes, translated when the widget renders, so English pages get English texts.
    ``data-unit-picker-host`` names the host field: the script greys the host out, because
    the host may not also be an undertaker or co-organizer (the form refuses it too)."""

    def __init__(self, attrs=None):
        defaults = {
            "size": 8,
            "data-unit-picker": "",
            "data-unit-picker-host": "host",
            "data-placeholder": _("输入单位名称搜索"),
            "data-no-results": _("无匹配单位"),
            "data-remove-label": _("移除"),
        }
        super().__init__(attrs={**defaults, **(attrs or {})})


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name}（{obj.email or _('无邮箱')}）"


class EventForm(SingleLineFieldsMixin, forms.ModelForm):
    single_line_fields = SINGLE_LINE_EVENT_FIELDS

    """Create or edit an event of the user's unit in ``week``.

    ``submitting=True`` (the "提交审核" button) also requires what review needs.
    """

    host = forms.ModelChoiceField(
        label=_("主办单位"),
        queryset=Organizer.objects.none(),
        empty_label=None,
        help_text=_("方案中列在第一位的主办单位；本活动由此单位登记和修改。"),
    )
    co_hosts = OrderedOrganizerChoiceField(
        label=_("其他主办单位"),
        queryset=Organizer.objects.all(),
        required=False,
        widget=UnitPicker(),
        help_text=_("按方案中的顺序选择。每个主办单位都可报送本活动的信息，并指定自己的联系人和信息报送员。"),
    )
    place_kind = forms.ChoiceField(
        label=_("地点类型"),
        choices=Event.PlaceKind.choices,
        initial=Event.PlaceKind.VENUE,
        # Not sent (a form saved before place kinds existed): a venue, as every event was then.
        required=False,
        widget=forms.RadioSelect(attrs={"data-place-kind": ""}),
    )
    online_url = forms.URLField(
        label=_("线上参与链接"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("线上活动或线上线下同步活动的参与地址，如网络投票页面；可不填。"),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("主题标签"), queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    undertakers = OrganizerChoiceField(
        label=_("承办单位（已在平台的单位）"),
        queryset=Organizer.objects.all(),
        required=False,
        widget=UnitPicker(),
    )
    undertaker_names = forms.CharField(
        label=_("其他承办单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("尚无账号的单位，每行一个。"),
    )
    co_organizers = OrganizerChoiceField(
        label=_("协办单位（已在平台的单位）"),
        queryset=Organizer.objects.all(),
        required=False,
        widget=UnitPicker(),
    )
    co_organizer_names = forms.CharField(
        label=_("其他协办单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("尚无账号的单位，每行一个。"),
    )
    contact_phone = PhoneField(label=_("联系人电话"), required=False, max_length=32)
    live_url = forms.URLField(
        label=_("直播链接"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_(
            "活动进行时在日程和活动页面显示“直播中”。填直播平台或视频网站的直播页面地址（在新窗口打开），"
            "或 HLS 直播流地址（以 .m3u8 结尾，在活动页面内播放）。"
        ),
    )
    recording_url = forms.URLField(
        label=_("回放链接"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("活动结束后显示“回放”。也可不填：市发改委公开的活动视频（每日报送中上传）即作回放。"),
    )
    reporter = MemberChoiceField(
        label=_("信息报送员"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("本单位成员；每日报送提醒发给此人。"),
    )

    class Meta:
        model = Event
        fields = [
            "subtitle",
            "form",
            "themes",
            "place_kind",
            "venue",
            "place",
            "address",
            "online_url",
            "starts_at",
            "ends_at",
            "host",
            "contact_name",
            "contact_phone",
            "contact_email",
            "reporter",
            "live_url",
            "recording_url",
            "description",
            "cover",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "description": _("纯文本，空一行分段。线上活动请在此写明活动内容。"),
            "venue": _("本市会场或线上线下同步的活动须选择。"),
            "place": _("会场内的具体地点；本市其他地点或外地的活动填写地点，如“全市各区镇”“广州”。"),
        }

    def __init__(self, *args, user: User, week: Week, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.week, self.submitting = user, week, submitting
        units = Organizer.objects.filter(memberships__user=user).order_by("name")
        self.fields["host"].queryset = units
        self.fields["venue"].required = False
        self.fields["reporter"].queryset = (
            User.objects.filter(memberships__organizer__in=units, is_active=True)
            .distinct()
            .order_by("full_name", "id")
        )
        self.fields["venue"].queryset = (
            self.fields["venue"].queryset.select_related("parent").order_by("order", "id")
        )
        self.fields["venue"].label_from_instance = lambda v: f"{v.name}（{v.get_kind_display()}）"
        self.fields["form"].choices = Event.Form.choices
        self.fields["subtitle"].widget.attrs.update({"data-full-title-source": "1", "autocomplete": "off"})
        co_host_ids = []
        if self.is_bound:
            co_host_ids = (
                self.data.getlist(self.add_prefix("co_hosts")) if hasattr(self.data, "getlist") else []
            )
        elif self.instance.pk:
            co_host_ids = [p.organizer_id for p in self.instance.co_hosts]
        self.fields["co_hosts"].queryset = _chosen_first(Organizer.objects.all(), co_host_ids)
        if self.instance.pk:
            partners = list(self.instance.partners.all())
            self.initial.setdefault("co_hosts", [p.organizer_id for p in partners if p.role == "host"])
            self.initial.setdefault(
                "undertakers", [p.organizer_id for p in partners if p.role == "undertaker" and p.organizer_id]
            )
            self.initial.setdefault(
                "co_organizers",
                [p.organizer_id for p in partners if p.role == "co_organizer" and p.organizer_id],
            )
            self.initial.setdefault(
                "undertaker_names",
                "\n".join(p.name for p in partners if p.role == "undertaker" and not p.organizer_id),
            )
            self.initial.setdefault(
                "co_organizer_names",
                "\n".join(p.name for p in partners if p.role == "co_organizer" and not p.organizer_id),
            )
        elif units:
            self.initial.setdefault("host", units[0].pk)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("活动名称与形式"),
                "subtitle",
                HTML('{% include "events/organizer/_full_title_preview.html" %}'),
                "form",
                Div("themes", css_class="themes-inline"),
            ),
            Fieldset(
                _("时间与地点"),
                Div(
                    Div("starts_at", css_class="col-sm-6"),
                    Div("ends_at", css_class="col-sm-6"),
                    css_class="row",
                ),
                "place_kind",
                *(Div(name, data_place_kinds=kinds) for name, kinds in PLACE_FIELD_KINDS.items()),
            ),
            Fieldset(
                _("主办、承办与协办"),
                "host",
                "co_hosts",
                "undertakers",
                "undertaker_names",
                "co_organizers",
                "co_organizer_names",
            ),
            Fieldset(_("联系人与信息报送员"), "contact_name", "contact_phone", "contact_email", "reporter"),
            Fieldset(_("介绍"), "live_url", "recording_url", "description", "cover"),
        )

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "image"):
            if cover.size > COVER_MAX_BYTES:
                raise ValidationError(_("封面图不能超过 5 MB。"), code="cover_size")
            if getattr(cover.image, "format", None) not in ("JPEG", "PNG"):
                raise ValidationError(_("封面图须为 JPG 或 PNG 图片。"), code="cover_format")
            # A small file may hold a huge picture, which every page and worker would decode:
            # the limit of events.services.covers.COVER_MAX_PIXELS (Pillow refuses bombs beyond).
            width, height = cover.image.size
            if width * height > COVER_MAX_PIXELS:
                raise ValidationError(
                    _("封面图不能超过 5000 万像素（当前 %(width)s × %(height)s），请缩小后再上传。")
                    % {"width": width, "height": height},
                    code="cover_pixels",
                )
        return cover

    def clean_live_url(self):
        live_url = self.cleaned_data.get("live_url", "")
        if errors := relay_errors(live_url):
            raise ValidationError(errors[0], code="relay_origin")
        return live_url

    def clean_place_kind(self):
        return self.cleaned_data.get("place_kind") or Event.PlaceKind.VENUE

    def clean_undertaker_names(self):
        return self._clean_names("undertaker_names")

    def clean_co_organizer_names(self):
        return self._clean_names("co_organizer_names")

    def _clean_names(self, field: str) -> str:
        # One name a line: the lines may break, a name itself may not hold a tab or control character.
        text = self.cleaned_data.get(field, "")
        for name in split_names(text):
            validate_single_line(name)
        return text

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        for field, message in week_range_errors(self.week, starts_at, ends_at).items():
            self.add_error(field, message)
        kind = cleaned.get("place_kind")
        if kind:
            venue, place, address = place_for_kind(
                kind=kind,
                venue=cleaned.get("venue"),
                place=cleaned.get("place", ""),
                address=cleaned.get("address", ""),
            )
            cleaned.update(venue=venue, place=place, address=address)
            if kind not in (Event.PlaceKind.ONLINE, Event.PlaceKind.HYBRID):
                cleaned["online_url"] = ""
            for field, message in place_errors(
                kind=kind,
                venue=venue,
                place=place,
                online_url=cleaned.get("online_url", ""),
                live_url=cleaned.get("live_url", ""),
            ).items():
                if field not in self.errors:
                    self.add_error(field, message)
        host, reporter = cleaned.get("host"), cleaned.get("reporter")
        if host and reporter and not Membership.objects.filter(organizer=host, user=reporter).exists():
            self.add_error("reporter", _("信息报送员须是主办单位的成员。"))
        partner_errors = host_as_partner_errors(
            host,
            co_hosts=cleaned.get("co_hosts") or [],
            undertakers=cleaned.get("undertakers") or [],
            co_organizers=cleaned.get("co_organizers") or [],
        )
        for field, message in partner_errors.items():
            self.add_error(field, message)
        if self.submitting:
            for field in REQUIRED_TO_SUBMIT:
                if not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, _("提交审核时必须填写此项。"))
        return cleaned

    def _post_clean(self):
        # The week is not a form field; set it before the model's own validation.
        self.instance.week = self.week
        super()._post_clean()

    def partners(self) -> list[PartnerSpec]:
        cleaned = self.cleaned_data
        specs = [
            PartnerSpec(role=EventPartner.Role.HOST, organizer=unit) for unit in cleaned.get("co_hosts") or []
        ]
        for role, units_field, names_field in (
            (EventPartner.Role.UNDERTAKER, "undertakers", "undertaker_names"),
            (EventPartner.Role.CO_ORGANIZER, "co_organizers", "co_organizer_names"),
        ):
            specs += [PartnerSpec(role=role, organizer=unit) for unit in cleaned.get(units_field) or []]
            specs += [PartnerSpec(role=role, name=name) for name in split_names(cleaned.get(names_field, ""))]
        return specs


class UnitPeopleForm(SingleLineFieldsMixin, forms.Form):
    """A co-host (or a unit with the reporter role) names its contact person and information
    reporter for one event."""

    single_line_fields = ("contact_name",)

    contact_name = forms.CharField(label=_("联系人"), max_length=60, required=False)
    contact_phone = PhoneField(label=_("联系人电话"), required=False, max_length=32)
    contact_email = forms.EmailField(label=_("联系人邮箱"), required=False)
    reporter = MemberChoiceField(
        label=_("信息报送员"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("本单位成员；每日报送提醒也发给此人。"),
    )

    def __init__(self, *args, partner: EventPartner, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "contact_name": partner.contact_name,
                "contact_phone": partner.contact_phone,
                "contact_email": partner.contact_email,
                "reporter": partner.reporter_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["reporter"].queryset = User.objects.filter(
            memberships__organizer_id=partner.organizer_id, is_active=True
        ).order_by("full_name", "id")
        self.helper = FormHelper()
        self.helper.form_tag = False


class ReportingForm(forms.Form):
    """The office decides which undertaking and co-organizing units report for an event, and
    whether its days before the week's period are reported."""

    partners = forms.ModelMultipleChoiceField(
        label=_("可报送信息的承办或协办单位"),
        queryset=EventPartner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选的单位成员可报送本活动的每日信息；主办单位始终可以报送。"),
    )
    reports_before_period = forms.BooleanField(label=_("活动周开始前的活动日也须报送"), required=False)

    def __init__(self, *args, event: Event, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "partners": [p.pk for p in event.reporting_partners if p.role != EventPartner.Role.HOST],
                "reports_before_period": event.reports_before_period,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = (
            event.partners.exclude(role=EventPartner.Role.HOST)
            .filter(organizer__isnull=False)
            .select_related("organizer")
        )
        self.fields["partners"].label_from_instance = lambda p: f"{p.get_role_display()}：{p.display_name}"
        if not event.starts_before_period:
            del self.fields["reports_before_period"]
        self.helper = FormHelper()
        self.helper.form_tag = False


class ReasonForm(forms.Form):
    """A required comment: a return, a cancellation, a declined application or change."""

    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label=None, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["comment"].label = label
        self.fields["comment"].required = required
        self.fields["comment"].error_messages["required"] = _("请填写%(what)s。") % {
            "what": self.fields["comment"].label
        }
        self.helper = FormHelper()
        self.helper.form_tag = False


class OrganizerForm(SingleLineFieldsMixin, forms.ModelForm):
    single_line_fields = ("name", "contact_name")

    contact_phone = PhoneField(label=_("联系电话"), required=False, max_length=32)

    class Meta:
        model = Organizer
        fields = ["name", "kind", "contact_name", "contact_phone", "contact_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class InvitationForm(SingleLineFieldsMixin, forms.Form):
    single_line_fields = ("full_name",)

    email = forms.EmailField(label=_("邮箱"))
    full_name = forms.CharField(label=_("姓名"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ApplicationForm(SingleLineFieldsMixin, forms.ModelForm):
    single_line_fields = ("name", "contact_name")

    contact_phone = PhoneField(label=_("联系电话"), max_length=32)

    class Meta:
        model = OrganizerApplication
        fields = ["name", "kind", "contact_name", "contact_phone", "contact_email", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        labels = {"note": _("拟举办的活动（可选）")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Organizer.objects.filter(name=name).exists():
            raise ValidationError(
                _("该单位已在平台上，请联系单位管理员或市发改委邀请您加入。"), code="exists"
            )
        if OrganizerApplication.objects.filter(
            name=name, status=OrganizerApplication.Status.PENDING
        ).exists():
            raise ValidationError(_("该单位的申请正在处理中，请耐心等待。"), code="pending")
        return name


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = PhoneField(label=_("手机或电话"), required=False, max_length=32)
    password1 = forms.CharField(
        label=_("设置密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("确认密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            try:
                password_validation.validate_password(first, User(username=self.email, email=self.email))
            except ValidationError as error:
                self.add_error("password1", [_chinese_password_error(e) for e in error.error_list])
        return cleaned


def _chinese_password_error(error: ValidationError) -> ValidationError:
    # Django's zh_Hans catalogue lacks the minimum-length message; say it in Chinese here.
    if error.code == "password_too_short":
        return ValidationError(
            _("密码太短，至少需要 %(min_length)d 个字符。") % (error.params or {"min_length": 8}),
            code=error.code,
        )
    return error


class ImportForm(forms.Form):
    file = forms.FileField(label=_("活动计划表（.xlsx）"))
    publish = forms.BooleanField(
        label=_("导入后直接发布"),
        required=False,
        help_text=_("不勾选时，活动以草稿导入，由主办单位补全后提交审核。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"), code="extension")
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("文件不能超过 5 MB。"), code="size")
        return upload


PLAN_MAX_BYTES = 5 * 1024 * 1024
PLAN_MAX_CHARS = 200_000


class PlanImportForm(forms.Form):
    """The city's plan (工作方案) as a .docx or as pasted text, and the week it goes into."""

    CURRENT, NEW = "current", "new"

    file = forms.FileField(label=_("工作方案（.docx）"), required=False)
    text = forms.CharField(
        label=_("或粘贴方案全文"),
        required=False,
        max_length=PLAN_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("从 Word 或 PDF 中复制方案全文粘贴于此（上传了文件时不必粘贴）。"),
    )
    target = forms.ChoiceField(label=_("导入到"), widget=forms.RadioSelect)

    def __init__(self, *args, week: Week | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if week is not None:
            choices.append(
                (
                    self.CURRENT,
                    _("更新当前活动周：%(name)s（%(start)s 至 %(end)s）")
                    % {
                        "name": week.name,
                        "start": week.starts_on.isoformat(),
                        "end": week.ends_on.isoformat(),
                    },
                )
            )
        choices.append((self.NEW, _("新建活动周（设为当前活动周，暂不公开）")))
        self.fields["target"].choices = choices
        self.fields["target"].initial = choices[0][0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None:
            return None
        if not upload.name.lower().endswith(".docx"):
            raise ValidationError(
                _("请上传 .docx 格式的 Word 文档（.doc 请先另存为 .docx）。"), code="extension"
            )
        if upload.size > PLAN_MAX_BYTES:
            raise ValidationError(_("文件不能超过 5 MB。"), code="size")
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text") or ""
        if self.errors:
            return cleaned
        if upload is not None:
            try:
                cleaned["plan_text"] = read_plan_docx(upload)
            except ValidationError as error:
                self.add_error("file", error)
        elif text.strip():
            cleaned["plan_text"] = text
        else:
            raise ValidationError(_("请上传方案文件，或粘贴方案全文。"), code="empty")
        return cleaned


class PlanConfirmForm(forms.Form):
    """The items of the plan the office ticked for import."""

    events = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(number, number) for number in numbers]


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, its mail written to the outbox and sent by a worker: the answer
    takes as long for an address nobody has as for a real one (no mail server in the request)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        text = render_to_string(email_template_name, context)
        html = render_to_string(html_email_template_name, context) if html_email_template_name else ""
        send_email(to=[to_email], subject=subject, text=text, html=html)
