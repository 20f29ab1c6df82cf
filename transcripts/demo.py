"""An ended meeting with a short recording for `seed_demo` (core.demo), so that `make run` shows a
transcript with speakers: the worker started by scripts/serve.sh transcribes it in the first
minute after start.

The meeting of Sở Nội vụ runs through the live room's actions: the chair opens (nobody has the
floor), gives the floor to a specialist, then to a colleague of Sở Tài chính, and closes. The
speech is synthesised with espeak-ng and uploaded as the meeting's recording through the
recordings app's action. So that the floor turns line up with the speech, the actions run on a
simulated clock that advances with the audio (they would otherwise all happen in the same
millisecond): the meeting takes place over the minute after seeding. Without espeak-ng the
meeting is not created and a note says why. Idempotent: by title.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from unittest import mock

from django.utils import timezone

from accounts.models import User
from live.actions.room import do_end_meeting, do_start_meeting
from live.actions.speaking import do_end_turn, do_give_floor
from meetings.actions.approval import do_approve_meeting
from meetings.actions.registration import AgendaLine, MeetingData, do_create_meeting, do_submit_meeting
from meetings.models import Meeting
from recordings.actions.upload import do_create_recording_from_file
from transcripts.engine import synth

DEMO_TITLE = "Giao ban công tác cải cách hành chính tháng 11"

# (speaker, line): None is the chair speaking without a floor turn.
SCRIPT: list[tuple[str | None, str]] = [
    (
        None,
        "Xin chào các đồng chí. Hôm nay chúng ta giao ban công tác cải cách hành chính. Mời đồng chí chuyên viên báo cáo.",
    ),
    (
        "snv.chuyenvien",
        "Báo cáo đồng chí Giám đốc, trong tháng qua Sở đã giải quyết đúng hạn hầu hết hồ sơ thủ tục hành chính.",
    ),
    ("stc.chuyenvien", "Sở Tài chính đề nghị bổ sung kinh phí cho việc số hóa hồ sơ trong năm tới."),
    (None, "Cảm ơn các đồng chí. Đề nghị các đơn vị tiếp tục thực hiện tốt. Cuộc họp kết thúc."),
]


class _Clock:
    """timezone.now() for the actions while seeding: starts now, moves only when told."""

    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at


def seed_transcripts() -> list[str]:
    if Meeting.objects.filter(title=DEMO_TITLE).exists():
        return []
    if not synth.available():
        return ["Demo transcript skipped: espeak-ng is not installed (apt-get install espeak-ng)."]
    organiser = User.objects.get(username="snv.daumoi")
    chair = User.objects.get(username="snv.giamdoc")
    speakers = {name: User.objects.get(username=name) for name, _line in SCRIPT if name}
    with tempfile.TemporaryDirectory(prefix="ecabinet-demo-") as folder:
        audio = Path(folder) / "giao-ban.wav"
        spans = synth.conversation([line for _name, line in SCRIPT], audio, gap=0.8)

        start = (timezone.now() + dt.timedelta(hours=3)).replace(second=0, microsecond=0)
        data = MeetingData(
            title=DEMO_TITLE,
            start=start,
            end=start + dt.timedelta(hours=1),
            chair=chair,
            place="Phòng họp tầng 2, Sở Nội vụ",
            content="Đánh giá kết quả cải cách hành chính trong tháng, thống nhất nhiệm vụ tháng tới.",
            agenda=[AgendaLine("Báo cáo kết quả cải cách hành chính", "Chuyên viên", 15)],
            attendees=list(speakers.values()),
        )
        meeting = do_create_meeting(organiser, data)
        do_submit_meeting(organiser, meeting, acknowledge_conflicts=True)
        meeting.refresh_from_db()
        meeting = do_approve_meeting(
            chair, meeting, justification="Giao ban định kỳ, dời lịch theo chỉ đạo của Giám đốc Sở."
        )

        clock = _Clock(timezone.now())
        began = clock.at
        with mock.patch("django.utils.timezone.now", clock):
            meeting = do_start_meeting(chair, meeting)
            for (name, _line), (_a, b) in zip(SCRIPT, spans, strict=True):
                if name is not None:
                    do_give_floor(chair, meeting, speakers[name])
                clock.at = began + dt.timedelta(seconds=b + 0.4)  # in the silence after the line
                if name is not None:
                    do_end_turn(chair, meeting)
            meeting = do_end_meeting(chair, meeting)
        do_create_recording_from_file(chair, meeting, audio, original_name="giao-ban.wav", started_at=began)
    return [f"Demo ended meeting with a recording to transcribe: {DEMO_TITLE}"]
