"""`manage.py seed_demo` (what `make run` loads): the demo data of every app, through the apps'
actions, once. Running it again changes nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command

from core import demo


@pytest.fixture(autouse=True)
def _demo_files(settings, tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    yield
    from documents.conversion import get_converter

    get_converter().close()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not model._meta.label.startswith(("sessions.", "django_tasks"))
    }


def test_seeders_run_from_the_lowest_floor_up() -> None:
    names = demo.seeder_names()
    assert names.index("signing") < names.index("meetings") < names.index("documents") < names.index("live")
    assert names.index("documents") < names.index("opinions")


def test_running_seed_demo_twice_changes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=io.StringIO())
    first = row_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert row_counts() == first


def test_the_demo_has_every_kind_of_object_the_pages_show(db) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import TransferRequest, TransferStatus
    from documents.models import ApprovalStatus, Document, PrivateNote, ProcessingState, Security
    from live.models import Attendance, Incident, SpeakRequest
    from meetings.models import CalendarFeed, MeetingStatus, SupportRequest
    from notifications.models import Delivery, DeliveryStatus
    from opinions.models import AnswerRevision, QuestionAttachment, RevisionState
    from signing.models import CertificateBinding

    call_command("seed_demo", stdout=io.StringIO())
    documents = {d.title: d for d in Document.objects.select_related("current_version")}
    assert len(documents) == 3
    statuses = sorted((d.status, d.security, d.versions.count()) for d in documents.values())
    assert statuses == [
        (ApprovalStatus.APPROVED, Security.ALL_ATTENDEES, 2),
        (ApprovalStatus.APPROVED, Security.RESTRICTED, 1),
        (ApprovalStatus.PENDING, Security.ALL_ATTENDEES, 1),
    ]
    # Processed by the real task: converted (or, without LibreOffice, failed with a reason to retry).
    for document in documents.values():
        version = document.current_version
        assert version is not None and version.state in (ProcessingState.DONE, ProcessingState.FAILED)
        if version.file_type == "pdf":
            assert version.state == ProcessingState.DONE and version.page_count == 1
    assert PrivateNote.objects.count() == 1
    assert TransferRequest.objects.get().status == TransferStatus.PENDING
    assert SupportRequest.objects.count() == 1
    failed = Delivery.objects.get(status=DeliveryStatus.FAILED)
    assert failed.target_type == "meetings.meeting" and failed.next_attempt_at is None
    assert CalendarFeed.objects.count() == 2
    # The meeting in progress has one request waiting; the transcript's ended meeting had two turns.
    live = SpeakRequest.objects.get(meeting__status=MeetingStatus.IN_PROGRESS).meeting
    assert Attendance.objects.filter(meeting=live).count() == 2 and Incident.objects.filter(meeting=live).count() == 1
    # The official answered twice, the ward once; every ballot waits for its signature.
    # (The reports' demo adds a collection of the previous quarter, answered without signatures.)
    signed = AnswerRevision.objects.filter(collection__requires_signature=True).order_by("pk")
    revisions = [(r.voter.username, r.number, r.state, bool(r.ballot)) for r in signed]
    assert revisions == [
        ("snv.chuyenvien", 1, RevisionState.AWAITING_SIGNATURE, True),
        ("snv.chuyenvien", 2, RevisionState.AWAITING_SIGNATURE, True),
        ("hoalu.chutich", 1, RevisionState.AWAITING_SIGNATURE, True),
    ]
    assert QuestionAttachment.objects.count() == 2
    assert CertificateBinding.objects.get().user.username == "snv.giamdoc"
