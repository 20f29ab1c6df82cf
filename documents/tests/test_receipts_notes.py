"""Read receipts (who opened what, when, how many pages) and private notes (only the author)."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.core.cache import cache
from django.db.models import QuerySet

from conftest import login
from documents import viewer
from documents.actions.notes import do_add_note
from documents.actions.reading import do_record_open
from documents.models import PrivateNote, ReadReceipt
from documents.tests.test_viewer import add_document, url
from meetings.tests.conftest import approved

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


# --- receipts -----------------------------------------------------------------------------------


def test_each_open_counts_and_keeps_the_first_time(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser)
    login(client, attendee)
    client.get(url("view", document.pk))
    first = ReadReceipt.objects.get(document=document, user=attendee)
    client.get(url("view", document.pk))
    client.get(url("download", document.pk))
    receipt = ReadReceipt.objects.get(document=document, user=attendee)
    assert (receipt.open_count, receipt.download_count) == (2, 1)
    assert receipt.first_opened_at == first.first_opened_at
    assert receipt.last_opened_at >= first.last_opened_at


def test_an_open_racing_another_counts_on_the_row_that_won(meeting, organiser, attendee) -> None:
    """The other request inserted the receipt between our update (0 rows) and our insert."""
    document = add_document(meeting, organiser)
    ReadReceipt.objects.create(document=document, user=attendee, open_count=1)
    real_update = QuerySet.update
    calls: list[int] = []

    def first_update_misses(self: QuerySet, **changes: object) -> int:
        calls.append(1)
        return 0 if len(calls) == 1 else real_update(self, **changes)

    with mock.patch.object(QuerySet, "update", first_update_misses):
        do_record_open(attendee, document, document.current_version)
    assert ReadReceipt.objects.get(document=document, user=attendee).open_count == 2


def test_pages_seen_are_recorded_once_each_and_checked(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, pages=3)
    login(client, attendee)
    for page in (2, 1, 2):
        assert client.post(url("page_seen", document.pk, page)).status_code == 204
    assert ReadReceipt.objects.get(document=document, user=attendee).pages_viewed == [1, 2]
    assert client.post(url("page_seen", document.pk, 4)).status_code == 404
    assert client.post(url("page_seen", document.pk, 0)).status_code == 404
    assert client.get(url("page_seen", document.pk, 3)).status_code == 405


def test_organiser_sees_who_opened_how_much_and_who_has_not(client, organiser, leader, attendee, colleague) -> None:
    meeting = approved(organiser, leader, [attendee, colleague])
    document = add_document(meeting, organiser, pages=3)
    login(client, attendee)
    client.get(url("view", document.pk))
    client.post(url("page_seen", document.pk, 1))
    client.post(url("page_seen", document.pk, 3))
    login(client, organiser)
    response = client.get(url("receipts", document.pk))
    assert response.status_code == 200
    html = response.content.decode()
    receipts, missing = html.split('data-testid="not-opened"')
    assert attendee.full_name in receipts and f'data-testid="pages-{attendee.pk}">2 / 3<' in receipts
    assert leader.full_name in missing and colleague.full_name in missing
    assert attendee.full_name not in missing


def test_not_opened_list_of_a_restricted_document_is_its_chosen_readers(
    client, organiser, leader, attendee, colleague
) -> None:
    meeting = approved(organiser, leader, [attendee, colleague])
    document = add_document(meeting, organiser, readers=(attendee,))
    assert list(viewer.not_opened(document)) == [attendee]


def test_attendees_and_outsiders_get_404_on_receipts(client, meeting, organiser, leader, attendee, stc_member) -> None:
    document = add_document(meeting, organiser)
    for user in (attendee, leader, stc_member):
        login(client, user)
        assert client.get(url("receipts", document.pk)).status_code == 404


def test_receipts_page_queries_do_not_grow_with_readers(
    client, organiser, leader, attendee, colleague, django_assert_max_num_queries
) -> None:
    meeting = approved(organiser, leader, [attendee, colleague])
    document = add_document(meeting, organiser)
    for reader in (attendee, colleague, leader):
        do_record_open(reader, document, document.current_version)
    login(client, organiser)
    with django_assert_max_num_queries(20):
        assert client.get(url("receipts", document.pk)).status_code == 200


# --- private notes ------------------------------------------------------------------------------


def test_a_note_is_saved_and_shown_again_to_its_author_only(client, meeting, organiser, leader, attendee) -> None:
    document = add_document(meeting, organiser)
    login(client, attendee)
    response = client.post(url("notes", document.pk), {"page": 2, "text": "Hỏi lại số liệu <b>quý 3</b>"})
    assert response.status_code == 302 and response["Location"].endswith(f"{url('view', document.pk)}#page-2")
    note = PrivateNote.objects.get()
    assert (note.user, note.page) == (attendee, 2)
    html = client.get(url("view", document.pk)).content.decode()
    assert "Hỏi lại số liệu &lt;b&gt;quý 3&lt;/b&gt;" in html
    login(client, leader)  # the chair sees the document, never the attendee's note
    assert "Hỏi lại số liệu" not in client.get(url("view", document.pk)).content.decode()
    assert client.get(url("note", note.pk)).status_code == 404
    assert client.post(url("note", note.pk), {"text": "đổi"}).status_code == 404
    assert client.post(url("note", note.pk), {"delete": "1"}).status_code == 404
    assert PrivateNote.objects.get().text == "Hỏi lại số liệu <b>quý 3</b>"


def test_author_edits_and_deletes_a_note(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser)
    login(client, attendee)
    created = client.post(url("notes", document.pk), {"page": 1, "text": "Ghi chú"}, **JSON)
    assert created.status_code == 201
    note_id = created.json()["id"]
    assert client.get(url("note", note_id)).status_code == 200
    edited = client.post(url("note", note_id), {"text": "  Ghi chú đã sửa  "}, **JSON)
    assert edited.status_code == 200 and edited.json()["text"] == "Ghi chú đã sửa"
    assert client.post(url("note", note_id), {"delete": "1"}).status_code == 302
    assert not PrivateNote.objects.exists()


def test_note_of_someone_who_lost_access_is_404(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser)
    note = do_add_note(attendee, document, 1, "Ghi chú")
    document.security = "restricted"
    document.save(update_fields=["security"])
    login(client, attendee)
    assert client.get(url("note", note.pk)).status_code == 404


@pytest.mark.parametrize(
    ("page", "text", "field"),
    [
        ("1", "   ", "text"),
        ("1", "x" * 5001, "text"),
        ("0", "Ghi chú", "page"),
        ("3", "Ghi chú", "page"),
        ("hai", "Ghi chú", "page"),
    ],
)
def test_bad_notes_are_refused_with_a_clear_message(client, meeting, organiser, attendee, page, text, field) -> None:
    document = add_document(meeting, organiser, pages=2)
    login(client, attendee)
    response = client.post(url("notes", document.pk), {"page": page, "text": text}, **JSON)
    assert response.status_code == 400
    errors = json.loads(response.content)["errors"]
    assert list(errors) == [field]
    if field == "page":  # names the allowed range (the wording itself is translated)
        assert "2" in errors["page"][0]
    assert not PrivateNote.objects.exists()


def test_without_javascript_an_error_keeps_what_was_typed(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser)
    login(client, attendee)
    long_text = "Ý kiến " * 800  # 5,600 characters
    response = client.post(url("notes", document.pk), {"page": 1, "text": long_text})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="text-error"' in html and "Ý kiến Ý kiến" in html
    assert not PrivateNote.objects.exists()


def test_a_note_of_exactly_the_limit_is_accepted(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser)
    login(client, attendee)
    response = client.post(url("notes", document.pk), {"page": 1, "text": "ê" * 5000}, **JSON)
    assert response.status_code == 201
