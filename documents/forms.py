"""Forms of the document management pages: what a new document is, who may open it, and the
approver's comment. The rules themselves are in documents.actions (check_*)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from accounts.models import User
from core.http import apply_errors
from documents.actions.restriction import check_restriction
from documents.models import DocumentKind, Security
from documents.queries import reader_candidates
from meetings.forms import UserMultipleChoiceField
from meetings.models import AgendaItem, Meeting


class _RestrictionFields(BootstrapMixin, forms.Form):
    security = forms.ChoiceField(
        label=_("Who may open it"), choices=Security.choices, initial=Security.ALL_ATTENDEES, widget=forms.RadioSelect
    )
    readers = UserMultipleChoiceField(
        label=_("Chosen people (for a restricted document)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    allow_download = forms.BooleanField(
        label=_("Attendees may download it"),
        required=False,
        initial=True,
        help_text=_("Restricted documents are downloaded with the reader's watermark."),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["readers"].queryset = reader_candidates(meeting)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "security" in data:
            try:
                check_restriction(self.meeting, security=data["security"], readers=list(data.get("readers") or []))
            except ValidationError as exc:
                apply_errors(self, exc)
        return data


class DocumentForm(_RestrictionFields):
    """A new document; the file comes separately (chunked upload or the plain file input)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Left empty, the file name is used."),
    )
    kind = forms.ChoiceField(label=_("Document kind"), choices=DocumentKind.choices, initial=DocumentKind.REFERENCE)
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False, empty_label=_("— whole meeting —")
    )
    field_order = ["title", "kind", "agenda_item", "security", "readers", "allow_download"]

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, meeting=meeting, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("order")  # type: ignore[attr-defined]


class RestrictionForm(_RestrictionFields):
    pass


class ReturnForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("What should be changed"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
