from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from accounts.models import OrgUnit, Right, RightGrant, User
from meetings.actions.registration import AgendaLine, Guest, MeetingData
from meetings.models import Answer, Meeting, MeetingFormat, MeetingKind, Room, SupportKind

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = obj.unit.short_name or obj.unit.name if obj.unit else ""
        return f"{obj.full_name} – {obj.position} ({unit})" if obj.position else f"{obj.full_name} ({unit})"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return UserChoiceField.label_from_instance(self, obj)  # type: ignore[arg-type]


def officials() -> Any:
    return (
        User.objects.filter(is_active=True, is_external=False)
        .select_related("unit")
        .order_by("unit__sort_order", "full_name")
    )


def searchable(**attrs: Any) -> dict[str, Any]:
    """Widget attributes for core/static/js/searchable-select.js (a filter box with checkboxes or
    radio buttons; the texts are translated here, on the server)."""
    return {
        "data-searchable": "1",
        "data-search-placeholder": _("Type to search (accents optional)…"),
        "data-search-empty": _("Nothing matches."),
        "data-search-selected": _("Selected: %(count)s"),
        **attrs,
    }


def leaders_first_choices(field: Any, people: Any, empty_label: Any = None) -> list[Any]:
    """Choices for a picker of a leader (chair, document approver): the leaders first, then every
    other official, as two groups. The queryset still decides what is valid."""
    ranked = people.annotate(
        is_leader=Exists(RightGrant.objects.filter(user=OuterRef("pk"), right=Right.LEADER))
    ).order_by("-is_leader", "unit__sort_order", "full_name")
    leaders: list[tuple[Any, str]] = []
    others: list[tuple[Any, str]] = []
    for person in ranked:
        (leaders if person.is_leader else others).append((person.pk, field.label_from_instance(person)))
    choices: list[Any] = [("", empty_label)] if empty_label is not None else []
    if leaders:
        choices.append((_("Leaders"), leaders))
    if others:
        choices.append((_("Other officials"), others))
    return choices


class MeetingForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    is_ppc_meeting = forms.BooleanField(
        label=_("Meeting of the Provincial People's Committee"),
        required=False,
        help_text=_(
            "Điều 6.1c: its documents are then approved by a leader of the PPC Office who attends the meeting, not by the chair. Invite one."
        ),
    )
    start = forms.DateTimeField(label=_("Start"), widget=DATETIME_WIDGET)
    end = forms.DateTimeField(label=_("End"), widget=DATETIME_WIDGET)
    format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices, initial=MeetingFormat.IN_PERSON)
    room = forms.ModelChoiceField(label=_("Meeting room"), queryset=Room.objects.none(), required=False)
    place = forms.CharField(label=_("Or another place"), max_length=255, required=False)
    online_link = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https")
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    invitation_file = forms.FileField(
        label=_("Signed invitation letter (PDF, optional)"),
        required=False,
        help_text=_("A letter is also generated from the meeting data."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    chair = UserChoiceField(
        label=_("Chair"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs=searchable()),
        error_messages={"required": _("Choose the chair."), "invalid_choice": _("Choose the chair from the list.")},
    )
    document_approver = UserChoiceField(
        label=_("Leader who approves the documents"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select(attrs=searchable()),
    )
    document_preparer = UserChoiceField(
        label=_("Official who prepares the documents"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— none —"),
        widget=forms.Select(attrs=searchable()),
    )
    preparing_unit = forms.ModelChoiceField(
        label=_("Unit that prepares the documents"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("— none —"),
        widget=forms.Select(attrs=searchable()),
    )
    attendees = UserMultipleChoiceField(
        label=_("Attending officials"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs=searchable(size=8)),
    )
    attendee_units = forms.ModelMultipleChoiceField(
        label=_("Attending units (their document receiver names who attends)"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs=searchable(size=6)),
    )
    guests = forms.CharField(
        label=_("Outside guests"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("One per line: name | organisation | email | phone")}),
        help_text=_("One guest per line: name | organisation | email | phone (email and phone optional)."),
    )
    support_staff = UserMultipleChoiceField(
        label=_("Support staff"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs=searchable(size=4)),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = officials()
        for name in ("chair", "document_approver", "document_preparer", "attendees", "support_staff"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
        # A meeting is chaired, and its documents approved, by a leader: leaders come first.
        chair, approver = self.fields["chair"], self.fields["document_approver"]
        chair.choices = leaders_first_choices(chair, people, empty_label=_("— choose the chair —"))  # type: ignore[attr-defined]
        approver.choices = leaders_first_choices(approver, people, empty_label=_("— none —"))  # type: ignore[attr-defined]
        units = OrgUnit.objects.filter(is_active=True)
        self.fields["preparing_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["attendee_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["room"].queryset = Room.objects.filter(is_active=True).select_related("unit")  # type: ignore[attr-defined]

    def clean_guests(self) -> list[Guest]:
        guests: list[Guest] = []
        for number, line in enumerate(self.cleaned_data.get("guests", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", "", ""]
            name, organisation, email, phone = parts[:4]
            if not name:
                raise ValidationError(_("Line %(n)d: enter the guest's name first.") % {"n": number})
            if email:
                try:
                    forms.EmailField().clean(email)
                except ValidationError:
                    raise ValidationError(
                        _("Line %(n)d: “%(email)s” is not an email address.") % {"n": number, "email": email}
                    ) from None
            guests.append(Guest(name, organisation, email, phone))
        return guests

    def meeting_data(self, agenda: list[AgendaLine]) -> MeetingData:
        d = self.cleaned_data
        return MeetingData(
            title=d["title"],
            start=d["start"],
            end=d["end"],
            chair=d["chair"],
            content=d.get("content", ""),
            room=d.get("room"),
            place=d.get("place", ""),
            format=d["format"],
            online_link=d.get("online_link", ""),
            kind=d["kind"],
            is_ppc_meeting=d.get("is_ppc_meeting", False),
            document_approver=d.get("document_approver"),
            document_preparer=d.get("document_preparer"),
            preparing_unit=d.get("preparing_unit"),
            agenda=agenda,
            attendees=list(d.get("attendees") or []),
            attendee_units=list(d.get("attendee_units") or []),
            guests=d.get("guests") or [],
            support_staff=list(d.get("support_staff") or []),
            invitation_file=d.get("invitation_file") or None,
        )


class AgendaItemForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=300, required=False)
    presenter = forms.CharField(label=_("Presenter"), max_length=200, required=False)
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=1440, required=False, initial=15)


AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=2, max_num=50)


def agenda_lines(formset: Any) -> list[AgendaLine]:
    lines = []
    for form in formset.forms:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        if data.get("title", "").strip():
            lines.append(AgendaLine(data["title"], data.get("presenter", ""), data.get("duration_minutes") or 15))
    return lines


def initial_for(meeting: Meeting) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from meetings.models import InvitationKind, InvitationRole

    invitations = list(meeting.invitations.filter(substitute_for__isnull=True, named_by_unit__isnull=True))
    guests = "\n".join(
        " | ".join([i.guest_name, i.guest_organisation, i.guest_email, i.guest_phone]).rstrip(" |")
        for i in invitations
        if i.kind == InvitationKind.GUEST
    )
    initial = {
        "title": meeting.title,
        "kind": meeting.kind,
        "is_ppc_meeting": meeting.is_ppc_meeting,
        "start": meeting.start,
        "end": meeting.end,
        "format": meeting.format,
        "room": meeting.room_id,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "content": meeting.content,
        "chair": meeting.chair_id,
        "document_approver": meeting.document_approver_id,
        "document_preparer": meeting.document_preparer_id,
        "preparing_unit": meeting.preparing_unit_id,
        "attendees": [
            i.user_id for i in invitations if i.kind == InvitationKind.USER and i.role == InvitationRole.ATTENDEE
        ],
        "support_staff": [
            i.user_id for i in invitations if i.kind == InvitationKind.USER and i.role == InvitationRole.SUPPORT
        ],
        "attendee_units": [i.unit_id for i in invitations if i.kind == InvitationKind.UNIT],
        "guests": guests,
    }
    agenda = [
        {"title": a.title, "presenter": a.presenter, "duration_minutes": a.duration_minutes}
        for a in meeting.agenda_items.all()
    ]
    return initial, agenda


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("return", "return"), ("reject", "reject")])
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    justification = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PostponeForm(BootstrapMixin, forms.Form):
    start = forms.DateTimeField(label=_("New start"), widget=DATETIME_WIDGET)
    end = forms.DateTimeField(label=_("New end"), widget=DATETIME_WIDGET)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RecommendationForm(BootstrapMixin, forms.Form):
    """The "Kiến nghị đề xuất" of report Mẫu số 01, written after the meeting."""

    recommendation = forms.CharField(
        label=_("Recommendations and proposals (if any)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the column “Kiến nghị đề xuất” of report Mẫu số 01."),
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(BootstrapMixin, forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Answer.CONFIRMED, _("I will attend")),
            (Answer.DECLINED, _("I cannot attend")),
            (Answer.DELEGATED, _("I send a substitute")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required when you cannot attend)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    substitute = UserChoiceField(
        label=_("Substitute (an official of your unit)"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, invitee: User, allow_substitute: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        answer = self.fields["answer"]
        answer.error_messages["invalid_choice"] = _("Choose one of the answers offered.")
        if not allow_substitute:
            # Who attends in someone's place cannot pass the invitation on (Điều 6.3): the choice
            # that would always be refused is not offered.
            answer.choices = [c for c in answer.choices if c[0] != Answer.DELEGATED]  # type: ignore[attr-defined]
            del self.fields["substitute"]
            return
        self.fields["substitute"].queryset = (  # type: ignore[attr-defined]
            officials().filter(unit_id=invitee.unit_id).exclude(pk=invitee.pk)
        )


class NameAttendeesForm(BootstrapMixin, forms.Form):
    users = UserMultipleChoiceField(
        label=_("Who attends for the unit"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = officials().filter(unit=unit)  # type: ignore[attr-defined]


class SupportRequestForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What do you need?"), choices=SupportKind.choices)
    note = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(BootstrapMixin, forms.Form):
    resolution = forms.CharField(label=_("How it was handled"), widget=forms.Textarea(attrs={"rows": 2}))


class RoomForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    location = forms.CharField(label=_("Location"), max_length=255, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=5000, initial=20)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
