"""Who hears a recording (Điều 6.4a: released only to the PPC or the chair): the chair, the PPC
leaders and the people the chair names; everyone else gets 404 for the audio and the pages.
Every play, download, grant and withdrawal is in the audit trail; the player seeks (HTTP Range)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.permissions import Perm, can
from audit.models import AuditEntry
from recordings.actions.grants import do_grant_recording_access, do_revoke_recording_access
from recordings.actions.notice import do_acknowledge_recording_notice
from recordings.actions.upload import do_create_recording_from_file
from recordings.models import RecordingGrant, RecordingNoticeAck
from recordings.tests.conftest import tone, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def recording(started, secretary, tmp_path):  # type: ignore[no-untyped-def]
    return do_create_recording_from_file(secretary, started, write(tmp_path, "hop.wav", tone(2.0, fmt="wav")))


def _urls(recording) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        reverse("recordings:detail", args=[recording.pk]),
        reverse("recordings:audio", args=[recording.pk]),
        reverse("recordings:download", args=[recording.pk]),
    ]


def test_the_chair_and_ppc_leaders_listen(recording, leader, ppc_leader) -> None:
    assert can(leader, Perm.LISTEN_RECORDING, recording.meeting)
    assert can(ppc_leader, Perm.LISTEN_RECORDING, recording.meeting)


def test_outsiders_and_attendees_get_404_for_audio_and_pages(client, recording, outsider, attendee) -> None:
    for user in (outsider, attendee):
        client.force_login(user)
        for url in _urls(recording):
            assert client.get(url).status_code == 404, (user.username, url)
        assert client.get(reverse("recordings:meeting", args=[recording.meeting_id])).status_code == 404


def test_the_secretary_runs_the_recording_but_does_not_listen(client, recording, secretary) -> None:
    client.force_login(secretary)
    assert client.get(reverse("recordings:detail", args=[recording.pk])).status_code == 200
    assert client.get(reverse("recordings:audio", args=[recording.pk])).status_code == 404


def test_a_granted_person_listens_until_the_grant_is_withdrawn(client, recording, leader, attendee) -> None:
    grant = do_grant_recording_access(leader, recording.meeting, attendee)
    client.force_login(attendee)
    response = client.get(reverse("recordings:audio", args=[recording.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    do_revoke_recording_access(leader, grant)
    assert client.get(reverse("recordings:audio", args=[recording.pk])).status_code == 404
    codes = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"recording.access_granted", "recording.access_revoked", "recording.played"} <= codes


def test_only_the_chair_grants(client, recording, secretary, attendee) -> None:
    client.force_login(secretary)
    response = client.post(reverse("recordings:grant", args=[recording.meeting_id]), {"user": attendee.pk})
    assert response.status_code == 404
    assert not RecordingGrant.objects.exists()


def test_the_chair_grants_and_withdraws_through_the_page(client, recording, leader, attendee) -> None:
    client.force_login(leader)
    client.post(reverse("recordings:grant", args=[recording.meeting_id]), {"user": attendee.pk})
    assert RecordingGrant.objects.filter(user=attendee, revoked_at__isnull=True).exists()
    page = client.get(reverse("recordings:meeting", args=[recording.meeting_id])).content.decode()
    assert attendee.display_name in page
    client.post(reverse("recordings:revoke", args=[recording.meeting_id]), {"user": attendee.pk})
    assert not RecordingGrant.objects.filter(user=attendee, revoked_at__isnull=True).exists()


def test_an_outside_guest_cannot_be_granted(recording, leader, province) -> None:
    from django.core.exceptions import ValidationError

    from conftest import make_user

    guest = make_user("khach", province["stc"], is_external=True)
    with pytest.raises(ValidationError):
        do_grant_recording_access(leader, recording.meeting, guest)


def test_the_player_seeks_with_range_requests(client, recording, leader) -> None:
    client.force_login(leader)
    url = reverse("recordings:audio", args=[recording.pk])
    whole = b"".join(client.get(url).streaming_content)
    part = client.get(url, headers={"range": "bytes=100-199"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(whole)}"
    assert b"".join(part.streaming_content) == whole[100:200]
    tail = client.get(url, headers={"range": "bytes=-50"})
    assert b"".join(tail.streaming_content) == whole[-50:]
    assert client.get(url, headers={"range": f"bytes={len(whole)}-"}).status_code == 416
    # one play entry for the first request and the range from 0 only, not for every seek
    assert AuditEntry.objects.filter(action="recording.played").count() == 1


def test_a_download_is_logged(client, recording, ppc_leader) -> None:
    client.force_login(ppc_leader)
    response = client.get(reverse("recordings:download", args=[recording.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    b"".join(response.streaming_content)
    assert AuditEntry.objects.filter(action="recording.downloaded", actor=ppc_leader).count() == 1


def test_the_notice_is_acknowledged_once_and_logged(client, started, attendee, outsider) -> None:
    client.force_login(attendee)
    room = client.get(reverse("live:room", args=[started.pk])).content.decode()
    assert 'data-testid="recording-notice"' in room
    for _ in range(2):
        client.post(reverse("recordings:notice_ack", args=[started.pk]))
    assert RecordingNoticeAck.objects.filter(user=attendee).count() == 1
    assert AuditEntry.objects.filter(action="recording.notice_acknowledged").count() == 1
    room = client.get(reverse("live:room", args=[started.pk])).content.decode()
    assert 'data-testid="recording-notice"' not in room
    client.force_login(outsider)
    assert client.post(reverse("recordings:notice_ack", args=[started.pk])).status_code == 404


def test_acknowledging_twice_keeps_one_row(started, attendee) -> None:
    first = do_acknowledge_recording_notice(attendee, started)
    assert do_acknowledge_recording_notice(attendee, started).pk == first.pk


def test_the_meeting_page_links_to_the_recordings_for_the_chair_only(client, recording, leader, attendee) -> None:
    url = reverse("meetings:detail", args=[recording.meeting_id])
    client.force_login(leader)
    assert 'data-testid="recordings-link"' in client.get(url).content.decode()
    client.force_login(attendee)
    assert 'data-testid="recordings-link"' not in client.get(url).content.decode()


def test_every_screen_shows_the_recording_indicator(client, started, secretary, leader) -> None:
    from live.queries import shared_snapshot
    from recordings.actions.capture import do_start_recording

    do_start_recording(secretary, started)
    live = started.live
    live.refresh_from_db()
    data = shared_snapshot(started, live, live.seq, live.display_token).data
    assert data["recording"]["state"] == "recording"
    client.force_login(leader)
    page = client.get(reverse("live:console", args=[started.pk])).content.decode()
    assert 'data-testid="recording-indicator" role="status" >' in page or 'data-state="recording"' in page
    display = client.get(reverse("live:display", args=[live.display_token])).content.decode()
    assert 'id="live-recording" data-state="recording"' in display


def test_under_asgi_the_audio_is_streamed_block_by_block() -> None:
    import asyncio

    from django.test import AsyncRequestFactory, RequestFactory

    from recordings.views import _streamed

    blocks = [b"a" * 10, b"b" * 10]
    plain = iter(blocks)
    assert _streamed(RequestFactory().get("/"), plain) is plain  # WSGI streams it as it is
    streamed = _streamed(AsyncRequestFactory().get("/"), iter(blocks))

    async def consume() -> list[bytes]:
        return [block async for block in streamed]  # type: ignore[union-attr]

    assert asyncio.run(consume()) == blocks


def test_a_persons_data_export_lists_their_recordings_grants_and_notice_but_never_the_audio(
    started, leader, secretary, attendee
) -> None:
    from recordings.actions import capture
    from recordings.actions.grants import do_grant_recording_access
    from recordings.actions.notice import do_acknowledge_recording_notice
    from recordings.personal_data import export

    capture.do_start_recording(secretary, started)
    do_grant_recording_access(leader, started, attendee)
    do_acknowledge_recording_notice(attendee, started)
    mine = export(attendee)
    assert [g["granted_by"] for g in mine["listening_granted_to_me"]] == [leader.full_name]
    assert [n["meeting"]["id"] for n in mine["recording_notices_acknowledged"]] == [started.pk]
    assert mine["recordings_started"] == []
    assert [r["meeting"]["id"] for r in export(secretary)["recordings_started"]] == [started.pk]
    assert [g["to"] for g in export(leader)["listening_granted_by_me"]] == [attendee.full_name]
    assert "file" not in export(secretary)["recordings_started"][0]  # no path to the audio
