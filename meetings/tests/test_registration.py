"""Điều 6.1: registration by officials holding the organiser right, every field validated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import login
from meetings.actions.registration import ConflictWarning, Guest, do_create_meeting, do_submit_meeting
from meetings.models import Invitation, InvitationKind, Meeting, MeetingFormat, MeetingStatus
from meetings.tests.conftest import approved, create, data_for


def test_organiser_registers_a_draft_with_agenda_and_invitees(organiser, leader, attendee, province) -> None:
    data = data_for(
        leader,
        [attendee],
        attendee_units=[province["stc"]],
        guests=[Guest("Ngô Văn Bình", "Công ty TNHH Minh Phát", "binh@minhphat.example", "")],
        support_staff=[organiser],
    )
    meeting = do_create_meeting(organiser, data)
    assert meeting.status == MeetingStatus.DRAFT and meeting.unit == province["snv"]
    assert [a.title for a in meeting.agenda_items.all()] == ["Báo cáo tình hình", "Thảo luận"]
    kinds = sorted(meeting.invitations.values_list("kind", "role"))
    assert kinds == [("guest", "attendee"), ("unit", "attendee"), ("user", "attendee"), ("user", "support")]


def test_official_without_the_organiser_right_cannot_register(snv_member, leader, attendee) -> None:
    with pytest.raises(PermissionDenied):
        do_create_meeting(snv_member, data_for(leader, [attendee]))


def test_registration_page_is_403_without_the_right(client, snv_member) -> None:
    login(client, snv_member)
    assert client.get("/meetings/new/").status_code == 403


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"start_in": timedelta(hours=-1)}, "start"),
        ({"hours": 0}, "end"),
        ({"title": "  "}, "title"),
        ({"place": ""}, "room"),
        ({"format": MeetingFormat.ONLINE, "online_link": ""}, "online_link"),
    ],
)
def test_bad_registration_is_refused_and_nothing_is_saved(organiser, leader, attendee, overrides, field) -> None:
    with pytest.raises(ValidationError) as info:
        do_create_meeting(organiser, data_for(leader, [attendee], **overrides))
    assert field in info.value.error_dict
    assert not Meeting.objects.exists()


def test_submission_needs_an_attendee(organiser, leader) -> None:
    meeting = create(organiser, leader, [])
    with pytest.raises(ValidationError) as info:
        do_submit_meeting(organiser, meeting)
    assert "attendees" in info.value.error_dict
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT


def test_room_double_booking_is_refused(organiser, leader, attendee, room) -> None:
    approved(organiser, leader, [attendee], room=room, place="")
    with pytest.raises(ValidationError) as info:
        create(organiser, leader, [attendee], room=room, place="", start_in=timedelta(days=5, hours=1))
    assert info.value.code == "room_clash" or "room_clash" in str(info.value)
    assert Meeting.objects.count() == 1


def test_adjacent_bookings_of_a_room_do_not_clash(organiser, leader, attendee, room) -> None:
    approved(organiser, leader, [attendee], room=room, place="")
    create(organiser, leader, [attendee], room=room, place="", start_in=timedelta(days=5, hours=2))
    assert Meeting.objects.count() == 2


def test_a_room_clash_found_at_submission_is_refused(organiser, leader, attendee, room) -> None:
    first = create(organiser, leader, [attendee], room=room, place="")
    second = create(organiser, leader, [attendee], room=room, place="")  # both drafts: allowed
    do_submit_meeting(organiser, first)
    with pytest.raises(ValidationError):
        do_submit_meeting(organiser, second)
    second.refresh_from_db()
    assert second.status == MeetingStatus.DRAFT


def test_a_busy_person_is_a_warning_the_organiser_must_acknowledge(organiser, leader, attendee) -> None:
    approved(organiser, leader, [attendee])
    other = create(organiser, leader, [attendee], start_in=timedelta(days=5, hours=1))
    with pytest.raises(ConflictWarning) as info:
        do_submit_meeting(organiser, other)
    assert any(attendee.full_name in c for c in info.value.conflicts)
    other.refresh_from_db()
    assert other.status == MeetingStatus.DRAFT
    do_submit_meeting(organiser, other, acknowledge_conflicts=True)
    other.refresh_from_db()
    assert other.status == MeetingStatus.SUBMITTED


def test_registration_through_the_form(client, organiser, leader, attendee, room) -> None:
    from django.utils import timezone

    login(client, organiser)
    start = timezone.localtime(timezone.now() + timedelta(days=7)).replace(hour=8, minute=0)
    response = client.post(
        "/meetings/new/",
        {
            "title": "Hội nghị triển khai nhiệm vụ năm 2027",
            "kind": "regular",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "end": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "format": "in_person",
            "room": str(room.pk),
            "chair": str(leader.pk),
            "attendees": [str(attendee.pk)],
            "guests": "Ngô Văn Bình | Công ty TNHH Minh Phát | binh@minhphat.example",
            "agenda-TOTAL_FORMS": "2",
            "agenda-INITIAL_FORMS": "0",
            "agenda-0-title": "Khai mạc",
            "agenda-0-presenter": "Lãnh đạo Sở",
            "agenda-0-duration_minutes": "10",
            "agenda-1-title": "",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.agenda_items.get().title == "Khai mạc"
    assert Invitation.objects.filter(
        meeting=meeting, kind=InvitationKind.GUEST, guest_organisation="Công ty TNHH Minh Phát"
    ).exists()


def test_bad_guest_line_is_refused_in_the_form(client, organiser, leader) -> None:
    login(client, organiser)
    response = client.post("/meetings/new/", {"title": "X", "guests": "| Không tên"})
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_uploaded_invitation_letter_must_really_be_a_pdf(organiser, leader, attendee, settings, tmp_path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    html = SimpleUploadedFile("giay-moi.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        do_create_meeting(organiser, data_for(leader, [attendee], invitation_file=html))
    assert "invitation_file" in info.value.error_dict
    assert not Meeting.objects.exists() and not any(tmp_path.rglob("*.pdf"))
    pdf = SimpleUploadedFile("../../etc/giay moi.pdf", b"%PDF-1.7\n%test\n", content_type="application/pdf")
    meeting = do_create_meeting(organiser, data_for(leader, [attendee], invitation_file=pdf))
    stored = tmp_path / meeting.invitation_file.name
    assert stored.is_file() and stored.resolve().is_relative_to(tmp_path)


def test_uploaded_letter_is_served_only_to_people_who_see_the_meeting(
    client, organiser, leader, attendee, stc_member, settings, tmp_path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("gm.pdf", b"%PDF-1.7\n%test\n", content_type="application/pdf")
    meeting = approved(organiser, leader, [attendee], invitation_file=pdf)
    login(client, attendee)
    response = client.get(f"/meetings/{meeting.pk}/uploaded-invitation.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    login(client, stc_member)
    assert client.get(f"/meetings/{meeting.pk}/uploaded-invitation.pdf").status_code == 404
