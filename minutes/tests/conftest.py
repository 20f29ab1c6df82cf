"""Minutes fixtures: the live room's people (chair `leader`, `organiser`, `secretary` as support
staff), a meeting with every kind of attendance (present, late, absent with a reason, a
substitute, a guest), two floor turns with transcript segments, a named and a secret vote and the
chair's conclusions, ended through the live room (so live's hook writes the draft)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from accounts.models import Right
from conftest import make_user
from live import hooks
from live.actions.checkin import do_mark_attendance
from live.actions.room import do_conclude_item, do_end_meeting, do_set_current_item, do_start_meeting
from live.actions.speaking import do_end_turn, do_give_floor
from live.actions.voting import do_close_vote, do_create_vote, do_vote
from live.models import AttendanceStatus, SpeakRequest
from live.tests.conftest import attendee, colleague, leader, organiser, outsider, room, secretary
from meetings.actions.invitations import do_answer_invitation
from meetings.actions.registration import Guest
from meetings.models import Answer, Invitation, InvitationKind, Meeting
from meetings.tests.conftest import approved
from minutes.actions import on_meeting_ended
from minutes.models import Minutes
from polls.models import Option, Question
from recordings.models import Recording, RecordingSource, RecordingStatus
from transcripts.models import Segment, SpeakerKind, Transcript, TranscriptStatus

__all__ = ["attendee", "colleague", "leader", "organiser", "outsider", "room", "secretary"]


@pytest.fixture(autouse=True)
def _minutes_hooked():  # type: ignore[no-untyped-def]
    """Our callback, as MinutesConfig.ready registers it (another suite may have removed it)."""
    hooks.on_meeting_ended(on_meeting_ended)
    yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ppc_leader(province):  # type: ignore[no-untyped-def]
    return make_user("ubnd.chutich", province["root"], Right.LEADER, full_name="Đinh Công Minh")


@pytest.fixture
def substitute(province):  # type: ignore[no-untyped-def]
    return make_user("snv.phong3", province["snv"], full_name="Trần Văn Thế", position="Phó Trưởng phòng")


@pytest.fixture
def latecomer(province):  # type: ignore[no-untyped-def]
    return make_user("snv.phong4", province["snv"], full_name="Đoàn Thị Yến", email="yen@snv.example")


@pytest.fixture
def stc_receiver(province):  # type: ignore[no-untyped-def]
    """Sở Tài chính's document receiver (the notice goes to them for their unit)."""
    user = make_user("stc.vanthu", province["stc"], full_name="Lưu Thị Vân")
    province["stc"].document_receiver = user
    province["stc"].save()
    return user


@pytest.fixture
def planned(organiser, leader, attendee, colleague, secretary, latecomer) -> Meeting:  # type: ignore[no-untyped-def]
    return approved(
        organiser,
        leader,
        [attendee, colleague, latecomer],
        start_in=timedelta(minutes=59),
        support_staff=[secretary],
        guests=[Guest("Ngô Văn Bình", "Công ty TNHH Minh Phát")],
    )


def invitation(meeting: Meeting, user: Any) -> Invitation:
    return Invitation.objects.get(meeting=meeting, kind=InvitationKind.USER, user=user)


@pytest.fixture
def ended(  # type: ignore[no-untyped-def]
    planned,
    organiser,
    leader,
    attendee,
    colleague,
    secretary,
    latecomer,
    substitute,
    django_capture_on_commit_callbacks,
) -> Meeting:
    meeting = planned
    do_answer_invitation(
        organiser, invitation(meeting, colleague), answer=Answer.DECLINED, reason="Đi công tác tại Hà Nội"
    )
    do_answer_invitation(organiser, invitation(meeting, attendee), answer=Answer.DELEGATED, substitute=substitute)
    meeting = do_start_meeting(leader, meeting)
    do_mark_attendance(secretary, meeting, invitation(meeting, substitute), status=AttendanceStatus.PRESENT)
    do_mark_attendance(secretary, meeting, invitation(meeting, latecomer), status=AttendanceStatus.LATE)
    guest = Invitation.objects.get(meeting=meeting, kind=InvitationKind.GUEST)
    do_mark_attendance(secretary, meeting, guest, status=AttendanceStatus.PRESENT)
    first, second = meeting.agenda_items.order_by("order")
    do_give_floor(leader, meeting, substitute)
    do_end_turn(leader, meeting)
    do_conclude_item(leader, meeting, first, text="Giao Văn phòng Sở hoàn thiện báo cáo trước ngày 20/12.")
    do_set_current_item(leader, meeting, second)
    do_give_floor(leader, meeting, latecomer)
    do_end_turn(leader, meeting)
    named = do_create_vote(leader, meeting, question="Thông qua kế hoạch tháng 1", open_now=True)
    secret = do_create_vote(leader, meeting, question="Bầu tổ trưởng tổ công tác", open_now=True, secret=True)
    for poll, voters in ((named, (substitute, latecomer)), (secret, (substitute, latecomer))):
        question = Question.objects.get(poll=poll)
        options = list(Option.objects.filter(question=question).order_by("order", "pk"))
        for n, voter in enumerate(voters):
            do_vote(voter, poll, {str(question.pk): str(options[n].pk)})
        do_close_vote(leader, poll)
    do_conclude_item(leader, meeting, second, text="Thống nhất kế hoạch; Sở Tài chính bố trí kinh phí.")
    # The transcript: one segment in each turn, said by the person who had the floor.
    recording = Recording.objects.create(
        meeting=meeting, source=RecordingSource.UPLOAD, status=RecordingStatus.STOPPED, started_by=leader
    )
    transcript = Transcript.objects.create(recording=recording, status=TranscriptStatus.DONE)
    for n, turn in enumerate(SpeakRequest.objects.filter(meeting=meeting).order_by("started_at")):
        Segment.objects.create(
            transcript=transcript,
            window=n,
            ordinal=0,
            start=float(n),
            end=float(n) + 1,
            spoken_at=turn.started_at,
            text=f"Lời phát biểu số {n + 1} về nội dung cuộc họp",
            speaker=turn.user,
            speaker_kind=SpeakerKind.PERSON,
        )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = do_end_meeting(leader, meeting)
    return meeting


@pytest.fixture
def minutes(ended) -> Minutes:  # type: ignore[no-untyped-def]
    return Minutes.objects.get(meeting=ended)
