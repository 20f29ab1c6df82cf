from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.actions.users import check_username
from accounts.models import OrgUnit, Right, UnitKind, User


class BootstrapMixin:
    """Adds Bootstrap classes so templates can render fields with one include."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class UserFieldsForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+?[0-9 .-]{8,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number of 8 to 20 digits, for example 0912 345 678.")},
    )
    receive_email = forms.BooleanField(label=_("Receive notifications by email"), required=False, initial=True)
    receive_sms = forms.BooleanField(label=_("Receive notifications by SMS"), required=False)
    is_external = forms.BooleanField(label=_("External guest (outside organisation or person)"), required=False)
    organisation = forms.CharField(label=_("Organisation (for guests)"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_external") and not data.get("organisation"):
            self.add_error("organisation", _("Enter the guest's organisation."))
        if data.get("receive_email") and not data.get("email"):
            self.add_error("email", _("Enter an email address, or turn off email notifications."))
        if data.get("receive_sms") and not data.get("phone"):
            self.add_error("phone", _("Enter a phone number, or turn off SMS notifications."))
        return data


class UserCreateForm(UserFieldsForm):
    username = forms.CharField(label=_("Username"), max_length=64)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())

    field_order = ["username", "full_name", "position", "unit"]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean_username(self) -> str:
        return check_username(self.cleaned_data["username"])


class TransferForm(BootstrapMixin, forms.Form):
    to_unit = forms.ModelChoiceField(label=_("Receiving unit"), queryset=OrgUnit.objects.filter(is_active=True))
    new_position = forms.CharField(label=_("New position"), max_length=150, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RightForm(forms.Form):
    right = forms.ChoiceField(choices=Right.choices)
    grant = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class ProfileForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "phone", "receive_email", "receive_sms"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("receive_email") and not data.get("email"):
            self.add_error("email", _("Enter an email address, or turn off email notifications."))
        if data.get("receive_sms") and not data.get("phone"):
            self.add_error("phone", _("Enter a phone number, or turn off SMS notifications."))
        return data


class UnitForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "sort_order",
            "is_active",
            "address",
            "phone",
            "email",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = UnitKind.choices  # type: ignore[attr-defined]
        self.fields["parent"].required = False

    def clean_parent(self) -> OrgUnit | None:
        parent = self.cleaned_data.get("parent")
        if self.instance.pk and parent is not None and parent.is_within(self.instance):
            raise ValidationError(_("A unit cannot be placed under itself or one of its sub-units."))
        return parent


class UnitDetailsForm(BootstrapMixin, forms.ModelForm):
    """What a unit's own administrators keep current (Điều 9.2d): name and contact data."""

    class Meta:
        model = OrgUnit
        fields = ["name", "short_name", "address", "phone", "email"]


class ReceiverForm(BootstrapMixin, forms.Form):
    receiver = forms.ModelChoiceField(label=_("Document receiver"), queryset=User.objects.none(), required=False)
    meeting_approver = forms.ModelChoiceField(
        label=_("Meeting approver"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to let any leader of the unit approve its meetings."),
    )

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = User.objects.filter(unit=unit, is_active=True, is_external=False)
        self.fields["receiver"].queryset = members  # type: ignore[attr-defined]
        self.fields["meeting_approver"].queryset = members.filter(grants__right=Right.LEADER)  # type: ignore[attr-defined]
