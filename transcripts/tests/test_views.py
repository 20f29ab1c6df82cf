"""The transcript page and its exports: read by whoever may listen to the recording (404 for
everyone else, including who runs the room without a grant), corrected by those who run the room
and may read it, every replaced version kept and audited; bad corrections change nothing."""

from __future__ import annotations

import io

import docx
import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from conftest import login
from recordings.actions.grants import do_grant_recording_access
from transcripts import tasks
from transcripts.models import Segment, SegmentRevision, SpeakerKind, Transcript, TranscriptStatus
from transcripts.tests.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def transcribed(started, secretary, tmp_path, scripted, settings):  # type: ignore[no-untyped-def]
    """A 25-second recording of the started meeting, transcribed in 10-second windows."""
    settings.TRANSCRIPTION_WINDOW_SECONDS = 10
    recording = upload(secretary, started, tmp_path, 25.0)
    transcript = Transcript.objects.get(recording=recording)
    assert tasks.transcribe_recording.call(transcript.pk) == "done"
    return recording


def urls(recording, segment=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    pk = recording.pk
    suffix = f"?segment={segment.pk}" if segment is not None else ""
    return {
        "page": reverse("transcripts:page", args=[pk]),
        "body": reverse("transcripts:body", args=[pk]),
        "docx": reverse("transcripts:export_docx", args=[pk]),
        "srt": reverse("transcripts:export_srt", args=[pk]),
        "segment": reverse("transcripts:segment", args=[pk]) + suffix,
        "correct": reverse("transcripts:correct", args=[pk]) + suffix,
    }


def first_segment(recording) -> Segment:  # type: ignore[no-untyped-def]
    return Segment.objects.filter(transcript__recording=recording).order_by("start")[0]


def test_the_chair_reads_speaker_time_and_text(client: Client, transcribed, leader) -> None:
    login(client, leader)
    response = client.get(urls(transcribed)["page"])
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="transcript-segment"' in page and "w0" in page and "0:00:00" in page
    assert reverse("recordings:audio", args=[transcribed.pk]) + "#t=0.00" in page
    assert leader.display_name in page  # the chair (nobody had the floor)
    assert AuditEntry.objects.filter(action="transcript.viewed", actor=leader).exists()


def test_outsiders_get_404_for_the_transcript_and_its_exports(
    client: Client, transcribed, outsider, attendee, secretary, organiser
) -> None:
    segment = first_segment(transcribed)
    for user in (outsider, attendee, secretary, organiser):  # runners of the room hear nothing without a grant
        client.logout()
        login(client, user)
        for name, url in urls(transcribed, segment).items():
            assert client.get(url).status_code == 404, (user.username, name)
        response = client.post(urls(transcribed)["correct"], {"segment": segment.pk, "text": "x", "speaker": "chair"})
        assert response.status_code == 404
    segment.refresh_from_db()
    assert segment.text == "w0" and not SegmentRevision.objects.exists()


def test_a_ppc_leader_and_a_granted_person_read_it(client: Client, transcribed, leader, ppc_leader, attendee) -> None:
    do_grant_recording_access(leader, transcribed.meeting, attendee)
    for user in (ppc_leader, attendee):
        client.logout()
        login(client, user)
        assert client.get(urls(transcribed)["page"]).status_code == 200


def test_a_reader_who_does_not_run_the_room_cannot_correct(client: Client, transcribed, ppc_leader) -> None:
    login(client, ppc_leader)
    segment = first_segment(transcribed)
    response = client.post(urls(transcribed)["correct"], {"segment": segment.pk, "text": "sửa", "speaker": "chair"})
    assert response.status_code == 403
    assert 'data-testid="segment-correct"' not in client.get(urls(transcribed)["page"]).content.decode()


def test_a_correction_keeps_the_replaced_version_and_is_audited(
    client: Client, transcribed, leader, secretary, attendee
) -> None:
    do_grant_recording_access(leader, transcribed.meeting, secretary)
    login(client, secretary)
    segment = first_segment(transcribed)
    response = client.post(
        urls(transcribed)["correct"],
        {"segment": segment.pk, "text": "  Xin chào   các đồng chí ", "speaker": str(attendee.pk)},
    )
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.text == "Xin chào các đồng chí"
    assert (segment.speaker_kind, segment.speaker_id, segment.edited_by_id) == (
        SpeakerKind.PERSON,
        attendee.pk,
        secretary.pk,
    )
    [revision] = SegmentRevision.objects.filter(segment=segment)
    assert (revision.text, revision.speaker_kind, revision.written_by_id, revision.replaced_by_id) == (
        "w0",
        SpeakerKind.CHAIR,
        None,
        secretary.pk,
    )
    # A second correction keeps both earlier versions.
    client.post(
        urls(transcribed)["correct"],
        {"segment": segment.pk, "text": "Xin chào", "speaker": "unknown"},
        HTTP_HX_REQUEST="true",
    )
    assert SegmentRevision.objects.filter(segment=segment).count() == 2
    entry = AuditEntry.objects.filter(action="transcript.segment.corrected").order_by("seq")[0]
    assert entry.actor == secretary and entry.data["before"]["text"] == "w0"
    page = client.get(urls(transcribed)["page"]).content.decode()
    assert 'data-testid="segment-revisions"' in page


def test_an_empty_text_is_refused_and_nothing_changes(client: Client, transcribed, leader) -> None:
    login(client, leader)
    segment = first_segment(transcribed)
    response = client.post(
        urls(transcribed)["correct"], {"segment": segment.pk, "text": "   ", "speaker": "chair"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "không được để trống" in response.content.decode()
    segment.refresh_from_db()
    assert segment.text == "w0" and not SegmentRevision.objects.exists()


def test_a_speaker_outside_the_meeting_is_refused(client: Client, transcribed, leader, outsider) -> None:
    login(client, leader)
    segment = first_segment(transcribed)
    for bad in (str(outsider.pk), "999999", "abc"):
        response = client.post(
            urls(transcribed)["correct"], {"segment": segment.pk, "text": "x", "speaker": bad}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200 and "người dự họp" in response.content.decode()
    segment.refresh_from_db()
    assert segment.speaker_kind == SpeakerKind.CHAIR and not SegmentRevision.objects.exists()


def test_a_segment_of_another_recording_is_404(
    client: Client, transcribed, started, secretary, leader, tmp_path, scripted
) -> None:
    other = upload(secretary, started, tmp_path, 3.0)
    tasks.transcribe_recording.call(Transcript.objects.get(recording=other).pk)
    login(client, leader)
    foreign = first_segment(other)
    assert client.get(urls(transcribed, foreign)["correct"]).status_code == 404


def test_the_exports_hold_every_segment(client: Client, transcribed, leader) -> None:
    login(client, leader)
    srt = client.get(urls(transcribed)["srt"])
    assert srt.status_code == 200 and srt["Content-Disposition"].startswith("attachment;")
    text = srt.content.decode()
    count = Segment.objects.filter(transcript__recording=transcribed).count()
    assert text.startswith("1\n00:00:00,000 --> ") and f"\n{count}\n" in text and ": w0\n" in text
    word = client.get(urls(transcribed)["docx"])
    assert word.status_code == 200
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert "BẢN GHI LỜI NÓI TẠI CUỘC HỌP" in paragraphs
    assert sum(1 for p in paragraphs if p.endswith(": w0") or ": w" in p) == count
    assert AuditEntry.objects.filter(action="transcript.exported", actor=leader).count() == 2


def test_progress_is_shown_and_polled_while_the_worker_runs(
    client: Client, started, secretary, leader, tmp_path
) -> None:
    recording = upload(secretary, started, tmp_path, 20.0)
    Transcript.objects.filter(recording=recording).update(
        status=TranscriptStatus.RUNNING, processed_seconds=5.0, total_seconds=20.0, progress=25, work_seconds=1.0
    )
    login(client, leader)
    body = client.get(urls(recording)["body"]).content.decode()
    assert 'hx-trigger="every 3s"' in body and "25%" in body and "ec-w-25" in body
    assert "còn khoảng 3 giây" in body  # 1 s of work for 5 s of audio, 15 s left
    Transcript.objects.filter(recording=recording).update(status=TranscriptStatus.DONE, progress=100)
    assert "hx-trigger" not in client.get(urls(recording)["body"]).content.decode()


def test_the_page_reads_a_bounded_number_of_queries(
    client: Client, transcribed, leader, django_assert_max_num_queries
) -> None:
    login(client, leader)
    with django_assert_max_num_queries(30):
        assert client.get(urls(transcribed)["page"]).status_code == 200


def test_the_recording_page_shows_the_transcript_panel(client: Client, transcribed, leader) -> None:
    login(client, leader)
    page = client.get(reverse("recordings:detail", args=[transcribed.pk])).content.decode()
    assert 'data-testid="transcript-panel"' in page and reverse("transcripts:page", args=[transcribed.pk]) in page


def test_a_failed_transcription_is_started_again_by_who_may_correct_it(
    client: Client, transcribed, leader, ppc_leader, outsider
) -> None:
    transcript = Transcript.objects.get(recording=transcribed)
    Transcript.objects.filter(pk=transcript.pk).update(status=TranscriptStatus.FAILED, error="server down")
    retry = reverse("transcripts:retry", args=[transcribed.pk])
    login(client, outsider)
    assert client.post(retry).status_code == 404
    client.logout()
    login(client, ppc_leader)
    assert "server down" in client.get(urls(transcribed)["page"]).content.decode()
    assert client.post(retry).status_code == 403
    client.logout()
    login(client, leader)
    assert client.post(retry).status_code == 302
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.QUEUED and transcript.error == ""
    assert AuditEntry.objects.filter(action="transcript.retried", actor=leader).exists()
    # Done transcripts are not started again.
    Transcript.objects.filter(pk=transcript.pk).update(status=TranscriptStatus.DONE)
    client.post(retry)
    transcript.refresh_from_db()
    assert transcript.status == TranscriptStatus.DONE


def test_the_transcript_stays_readable_once_the_audio_is_deleted(client: Client, transcribed, leader) -> None:
    from recordings.models import Recording, RecordingStatus

    Recording.objects.filter(pk=transcribed.pk).update(status=RecordingStatus.PURGED)
    login(client, leader)
    page = client.get(urls(transcribed)["page"]).content.decode()
    assert "w0" in page and 'data-testid="segment-time"' in page
    assert 'id="transcript-audio"' not in page and 'data-testid="segment-play"' not in page


def test_a_persons_data_export_holds_what_they_said_and_the_corrections_they_made(
    transcribed, leader, attendee
) -> None:
    from transcripts.actions import do_correct_segment
    from transcripts.personal_data import export

    segment = first_segment(transcribed)
    do_correct_segment(leader, segment, text="Lời phát biểu đã sửa", speaker=str(attendee.pk))
    said = export(attendee)["segments_attributed_to_me"]
    assert [s["text"] for s in said] == ["Lời phát biểu đã sửa"] and said[0]["corrected"]
    assert said[0]["meeting"]["id"] == transcribed.meeting_id
    corrections = export(leader)["corrections_i_made"]
    assert [c["replaced_text"] for c in corrections] == ["w0"]
    assert export(attendee)["corrections_i_made"] == []
