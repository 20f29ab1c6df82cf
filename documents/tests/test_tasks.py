"""The processing task runs once per version, records its progress, and a failure can be retried
by the people who manage the meeting's documents (everyone else gets 404)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from conftest import login
from documents import tasks
from documents.models import ApprovalStatus, Document, DocumentVersion, ProcessingState
from documents.tasks import process_version
from documents.tests.conftest import docx_bytes, make_version, pdf_bytes


def test_running_the_task_twice_converts_once(meeting, organiser, lo_converter, monkeypatch) -> None:
    calls = []
    convert = lo_converter.convert

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return convert(*args, **kwargs)

    monkeypatch.setattr(lo_converter, "convert", counting)
    version = make_version(meeting, organiser, docx_bytes(2), "docx")

    assert process_version.call(version.pk) == ProcessingState.DONE
    assert process_version.call(version.pk) == "skipped"

    assert len(calls) == 1
    version.refresh_from_db()
    assert version.state == ProcessingState.DONE and version.page_count == 2


def test_a_version_being_processed_is_not_claimed_again(meeting, organiser) -> None:
    version = make_version(meeting, organiser, pdf_bytes(1), "pdf", state=ProcessingState.PROCESSING, progress=40)
    assert process_version.call(version.pk) == "skipped"
    version.refresh_from_db()
    assert version.state == ProcessingState.PROCESSING and version.progress == 40


def test_progress_is_recorded_as_the_work_goes(meeting, organiser, monkeypatch) -> None:
    version = make_version(meeting, organiser, pdf_bytes(2), "pdf")
    seen: list[tuple[str, int]] = []
    record = tasks._progress

    def spy(version_id: int, percent: int) -> None:
        record(version_id, percent)
        seen.append(DocumentVersion.objects.values_list("state", "progress").get(pk=version_id))

    monkeypatch.setattr(tasks, "_progress", spy)
    process_version.call(version.pk)
    assert seen == [("processing", 40), ("processing", 70), ("processing", 90)]
    version.refresh_from_db()
    assert (version.state, version.progress) == (ProcessingState.DONE, 100)


def test_only_the_current_version_feeds_search(meeting, organiser) -> None:
    current = make_version(meeting, organiser, pdf_bytes(1), "pdf", title="Báo cáo")
    process_version.call(current.pk)
    older = make_version(meeting, organiser, pdf_bytes(2), "pdf", document=current.document, current=False)
    Document.objects.filter(pk=current.document_id).update(search_text="unchanged")

    process_version.call(older.pk)

    assert Document.objects.get(pk=current.document_id).search_text == "unchanged"


def test_schedule_processing_enqueues_after_commit(meeting, organiser, django_capture_on_commit_callbacks) -> None:
    version = make_version(meeting, organiser, pdf_bytes(1), "pdf")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.schedule_processing(version.pk)
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "documents.tasks.process_version" and task.args_kwargs["args"] == [version.pk]


def failed_version(meeting, organiser) -> DocumentVersion:  # type: ignore[no-untyped-def]
    return make_version(
        meeting, organiser, b"not a word file", "docx", state=ProcessingState.FAILED, error="Không mở được tệp"
    )


def test_retry_queues_a_failed_version_again(client, meeting, organiser, django_capture_on_commit_callbacks) -> None:
    version = failed_version(meeting, organiser)
    login(client, organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:retry_processing", args=[version.pk]))

    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.state, version.progress, version.error) == (ProcessingState.QUEUED, 0, "")
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [version.pk]
    entry = AuditEntry.objects.get(action="document.processing_retried")
    assert entry.actor == organiser and entry.target_id == str(version.pk) and entry.unit == meeting.unit
    assert entry.data["error"] == "Không mở được tệp"


def test_retry_answers_json_to_the_page_script(client, meeting, organiser) -> None:
    version = failed_version(meeting, organiser)
    login(client, organiser)
    response = client.post(
        reverse("documents:retry_processing", args=[version.pk]), headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "state": "queued",
        "label": response.json()["label"],
        "progress": 0,
        "page_count": None,
        "error": "",
    }


@pytest.mark.parametrize("state", [ProcessingState.QUEUED, ProcessingState.PROCESSING, ProcessingState.DONE])
def test_only_a_failed_version_can_be_retried(client, meeting, organiser, state) -> None:
    version = make_version(meeting, organiser, pdf_bytes(1), "pdf", state=state)
    login(client, organiser)
    response = client.post(reverse("documents:retry_processing", args=[version.pk]))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.state == state
    assert not AuditEntry.objects.filter(action="document.processing_retried").exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize("who", ["attendee", "stc_leader"])
def test_retry_is_404_for_people_who_do_not_manage_the_documents(client, meeting, organiser, request, who) -> None:
    version = failed_version(meeting, organiser)
    Document.objects.filter(pk=version.document_id).update(status=ApprovalStatus.APPROVED)
    login(client, request.getfixturevalue(who))

    response = client.post(reverse("documents:retry_processing", args=[version.pk]))

    assert response.status_code == 404
    version.refresh_from_db()
    assert version.state == ProcessingState.FAILED
    assert not AuditEntry.objects.filter(action="document.processing_retried").exists()


def test_retry_of_an_unknown_version_is_404(client, organiser) -> None:
    login(client, organiser)
    assert client.post(reverse("documents:retry_processing", args=[999999])).status_code == 404


def test_retry_needs_post(client, meeting, organiser) -> None:
    version = failed_version(meeting, organiser)
    login(client, organiser)
    assert client.get(reverse("documents:retry_processing", args=[version.pk])).status_code == 405


def test_status_reports_state_progress_pages_and_error(client, meeting, organiser) -> None:
    version = make_version(meeting, organiser, pdf_bytes(3), "pdf")
    process_version.call(version.pk)
    login(client, organiser)

    response = client.get(reverse("documents:processing_status", args=[version.pk]))

    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    body = response.json()
    assert {key: body[key] for key in ("state", "progress", "page_count", "error")} == {
        "state": "done",
        "progress": 100,
        "page_count": 3,
        "error": "",
    }


def test_status_follows_who_may_see_the_document(client, meeting, organiser, attendee, stc_leader) -> None:
    version = make_version(meeting, organiser, pdf_bytes(1), "pdf")
    url = reverse("documents:processing_status", args=[version.pk])

    login(client, attendee)
    assert client.get(url).status_code == 404  # not approved yet
    Document.objects.filter(pk=version.document_id).update(status=ApprovalStatus.APPROVED)
    assert client.get(url).json()["state"] == "queued"

    login(client, stc_leader)
    assert client.get(url).status_code == 404


def test_derived_files_are_removed_when_the_row_is_no_longer_ours(meeting, organiser, monkeypatch, settings) -> None:
    version = make_version(meeting, organiser, pdf_bytes(1), "pdf")
    record = tasks._progress

    def taken_away(version_id: int, percent: int) -> None:
        record(version_id, percent)
        if percent == 90:  # e.g. the version was reset while its thumbnail was being made
            DocumentVersion.objects.filter(pk=version_id).update(state=ProcessingState.QUEUED)

    monkeypatch.setattr(tasks, "_progress", taken_away)
    assert process_version.call(version.pk) == "skipped"
    thumbs = settings.MEDIA_ROOT / "documents" / "thumbs"
    assert not thumbs.exists() or not any(thumbs.iterdir())
    version.refresh_from_db()
    assert version.state == ProcessingState.QUEUED and not version.thumbnail
