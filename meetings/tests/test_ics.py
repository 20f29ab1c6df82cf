"""The .ics of a meeting: one stable UID, UTC times, and a SEQUENCE/STATUS that make calendar
programs follow postponements and cancellations."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from icalendar import Calendar

from conftest import login
from meetings.actions.registration import do_submit_meeting
from meetings.actions.scheduling import do_cancel_meeting, do_postpone_meeting
from meetings.ics import calendar_bytes
from meetings.tests.conftest import approved, create
from notifications import attachments as notification_attachments
from notifications.attachments import PermanentDeliveryError


def only_event(content: bytes):  # type: ignore[no-untyped-def]
    calendar = Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_event_of_an_approved_meeting(organiser, leader, attendee, room) -> None:
    meeting = approved(organiser, leader, [attendee], room=room, place="", content="Đánh giá công tác năm")
    content = calendar_bytes([meeting], name=meeting.title)
    event = only_event(content)
    assert str(event["UID"]) == f"{meeting.uid}@ecabinet"
    assert event["DTSTART"].dt == meeting.start and event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt == meeting.end and event["DTEND"].dt.utcoffset() == timedelta(0)
    assert f"DTSTART:{meeting.start.astimezone(UTC):%Y%m%dT%H%M%SZ}".encode() in content
    assert str(event["SUMMARY"]) == "Họp giao ban tháng 12"
    assert str(event["LOCATION"]) == "Phòng họp tầng 3 – Số 2 Lê Hồng Phong"
    description = str(event["DESCRIPTION"])
    assert "Đánh giá công tác năm" in description and "Báo cáo tình hình" in description
    assert str(event["URL"]).endswith(f"/meetings/{meeting.pk}/") and str(event["URL"]) in description
    assert event["SEQUENCE"] == 1
    assert str(event["STATUS"]) == "CONFIRMED"


def test_sequence_increments_after_postponement(organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    before = only_event(calendar_bytes([meeting], name="x"))
    new_start = meeting.start + timedelta(days=2)
    meeting = do_postpone_meeting(
        organiser, meeting, start=new_start, end=new_start + timedelta(hours=1), reason="Trùng lịch"
    )
    after = only_event(calendar_bytes([meeting], name="x"))
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after["DTSTART"].dt == new_start
    assert str(after["STATUS"]) == "CONFIRMED"


def test_cancellation_is_a_cancelled_event(organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    meeting = do_cancel_meeting(organiser, meeting, reason="Lãnh đạo đi công tác")
    event = only_event(calendar_bytes([meeting], name="x"))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 2
    assert "Lãnh đạo đi công tác" in str(event["DESCRIPTION"])


def test_a_meeting_waiting_for_approval_is_tentative(organiser, leader, attendee) -> None:
    meeting = create(organiser, leader, [attendee])
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    assert str(only_event(calendar_bytes([meeting], name="x"))["STATUS"]) == "TENTATIVE"


def test_ics_download(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, attendee)
    response = client.get(f"/meetings/{meeting.pk}/meeting.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="cuoc-hop-{meeting.pk}.ics"' in response["Content-Disposition"]
    assert str(only_event(response.content)["UID"]) == f"{meeting.uid}@ecabinet"


def test_outsider_gets_404_for_the_ics(client, organiser, leader, attendee, stc_member) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, stc_member)
    assert client.get(f"/meetings/{meeting.pk}/meeting.ics").status_code == 404


# --- the files attached to invitation emails --------------------------------------------------


def test_invitation_attachments_are_the_letter_and_the_event(organiser, leader, attendee) -> None:
    import meetings.attachments  # noqa: F401  (registers the builder, as at start-up)

    meeting = approved(organiser, leader, [attendee])
    files = notification_attachments.build("meeting_invitation", {"meeting_id": meeting.pk})
    assert [(name, mimetype) for name, _content, mimetype in files] == [
        (f"giay-moi-{meeting.pk}.pdf", "application/pdf"),
        (f"cuoc-hop-{meeting.pk}.ics", "text/calendar"),
    ]
    assert files[0][1].startswith(b"%PDF-")
    assert str(only_event(files[1][1])["UID"]) == f"{meeting.uid}@ecabinet"


def test_attachments_of_a_deleted_meeting_fail_permanently(db) -> None:
    import meetings.attachments  # noqa: F401

    with pytest.raises(PermanentDeliveryError):
        notification_attachments.build("meeting_invitation", {"meeting_id": 999999})
