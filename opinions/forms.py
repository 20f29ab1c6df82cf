"""Forms of "Quản lý biểu quyết" (create/edit a collection) and "Lấy ý kiến" (answer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from accounts.models import OrgUnit
from meetings.forms import DATETIME_WIDGET, UserMultipleChoiceField, officials
from opinions.actions.attachments import CheckedFile, check_attachments
from opinions.actions.collections import CollectionInput
from polls.actions import QuestionInput

MAX_QUESTION_ROWS = 10


class CollectionForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Subject of the consultation"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_secret = forms.BooleanField(label=_("Secret: the results do not show who chose what"), required=False)
    requires_signature = forms.BooleanField(label=_("Each ballot must be digitally signed"), required=False)
    notify_email = forms.BooleanField(label=_("Notify by email"), required=False, initial=True)
    notify_sms = forms.BooleanField(label=_("Notify by SMS"), required=False)
    release_at = forms.DateTimeField(
        label=_("Release time"),
        help_text=_("The people consulted see the questions and can answer from this time on."),
        widget=DATETIME_WIDGET,
    )
    expires_at = forms.DateTimeField(
        label=_("Expiry time"),
        help_text=_(
            "After this time no answer is accepted, and whoever has not answered is counted as agreeing "
            "(Article 7.2 of the regulation)."
        ),
        widget=DATETIME_WIDGET,
    )
    followers = UserMultipleChoiceField(
        label=_("Followers: may see the content and the results"),
        queryset=officials().none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Consulted units: their document receiver answers for the unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    people = UserMultipleChoiceField(
        label=_("Consulted people"),
        queryset=officials().none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, collection: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The documents already attached, by row: row n shows the question of order n - 1.
        self.attached: dict[int, list[Any]] = {}
        if collection is not None:
            for question in collection.poll.questions.order_by("order").prefetch_related("attachments"):
                self.attached[question.order + 1] = list(question.attachments.all())
        people = officials()
        self.fields["followers"].queryset = people  # type: ignore[attr-defined]
        self.fields["people"].queryset = people  # type: ignore[attr-defined]
        self.fields["units"].queryset = OrgUnit.objects.filter(is_active=True).select_related(  # type: ignore[attr-defined]
            "document_receiver"
        )
        for n in range(1, MAX_QUESTION_ROWS + 1):
            self.fields[f"question_{n}"] = forms.CharField(
                label=_("Question %(n)s") % {"n": n},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
            self.fields[f"other_{n}"] = forms.BooleanField(
                label=_("Also offer “Other opinion”, with a text box"),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"files_{n}"] = MultipleFileField(
                label=_("Attached documents"),
                help_text=_("PDF, Word, Excel, PowerPoint or image files; you may choose several."),
                required=False,
                widget=MultipleFileInput(attrs={"class": "form-control"}),
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for n in range(1, MAX_QUESTION_ROWS + 1):
            if cleaned.get(f"files_{n}") and not (cleaned.get(f"question_{n}") or "").strip():
                self.add_error(f"files_{n}", _("Write the question before attaching documents to it."))
        return cleaned

    def question_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "n": n,
                "text": self[f"question_{n}"],
                "other": self[f"other_{n}"],
                "files": self[f"files_{n}"],
                "attachments": self.attached.get(n, []),
            }
            for n in range(1, MAX_QUESTION_ROWS + 1)
        ]

    def to_input(self) -> CollectionInput:
        d = self.cleaned_data
        questions = [
            QuestionInput(text=d[f"question_{n}"], options=None, allow_other=bool(d.get(f"other_{n}")))
            for n in range(1, MAX_QUESTION_ROWS + 1)
            if (d.get(f"question_{n}") or "").strip()
        ]
        return CollectionInput(
            title=d["title"],
            description=d.get("description") or "",
            questions=questions,
            release_at=d.get("release_at"),
            expires_at=d.get("expires_at"),
            is_secret=bool(d.get("is_secret")),
            requires_signature=bool(d.get("requires_signature")),
            notify_email=bool(d.get("notify_email")),
            notify_sms=bool(d.get("notify_sms")),
            followers=list(d.get("followers") or []),
            people=list(d.get("people") or []),
            units=list(d.get("units") or []),
        )

    def kept_attachments(self) -> dict[int, int]:
        """New question number (1-based among the filled rows) → order of the question the row
        showed: the documents attached stay with their row."""
        kept: dict[int, int] = {}
        number = 0
        for n in range(1, MAX_QUESTION_ROWS + 1):
            if not (self.cleaned_data.get(f"question_{n}") or "").strip():
                continue
            number += 1
            if n in self.attached:
                kept[number] = n - 1
        return kept

    def question_files(self) -> dict[int, list[CheckedFile]]:
        """Question number (1-based among the filled rows) → its checked files."""
        result: dict[int, list[CheckedFile]] = {}
        number = 0
        for n in range(1, MAX_QUESTION_ROWS + 1):
            if not (self.cleaned_data.get(f"question_{n}") or "").strip():
                continue
            number += 1
            if files := self.cleaned_data.get(f"files_{n}"):
                result[number] = files
        return result


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's "Uploading multiple files"); cleans to a list of
    `CheckedFile`, each checked by content with the documents app's rules."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:  # type: ignore[override]
        single_file_clean = super().clean
        uploads = data if isinstance(data, list | tuple) else [data]
        cleaned = [f for f in (single_file_clean(d, initial) for d in uploads) if f]
        return check_attachments(cleaned)


class ExtendForm(BootstrapMixin, forms.Form):
    expires_at = forms.DateTimeField(label=_("New expiry time"), widget=DATETIME_WIDGET)


class RecommendationForm(BootstrapMixin, forms.Form):
    recommendation = forms.CharField(
        label=_("Recommendation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def initial_from(collection: Any) -> dict[str, Any]:
    from django.utils import timezone

    poll = collection.poll
    initial: dict[str, Any] = {
        "title": poll.title,
        "description": collection.description,
        "is_secret": poll.is_secret,
        "requires_signature": collection.requires_signature,
        "notify_email": collection.notify_email,
        "notify_sms": collection.notify_sms,
        "release_at": timezone.localtime(collection.release_at),
        "expires_at": timezone.localtime(poll.closes_at) if poll.closes_at else None,
        "followers": [r.user_id for r in collection.followers.all()],
        "people": [r.user_id for r in collection.people.all()],
        "units": [r.unit_id for r in collection.units.all()],
    }
    for n, question in enumerate(poll.questions.order_by("order"), start=1):
        initial[f"question_{n}"] = question.text
        initial[f"other_{n}"] = question.allow_other
    return initial
