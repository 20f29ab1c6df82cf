"""The actions: sending (checked input, files, one item per form), answering and changing the
status (handlers only, not on a closed item), audited, and notified both ways."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from feedback.actions import (
    MAX_FILES,
    TEXT_MAX,
    FeedbackInput,
    do_answer_feedback,
    do_send_feedback,
    do_set_feedback_status,
)
from feedback.models import Answer, Category, Feedback, FeedbackFile, Status
from feedback.tests.conftest import png, send
from notifications.models import Channel, Delivery, Notification

pytestmark = pytest.mark.django_db


def nothing_stored() -> bool:
    return not Feedback.objects.exists() and not FeedbackFile.objects.exists()


# --- sending ---------------------------------------------------------------------------------------


def test_an_incident_is_stored_with_its_unit_file_and_audit_and_notifies_the_unit_admin(
    snv_member, snv_admin, sysadmin
) -> None:  # type: ignore[no-untyped-def]
    snv_admin.email, snv_admin.receive_email = "tuan@snv.example", True
    snv_admin.save()
    item = send(snv_member, Category.INCIDENT, "Máy chiếu hỏng", page_address="/meetings/", files=[png()])
    assert item.sender_unit == snv_member.unit and item.status == Status.NEW
    stored = FeedbackFile.objects.get(feedback=item)
    assert stored.file_type == "png" and stored.name == "loi.png" and stored.file.read().startswith(b"\x89PNG")
    entry = AuditEntry.objects.get(action="feedback.sent")
    assert entry.target_id == str(item.pk) and entry.data["files"] == [stored.sha256]
    assert entry.data["page_address"] == "/meetings/"
    assert list(Notification.objects.filter(event="feedback.sent").values_list("recipient", flat=True)) == [
        snv_admin.pk
    ]
    assert Delivery.objects.filter(event="feedback.sent", channel=Channel.EMAIL, address="tuan@snv.example").exists()


def test_a_suggestion_notifies_the_system_administrators(snv_member, snv_admin, sysadmin) -> None:  # type: ignore[no-untyped-def]
    send(snv_member, Category.SUGGESTION)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [sysadmin.pk]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * (TEXT_MAX + 1)}, "text"),
        ({"category": "spam"}, "category"),
        ({"page_address": "https://evil.example/"}, "page_address"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(snv_member, values, field) -> None:  # type: ignore[no-untyped-def]
    data = {"category": Category.BUG, "text": "Lỗi trang", **values}
    with pytest.raises(ValidationError) as caught:
        do_send_feedback(snv_member, FeedbackInput(**data))
    assert field in caught.value.error_dict
    assert nothing_stored() and not Notification.objects.exists()


def test_a_malformed_file_refuses_the_whole_item(snv_member) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("bao-cao.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        send(snv_member, files=[png(), fake])
    assert "bao-cao.pdf" in " ".join(caught.value.error_dict["files"][0].messages)
    assert nothing_stored()


def test_a_disallowed_file_type_is_refused(snv_member) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    script = SimpleUploadedFile("chay.exe", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        send(snv_member, files=[script])
    assert nothing_stored()


def test_an_oversized_file_is_refused(snv_member, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError):
        send(snv_member, files=[png(size=200)])
    assert nothing_stored()


def test_too_many_files_are_refused(snv_member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        send(snv_member, files=[png(f"{n}.png") for n in range(MAX_FILES + 1)])
    assert caught.value.error_dict["files"][0].code == "too_many"
    assert nothing_stored()


def test_the_same_form_sent_twice_makes_one_item(snv_member, sysadmin) -> None:  # type: ignore[no-untyped-def]
    key = uuid.uuid4()
    first = send(snv_member, submission_key=key)
    second = send(snv_member, submission_key=key)
    assert first.pk == second.pk and Feedback.objects.count() == 1
    assert Notification.objects.count() == 1 and AuditEntry.objects.filter(action="feedback.sent").count() == 1


def test_another_account_s_key_never_returns_its_item(snv_member, stc_member) -> None:  # type: ignore[no-untyped-def]
    key = uuid.uuid4()
    send(snv_member, submission_key=key)
    with pytest.raises(ValidationError):
        send(stc_member, submission_key=key)
    assert Feedback.objects.count() == 1


# --- answering and status ------------------------------------------------------------------------------


def test_an_answer_marks_the_item_answered_and_notifies_the_sender(snv_member, sysadmin, suggestion) -> None:  # type: ignore[no-untyped-def]
    answer = do_answer_feedback(sysadmin, suggestion, "Đã ghi nhận, sẽ bổ sung.")
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED and answer.author == sysadmin
    note = Notification.objects.get(event="feedback.answered")
    assert note.recipient == snv_member and "Đã ghi nhận" in note.body
    entry = AuditEntry.objects.get(action="feedback.answered")
    assert entry.data == {"answer": answer.pk, "from": Status.NEW, "to": Status.ANSWERED}


def test_the_unit_admin_answers_an_incident_of_their_unit(snv_admin, snv_member, incident) -> None:  # type: ignore[no-untyped-def]
    do_answer_feedback(snv_admin, incident, "Đã cấp lại mật khẩu.", then=Status.CLOSED)
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED


def test_the_sender_may_not_answer(snv_member, suggestion) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        do_answer_feedback(snv_member, suggestion, "Tự trả lời")
    assert not Answer.objects.exists()


def test_another_unit_s_admin_may_not_answer_an_incident(stc_admin, incident) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        do_answer_feedback(stc_admin, incident, "Không phải đơn vị tôi")
    with pytest.raises(PermissionDenied):
        do_set_feedback_status(stc_admin, incident, Status.CLOSED)


def test_an_empty_answer_is_refused(sysadmin, suggestion) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        do_answer_feedback(sysadmin, suggestion, "  ")
    assert not Answer.objects.exists()


def test_a_closed_item_takes_no_answer_until_reopened(sysadmin, snv_member, suggestion) -> None:  # type: ignore[no-untyped-def]
    do_set_feedback_status(sysadmin, suggestion, Status.CLOSED)
    with pytest.raises(ValidationError) as caught:
        do_answer_feedback(sysadmin, suggestion, "Trả lời muộn")
    assert caught.value.code == "closed" and not Answer.objects.exists()
    suggestion.refresh_from_db()
    assert suggestion.status == Status.CLOSED
    do_set_feedback_status(sysadmin, suggestion, Status.IN_PROGRESS)
    do_answer_feedback(sysadmin, suggestion, "Trả lời sau khi mở lại")
    assert Answer.objects.count() == 1


def test_the_same_answer_sent_twice_is_stored_once(sysadmin, suggestion) -> None:  # type: ignore[no-untyped-def]
    key = uuid.uuid4()
    do_answer_feedback(sysadmin, suggestion, "Một lần", submission_key=key)
    do_answer_feedback(sysadmin, suggestion, "Một lần", submission_key=key)
    assert Answer.objects.count() == 1 and Notification.objects.filter(event="feedback.answered").count() == 1


def test_a_status_change_is_audited_and_notifies_the_sender(sysadmin, snv_member, suggestion) -> None:  # type: ignore[no-untyped-def]
    do_set_feedback_status(sysadmin, suggestion, Status.IN_PROGRESS)
    entry = AuditEntry.objects.get(action="feedback.status_changed")
    assert entry.data == {"from": Status.NEW, "to": Status.IN_PROGRESS}
    assert Notification.objects.get(event="feedback.status_changed").recipient == snv_member


def test_the_same_status_or_answered_without_an_answer_is_refused(sysadmin, suggestion) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        do_set_feedback_status(sysadmin, suggestion, Status.NEW)
    with pytest.raises(ValidationError) as caught:
        do_set_feedback_status(sysadmin, suggestion, Status.ANSWERED)
    assert caught.value.code == "no_answer"
    with pytest.raises(ValidationError):
        do_set_feedback_status(sysadmin, suggestion, "deleted")
    suggestion.refresh_from_db()
    assert suggestion.status == Status.NEW and not AuditEntry.objects.filter(action="feedback.status_changed").exists()
