"""Forms of assigned work: the new task, and each step on a task's page."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from accounts.models import OrgUnit, User
from followups.actions.tasks import TaskInput
from meetings.forms import UserChoiceField, officials, searchable

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class TaskForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(
        label=_("Details"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    assignee_unit = forms.ModelChoiceField(
        label=_("Assignee unit"),
        queryset=OrgUnit.objects.none(),
        widget=forms.Select(attrs=searchable()),
        error_messages={"required": _("Please choose the unit that does the work.")},
    )
    assignee = UserChoiceField(
        label=_("Person in charge (optional)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select(attrs=searchable()),
        help_text=_("Leave empty to let the unit's leader choose who does it."),
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages={"required": _("Please give the deadline."), "invalid": _("Enter a date as dd/mm/yyyy.")},
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee_unit"].queryset = OrgUnit.objects.filter(is_active=True).order_by(  # type: ignore[attr-defined]
            "sort_order", "name"
        )
        self.fields["assignee"].queryset = officials()  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def to_input(self, *, agenda_item: Any = None, notice: Any = None) -> TaskInput:
        data = self.cleaned_data
        return TaskInput(
            title=data["title"],
            description=data.get("description") or "",
            assignee_unit=data["assignee_unit"],
            assignee=data.get("assignee"),
            deadline=data["deadline"],
            agenda_item=agenda_item,
            notice=notice,
            submission_key=data.get("submission_key"),
        )


class PersonForm(BootstrapMixin, forms.Form):
    person = UserChoiceField(label=_("Person in charge"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = officials().filter(unit=unit)  # type: ignore[attr-defined]


class ProgressForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("What has been done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Give the progress as a whole number from 0 to 100."),
            "invalid": _("Give the progress as a whole number from 0 to 100."),
            "min_value": _("Give the progress as a whole number from 0 to 100."),
            "max_value": _("Give the progress as a whole number from 0 to 100."),
        },
    )
    decrease_reason = forms.CharField(
        label=_("Reason, if the percentage is lower than the last report"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(BootstrapMixin, forms.Form):
    new_deadline = forms.DateField(
        label=_("New deadline"),
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages={"required": _("Please give the new deadline."), "invalid": _("Enter a date as dd/mm/yyyy.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
