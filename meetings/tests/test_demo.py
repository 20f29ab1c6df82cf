from django.core.management import call_command

from meetings.demo import DEMO_TITLES
from meetings.models import Meeting, MeetingStatus, Room


def test_seed_demo_adds_rooms_and_meetings_once(db) -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    assert Room.objects.count() == 3
    assert Meeting.objects.get(title=DEMO_TITLES[0]).status == MeetingStatus.APPROVED
    assert Meeting.objects.get(title=DEMO_TITLES[1]).status == MeetingStatus.SUBMITTED
