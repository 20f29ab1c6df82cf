"""Forms of feedback: the sender's form, and the handler's answer and status forms."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from feedback.actions import TEXT_MAX, FeedbackInput
from feedback.models import Category, Status
from feedback.rules import PAGE_ADDRESS_MAX


def text_field(label: Any, required_message: Any, *, rows: int) -> forms.CharField:
    """A required text of at most TEXT_MAX characters, each refusal saying what to do."""
    return forms.CharField(
        label=label,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": _("Please keep this under %(limit_value)s characters."),
        },
    )


class KeyedForm(forms.Form):
    """A form with a one-time key, so that a double click sends it once."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


class FeedbackForm(BootstrapMixin, KeyedForm):
    category = forms.ChoiceField(
        label=_("Type of feedback"),
        choices=[("", "—"), *Category.choices],
        error_messages={
            "required": _("Please choose what kind of feedback this is."),
            "invalid_choice": _("Please choose what kind of feedback this is."),
        },
    )
    text = text_field(_("Content"), _("Please write your feedback."), rows=5)
    page_address = forms.CharField(
        label=_("Page concerned (optional)"),
        required=False,
        max_length=PAGE_ADDRESS_MAX,
        help_text=_("The address of the eCabinet page the feedback is about, for example /meetings/12/."),
        error_messages={"max_length": _("The page address is too long (at most %(limit_value)s characters).")},
    )

    def to_input(self, files: list[Any]) -> FeedbackInput:
        data = self.cleaned_data
        return FeedbackInput(
            category=data["category"],
            text=data["text"],
            page_address=data.get("page_address") or "",
            files=files,
            submission_key=data.get("submission_key"),
        )


class AnswerForm(BootstrapMixin, KeyedForm):
    text = text_field(_("Answer"), _("Please write the answer."), rows=4)
    then = forms.ChoiceField(
        label=_("Then"),
        choices=[(Status.ANSWERED, _("Mark as answered")), (Status.CLOSED, _("Answer and close"))],
        initial=Status.ANSWERED,
        widget=forms.RadioSelect,
    )


class StatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Status.choices,
        error_messages={
            "required": _("Please choose a status."),
            "invalid_choice": _("Please choose a status."),
        },
    )
