"""What officials read (issue 10): the dashboard counters are named in Vietnamese, not by their
code; the approval countdown is Vietnamese ("còn 2 ngày 18 giờ"); the late-submission warning
is shown once after "Trình duyệt"."""

from __future__ import annotations

import html as html_lib
from datetime import datetime, timedelta

import pytest
from django.utils import translation

from conftest import login
from meetings import queries
from meetings.actions.common import late_submission_warning
from meetings.actions.registration import do_submit_meeting
from meetings.templatetags.meeting_time import countdown_text
from meetings.tests.conftest import approved, create

NOW = datetime(2026, 12, 7, 8, 0)


@pytest.mark.parametrize(
    ("left", "vietnamese", "english"),
    [
        (timedelta(days=2, hours=18, minutes=5), "2 ngày 18 giờ", "2 days 18 hours"),
        (timedelta(days=1), "1 ngày", "1 day"),
        (timedelta(hours=5, minutes=12), "5 giờ 12 phút", "5 hours 12 minutes"),
        (timedelta(minutes=1, seconds=30), "1 phút", "1 minute"),
        (timedelta(seconds=20), "1 phút", "1 minute"),
    ],
)
def test_countdown_names_days_hours_and_minutes_in_the_users_language(left, vietnamese, english) -> None:
    with translation.override("vi"):
        assert countdown_text(NOW + left, NOW) == vietnamese
    with translation.override("en"):
        assert countdown_text(NOW + left, NOW) == english


def test_countdown_is_empty_once_the_deadline_has_passed() -> None:
    assert countdown_text(NOW, NOW) == ""
    assert countdown_text(NOW - timedelta(hours=1), NOW) == ""


@pytest.mark.parametrize("path", ["/meetings/approvals/", "/meetings/{pk}/"])
def test_the_approval_countdown_reads_in_vietnamese(client, organiser, leader, attendee, path) -> None:
    meeting = create(organiser, leader, [attendee], start_in=timedelta(days=6))
    do_submit_meeting(organiser, meeting)
    login(client, leader)
    html = client.get(path.format(pk=meeting.pk)).content.decode()
    badge = html[html.index('data-testid="countdown">') :].split("</span>")[0]
    assert "còn " in badge and "ngày" in badge
    for english in ("day", "hour", "minute"):
        assert english not in badge


def test_dashboard_counters_are_named_in_vietnamese(client, organiser, leader, attendee, province) -> None:
    meeting = approved(organiser, leader, [attendee], attendee_units=[province["stc"]])
    login(client, organiser)
    html = client.get(f"/meetings/{meeting.pk}/dashboard/").content.decode()
    for key, label in queries.ANSWER_COUNT_LABELS.items():
        cell = html[html.index(f'data-testid="count-{key}"') :].split("</div></div>")[0]
        shown_label = html_lib.unescape(cell.rsplit(">", 1)[-1])
        with translation.override("en"):
            english = str(label)
        with translation.override("vi"):
            assert shown_label == str(label)
        assert shown_label not in (key, english)  # a Vietnamese name, not the code or the msgid


def test_dashboard_counts_are_right(organiser, leader, attendee, colleague, province) -> None:
    meeting = approved(organiser, leader, [attendee, colleague], attendee_units=[province["stc"]])
    counts = queries.answer_counts(queries.invitation_rows(meeting))
    rows = {key: value for key, _label, value in queries.answer_count_rows(counts)}
    assert rows == {
        "invited": 2,
        "units": 1,
        "guests": 0,
        "confirmed": 0,
        "declined": 0,
        "delegated": 0,
        "pending": 3,
    }


def test_the_late_warning_is_shown_once_after_submitting(client, organiser, leader, attendee) -> None:
    meeting = create(organiser, leader, [attendee], start_in=timedelta(days=1))
    login(client, organiser)
    response = client.post(f"/meetings/{meeting.pk}/submit/", follow=True)
    page = response.content.decode()
    with translation.override("vi"):
        meeting.refresh_from_db()
        warning = late_submission_warning(meeting)
    assert meeting.submitted_late
    assert page.count(html_lib.escape(warning)) == 1
    assert page.count("Điều 6.2") == 1
