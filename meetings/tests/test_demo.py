import pytest
from django.core.management import call_command

from meetings.demo import DEMO_TITLES
from meetings.models import Meeting, MeetingStatus, Room


@pytest.fixture(autouse=True)
def _demo_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    """seed_demo stores documents, attachments and ballots: under a temporary directory here."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_UPLOAD_TEMP_DIR = tmp_path / "uploads"


def test_seed_demo_adds_rooms_and_meetings_once(db) -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    assert Room.objects.count() == 3
    assert Meeting.objects.get(title=DEMO_TITLES[0]).status == MeetingStatus.APPROVED
    assert Meeting.objects.get(title=DEMO_TITLES[1]).status == MeetingStatus.SUBMITTED


def test_seed_demo_adds_one_opinion_collection_with_a_consulted_ward(db) -> None:
    from opinions.demo import DEMO_TITLE
    from opinions.models import Collection

    call_command("seed_demo")
    call_command("seed_demo")
    collection = Collection.objects.get(poll__title=DEMO_TITLE)
    assert collection.people.count() == 2 and collection.units.get().unit.name == "Phường Hoa Lư"
