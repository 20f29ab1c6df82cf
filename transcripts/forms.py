from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from transcripts.actions import CHAIR, UNKNOWN
from transcripts.models import Segment, SpeakerKind


class CorrectionForm(forms.Form):
    """Text and speaker of a segment. The form only offers the choices: the action checks both
    (check_correction) and its messages land on these fields."""

    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), required=False
    )
    speaker = forms.CharField(label=_("Speaker"), widget=forms.Select(attrs={"class": "form-select"}), required=False)

    def __init__(self, *args: Any, segment: Segment, candidates: list[User], **kwargs: Any) -> None:
        if not args or args[0] is None:
            if segment.speaker_kind == SpeakerKind.PERSON and segment.speaker_id:
                current = str(segment.speaker_id)
            else:
                current = CHAIR if segment.speaker_kind == SpeakerKind.CHAIR else UNKNOWN
            kwargs.setdefault("initial", {"text": segment.text, "speaker": current})
        super().__init__(*args, **kwargs)
        widget = cast(forms.Select, self.fields["speaker"].widget)
        widget.choices = [
            (CHAIR, _("The chair (nobody had the floor)")),
            (UNKNOWN, _("Unknown speaker")),
            *((str(u.pk), u.display_name) for u in candidates),
        ]
