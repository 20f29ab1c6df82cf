"""Approval before publishing (Điều 6.1c), restriction to chosen people (6.1b), versions and
notifications on supplement / replacement — through the actions and the pages."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.models import Right, User
from audit.models import AuditEntry
from conftest import make_user
from documents.access import access_document, access_version
from documents.actions.approval import do_approve_document, do_return_document
from documents.actions.restriction import do_set_restriction
from documents.actions.versions import do_add_document, do_add_version, do_delete_document
from documents.models import ApprovalStatus, Document, ProcessingState, Security
from documents.tests.hostile import docx_bytes, pdf_bytes, upload_dirs
from documents.validation import check_file
from meetings.tests.conftest import approved, create
from notifications.models import Notification

__all__ = ["upload_dirs"]

_names = itertools.count()


@pytest.fixture
def add(tmp_path: Path) -> Callable[..., Document]:
    """Add a document the way the upload does (checked file → do_add_document)."""

    def add(actor: User, meeting: Any, *, title: str = "Báo cáo tổng kết", **fields: Any) -> Document:
        path = tmp_path / f"file-{next(_names)}.pdf"
        path.write_bytes(pdf_bytes(2))
        detected = check_file(path, "bao-cao.pdf")
        values: dict[str, Any] = {"kind": "report", "agenda_item": None, "security": Security.ALL_ATTENDEES}
        values.update(fields)
        return do_add_document(
            actor, meeting, upload_path=path, detected=detected, original_name="bao-cao.pdf", title=title, **values
        )

    return add


@pytest.fixture
def replace(tmp_path: Path) -> Callable[..., Any]:
    def replace(actor: User, document: Document) -> Any:
        path = tmp_path / f"file-{next(_names)}.docx"
        path.write_bytes(docx_bytes(2))
        detected = check_file(path, "bao-cao-v2.docx")
        return do_add_version(actor, document, upload_path=path, detected=detected, original_name="bao-cao-v2.docx")

    return replace


def sees(user: User, document: Document) -> bool:
    try:
        access_document(user, document.pk)
    except Http404:
        return False
    return True


def events(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("event", flat=True).order_by("id"))


@pytest.fixture
def two_attendees(organiser, leader, attendee, colleague):  # type: ignore[no-untyped-def]
    return approved(organiser, leader, [attendee, colleague])


@pytest.fixture
def ppc_office_leader(province):  # type: ignore[no-untyped-def]
    return make_user("vp.phochanh", province["office"], Right.LEADER, full_name="Mai Văn Chánh")


# --- the approval gate ------------------------------------------------------------------------


def test_attendee_cannot_see_a_pending_document_and_sees_it_after_approval(
    client, meeting, organiser, leader, attendee, add
) -> None:
    document = add(organiser, meeting)
    assert document.status == ApprovalStatus.PENDING
    assert not sees(attendee, document)
    assert sees(organiser, document)  # organisers always see their drafts
    assert sees(leader, document)  # the approver opens it before deciding
    client.force_login(attendee)
    assert document.title.encode() not in client.get(reverse("meetings:detail", args=[meeting.pk])).content

    do_approve_document(leader, document)

    assert sees(attendee, document)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content
    assert document.title.encode() in page


def test_restricted_document_is_404_for_others_and_visible_to_the_chosen(
    two_attendees, organiser, leader, attendee, colleague, stc_member, add
) -> None:
    document = add(organiser, two_attendees, security=Security.RESTRICTED, readers=[colleague])
    do_approve_document(leader, document)
    assert sees(colleague, document)
    assert not sees(attendee, document)
    assert not sees(stc_member, document)


def test_restricted_document_needs_readers_among_the_attendees(meeting, organiser, stc_member, add) -> None:
    with pytest.raises(ValidationError) as info:
        add(organiser, meeting, security=Security.RESTRICTED, readers=[])
    assert "readers" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        add(organiser, meeting, security=Security.RESTRICTED, readers=[stc_member])
    assert "readers" in info.value.message_dict
    assert not Document.objects.exists()


def ppc_meeting(ppc_organiser: User, chair: User, attendees: list[User], office_leader: User, **kwargs: Any) -> Any:
    """A PPC meeting registered by the PPC Office, documents prepared by Sở Nội vụ (whose
    organiser uploads them), approved by the PPC Office leader."""
    return approved(
        ppc_organiser,
        chair,
        attendees,
        approver=office_leader,
        is_ppc_meeting=True,
        preparing_unit=chair.unit,
        **kwargs,
    )


def test_chair_of_a_ppc_meeting_cannot_approve(
    organiser, ppc_organiser, leader, attendee, ppc_office_leader, add
) -> None:
    meeting = ppc_meeting(ppc_organiser, leader, [attendee, ppc_office_leader], ppc_office_leader)
    document = add(organiser, meeting)
    with pytest.raises(PermissionDenied):
        do_approve_document(leader, document)
    assert Document.objects.get(pk=document.pk).status == ApprovalStatus.PENDING


def test_ppc_office_leader_attending_approves_a_ppc_meeting_document(
    organiser, ppc_organiser, leader, attendee, ppc_office_leader, add
) -> None:
    meeting = ppc_meeting(ppc_organiser, leader, [attendee, ppc_office_leader], ppc_office_leader)
    document = add(organiser, meeting)
    assert "document.approval_requested" in events(ppc_office_leader)
    assert "document.approval_requested" not in events(leader)
    do_approve_document(ppc_office_leader, document)
    assert sees(attendee, document)


def test_ppc_office_leader_not_attending_cannot_approve(
    organiser, ppc_organiser, leader, attendee, ppc_office_leader, province, add
) -> None:
    other = make_user("vp.chanhvp", province["office"], Right.LEADER, full_name="Trương Chánh Văn")
    meeting = ppc_meeting(ppc_organiser, leader, [attendee, ppc_office_leader], ppc_office_leader)
    document = add(organiser, meeting)
    with pytest.raises(PermissionDenied):
        do_approve_document(other, document)


def test_chair_keeps_the_right_to_approve_when_an_approver_is_designated(
    organiser, leader, attendee, province, add
) -> None:
    """Điều 6.1c: documents are approved by the chair; naming a document approver does not take
    that right away from the chair."""
    deputy = make_user("snv.phogiamdoc", province["snv"], Right.LEADER, full_name="Lê Phó Giám Đốc")
    meeting = approved(organiser, leader, [attendee], document_approver=deputy)
    assert meeting.chair == leader
    document = add(organiser, meeting)
    do_approve_document(leader, document)
    assert Document.objects.get(pk=document.pk).status == ApprovalStatus.APPROVED
    entry = AuditEntry.objects.get(action="document.approved", target_id=str(document.pk))
    assert "on_behalf_of" not in entry.data


def test_designated_approver_approves_on_the_chairs_behalf_and_the_audit_says_so(
    organiser, leader, attendee, province, add
) -> None:
    deputy = make_user("snv.phogiamdoc", province["snv"], Right.LEADER, full_name="Lê Phó Giám Đốc")
    meeting = approved(organiser, leader, [attendee], document_approver=deputy)
    first, second = add(organiser, meeting), add(organiser, meeting, title="Tờ trình")
    do_approve_document(deputy, first)
    entry = AuditEntry.objects.get(action="document.approved", target_id=str(first.pk))
    assert entry.data["on_behalf_of"] == {"chair": leader.pk, "name": leader.display_name}
    do_return_document(deputy, second, comment="Bổ sung số liệu")
    entry = AuditEntry.objects.get(action="document.returned", target_id=str(second.pk))
    assert entry.data["on_behalf_of"]["chair"] == leader.pk


def test_neither_chair_nor_approver_cannot_approve(organiser, leader, attendee, province, add) -> None:
    deputy = make_user("snv.phogiamdoc", province["snv"], Right.LEADER, full_name="Lê Phó Giám Đốc")
    meeting = approved(organiser, leader, [attendee], document_approver=deputy)
    document = add(organiser, meeting)
    with pytest.raises(PermissionDenied):
        do_approve_document(attendee, document)
    assert Document.objects.get(pk=document.pk).status == ApprovalStatus.PENDING


def test_return_needs_a_comment_and_tells_the_uploader(meeting, organiser, leader, attendee, add, replace) -> None:
    document = add(organiser, meeting)
    with pytest.raises(ValidationError):
        do_return_document(leader, document, "  ")
    do_return_document(leader, document, "Bổ sung số liệu quý IV")
    document.refresh_from_db()
    assert (document.status, document.decision_comment) == (ApprovalStatus.RETURNED, "Bổ sung số liệu quý IV")
    assert "document.returned" in events(organiser)
    assert not sees(attendee, document)
    with pytest.raises(ValidationError):  # only pending documents are decided
        do_approve_document(leader, document)
    replace(organiser, document)  # the corrected version goes back to the approver
    document.refresh_from_db()
    assert document.status == ApprovalStatus.PENDING
    do_approve_document(leader, document)


def test_a_decision_is_taken_once(meeting, organiser, leader, add) -> None:
    document = add(organiser, meeting)
    do_approve_document(leader, document)
    with pytest.raises(ValidationError) as info:
        do_approve_document(leader, document)
    assert info.value.code == "not_pending"


def test_every_step_is_audited(meeting, organiser, leader, attendee, colleague, add, replace) -> None:
    document = add(organiser, meeting)
    do_return_document(leader, document, "Sửa tiêu đề")
    replace(organiser, document)
    do_approve_document(leader, document)
    do_set_restriction(organiser, document, Security.RESTRICTED, [attendee], False)
    do_delete_document(organiser, document)
    codes = list(
        AuditEntry.objects.filter(target_type="documents.document", target_id=str(document.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert codes == [
        "document.uploaded",
        "document.returned",
        "document.version_added",
        "document.approved",
        "document.restricted",
        "document.deleted",
    ]
    entry = AuditEntry.objects.get(action="document.returned")
    assert entry.actor == leader and entry.data["comment"] == "Sửa tiêu đề"


# --- versions ---------------------------------------------------------------------------------


def test_version_history_attendee_sees_current_only_manager_opens_v1(
    client, meeting, organiser, leader, attendee, add, replace
) -> None:
    document = add(organiser, meeting)
    do_approve_document(leader, document)
    v1 = document.current_version
    v2 = replace(organiser, document)
    document.refresh_from_db()
    assert (v1.number, v2.number) == (1, 2)
    assert document.current_version == v2
    assert document.versions.count() == 2

    # The replacement waits for the approver: attendees see nothing of it meanwhile.
    assert document.status == ApprovalStatus.PENDING
    assert not sees(attendee, document)
    do_approve_document(leader, document)

    assert access_version(attendee, v2.pk) == v2
    with pytest.raises(Http404):
        access_version(attendee, v1.pk)
    assert access_version(organiser, v1.pk) == v1
    client.force_login(organiser)
    page = client.get(reverse("documents:versions", args=[document.pk]))
    assert page.status_code == 200
    assert b'data-version="1"' in page.content and b'data-version="2"' in page.content
    client.force_login(attendee)
    assert client.get(reverse("documents:versions", args=[document.pk])).status_code == 404


def test_new_version_through_the_upload(client, meeting, organiser, leader, add) -> None:
    import json

    document = add(organiser, meeting)
    data = docx_bytes(2)
    client.force_login(organiser)
    response = client.post(
        reverse("documents:upload_start", args=[meeting.pk]),
        data=json.dumps({"filename": "v2.docx", "size": len(data)}),
        content_type="application/json",
    )
    upload_id = response.json()["id"]
    client.put(
        reverse("documents:upload", args=[upload_id]),
        data=data,
        content_type="application/octet-stream",
        headers={"Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"},
    )
    response = client.post(reverse("documents:upload_finish", args=[upload_id]), {"replace": document.pk})
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    document.refresh_from_db()
    assert document.current_version.file_type == "docx"


# --- notifications ----------------------------------------------------------------------------


def test_supplement_after_publication_notifies_those_who_may_see_it(
    two_attendees, organiser, leader, attendee, colleague, add, replace
) -> None:
    meeting = two_attendees
    first = add(organiser, meeting, title="Chương trình họp")
    assert "document.approval_requested" in events(leader)
    do_approve_document(leader, first)
    assert events(attendee) == events(colleague) == ["meeting.invited", "document.published"]

    second = add(organiser, meeting, title="Tài liệu bổ sung")
    assert events(attendee)[-1] == "document.published"  # nothing yet: not approved
    do_approve_document(leader, second)
    assert events(attendee)[-1] == events(colleague)[-1] == "document.supplemented"
    notification = Notification.objects.filter(recipient=attendee, event="document.supplemented").get()
    assert "Tài liệu bổ sung" in notification.title

    secret = add(organiser, meeting, title="Tài liệu mật", security=Security.RESTRICTED, readers=[colleague])
    do_approve_document(leader, secret)
    assert events(colleague)[-1] == "document.supplemented"
    assert events(attendee)[-1] == "document.supplemented"
    assert Notification.objects.filter(recipient=attendee, event="document.supplemented").count() == 1

    replace(organiser, first)
    do_approve_document(leader, first)
    assert events(attendee)[-1] == "document.replaced"
    assert "document.approved" in events(organiser)


def test_documents_approved_before_the_meeting_is_published_notify_nobody_yet(organiser, leader, attendee, add) -> None:
    from meetings.actions.registration import do_submit_meeting

    meeting = create(organiser, leader, [attendee])
    do_submit_meeting(organiser, meeting)
    meeting.refresh_from_db()
    document = add(organiser, meeting)
    do_approve_document(leader, document)  # the chair sees a submitted meeting
    assert events(attendee) == []


def test_opening_a_document_to_more_people_notifies_them(
    two_attendees, organiser, leader, attendee, colleague, add
) -> None:
    document = add(organiser, two_attendees, security=Security.RESTRICTED, readers=[colleague])
    do_approve_document(leader, document)
    do_set_restriction(organiser, document, Security.RESTRICTED, [colleague, attendee], True)
    assert events(attendee)[-1] == "document.shared"
    assert sees(attendee, document)
    do_set_restriction(organiser, document, Security.RESTRICTED, [colleague], True)
    assert not sees(attendee, document)


def test_deleted_document_is_hidden_from_everyone(meeting, organiser, leader, attendee, add) -> None:
    document = add(organiser, meeting)
    do_approve_document(leader, document)
    do_delete_document(organiser, document)
    assert not sees(attendee, document)
    assert not sees(organiser, document)
    assert Document.objects.filter(pk=document.pk, is_deleted=True).exists()


def test_processing_is_enqueued_after_commit(meeting, organiser, add, django_capture_on_commit_callbacks) -> None:
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        document = add(organiser, meeting)
    task = DBTaskResult.objects.get(task_path="documents.tasks.process_version")
    assert task.args_kwargs["args"] == [document.current_version_id]


# --- pages ------------------------------------------------------------------------------------


def test_approval_queue_and_approving_from_it(client, meeting, organiser, leader, attendee, add) -> None:
    document = add(organiser, meeting, title="Dự thảo nghị quyết")
    client.force_login(attendee)
    assert "Dự thảo nghị quyết".encode() not in client.get(reverse("documents:approvals")).content
    client.force_login(leader)
    page = client.get(reverse("documents:approvals"))
    assert "Dự thảo nghị quyết".encode() in page.content
    response = client.post(reverse("documents:approve", args=[document.pk]))
    assert response.status_code == 302 and response.url == reverse("documents:approvals")
    document.refresh_from_db()
    assert document.status == ApprovalStatus.APPROVED
    assert b"queue-empty" in client.get(reverse("documents:approvals")).content


def test_return_from_the_meeting_page(client, meeting, organiser, leader, add) -> None:
    document = add(organiser, meeting)
    client.force_login(leader)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert b'data-testid="approve-document"' in page.content
    back = reverse("meetings:detail", args=[meeting.pk]) + "#documents"
    response = client.post(reverse("documents:return", args=[document.pk]), {"comment": "", "next": back})
    assert response.url == back
    assert Document.objects.get(pk=document.pk).status == ApprovalStatus.PENDING
    client.post(reverse("documents:return", args=[document.pk]), {"comment": "Thiếu phụ lục", "next": back})
    assert Document.objects.get(pk=document.pk).status == ApprovalStatus.RETURNED
    client.force_login(organiser)
    assert "Thiếu phụ lục".encode() in client.get(reverse("meetings:detail", args=[meeting.pk])).content


def test_meeting_page_shows_documents_and_pages(
    client, meeting, organiser, leader, attendee, add, django_assert_max_num_queries
) -> None:
    from documents.models import DocumentVersion

    for title in ("Chương trình", "Báo cáo", "Phụ lục"):
        document = add(organiser, meeting, title=title)
        DocumentVersion.objects.filter(pk=document.current_version_id).update(state=ProcessingState.DONE, page_count=7)
        do_approve_document(leader, document)
    add(organiser, meeting, title="Chưa duyệt")
    failed = add(organiser, meeting, title="Hỏng")
    DocumentVersion.objects.filter(pk=failed.current_version_id).update(
        state=ProcessingState.FAILED, error="LibreOffice không mở được tệp"
    )
    client.force_login(attendee)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content
    assert b'data-documents="3" data-pages="21"' in page
    assert "Chưa duyệt".encode() not in page
    client.force_login(organiser)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content
    assert "Chưa duyệt".encode() in page
    assert "LibreOffice không mở được tệp".encode() in page
    assert b'data-testid="upload-form"' in page
    panel = client.get(reverse("documents:meeting_panel", args=[meeting.pk]))
    assert panel.status_code == 200 and b"documents-list" in panel.content


def test_outsider_gets_404_on_everything(client, meeting, organiser, leader, stc_member, add) -> None:
    document = add(organiser, meeting)
    do_approve_document(leader, document)
    client.force_login(stc_member)
    for method, name, args in [
        ("get", "documents:versions", [document.pk]),
        ("get", "documents:restriction", [document.pk]),
        ("post", "documents:delete", [document.pk]),
        ("post", "documents:approve", [document.pk]),
        ("post", "documents:return", [document.pk]),
        ("get", "documents:meeting_panel", [meeting.pk]),
        ("get", "documents:add", [meeting.pk]),
        ("post", "documents:upload_start", [meeting.pk]),
    ]:
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code == 404, (name, response.status_code)
    assert b"queue-empty" in client.get(reverse("documents:approvals")).content
    assert not Document.objects.filter(is_deleted=True).exists()


def test_attendee_cannot_manage_or_approve(client, meeting, organiser, leader, attendee, add) -> None:
    pending = add(organiser, meeting)
    published = add(organiser, meeting)
    do_approve_document(leader, published)
    client.force_login(attendee)
    assert client.post(reverse("documents:approve", args=[pending.pk])).status_code == 404
    assert client.post(reverse("documents:approve", args=[published.pk])).status_code == 403
    assert client.post(reverse("documents:delete", args=[published.pk])).status_code == 403
    assert client.get(reverse("documents:restriction", args=[published.pk])).status_code == 403
    assert client.get(reverse("documents:versions", args=[published.pk])).status_code == 404
    assert Document.objects.filter(is_deleted=False).count() == 2


def test_restriction_page(client, two_attendees, organiser, leader, attendee, colleague, add) -> None:
    document = add(organiser, two_attendees)
    url = reverse("documents:restriction", args=[document.pk])
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    response = client.post(url, {"security": "restricted", "readers": []})
    assert response.status_code == 200  # needs at least one reader
    response = client.post(url, {"security": "restricted", "readers": [colleague.pk]})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_restricted and list(document.readers.all()) == [colleague] and not document.allow_download


def test_meeting_page_queries_do_not_grow_with_documents_for_managers(
    client, meeting, organiser, leader, attendee, add
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(user: User) -> int:
        client.force_login(user)
        client.get(reverse("meetings:detail", args=[meeting.pk]))  # first visit: session bookkeeping
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
        return len(captured.captured_queries)

    do_approve_document(leader, add(organiser, meeting, title="Một"))
    one = {"organiser": queries(organiser), "attendee": queries(attendee)}
    for index in range(5):
        do_approve_document(leader, add(organiser, meeting, title=f"Thêm {index}"))
    assert queries(organiser) == one["organiser"]
    # Each document costs an attendee at most one query (who may open it: documents.permissions).
    assert queries(attendee) <= one["attendee"] + 5


def test_menu_offers_documents_to_approve_to_leaders_and_to_a_waiting_approver_only(
    client, meeting, organiser, leader, attendee, add
) -> None:
    link = f'href="{reverse("documents:approvals")}"'.encode()
    client.force_login(leader)
    assert link in client.get(reverse("home")).content
    client.force_login(attendee)
    assert link not in client.get(reverse("home")).content
    type(meeting).objects.filter(pk=meeting.pk).update(document_approver=attendee)
    add(organiser, meeting, title="Báo cáo chờ duyệt")
    assert link in client.get(reverse("home")).content
