from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from meetings.forms import searchable


class BodyForm(forms.Form):
    """The editor's content (HTML, sanitised by the action), the version it started from, and the
    reason of a correction (required once approved: the action says so)."""

    body = forms.CharField(label=_("Content"), required=False, widget=forms.HiddenInput)
    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class NoticeForm(BodyForm):
    concerned_units = forms.ModelMultipleChoiceField(
        label=_("Concerned units"),
        queryset=OrgUnit.objects.filter(is_active=True).order_by("sort_order", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs=searchable(size=8, **{"class": "form-select"})),
    )
