"""Approving several documents at once (Điều 6.1c): "approve all" of a meeting or the chosen ones,
for the meeting's document approver only; all or nothing, one audit entry per document; and one
notice per attendee for one publishing action, however many documents it published."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Right, User
from audit.models import AuditEntry
from conftest import make_user
from documents.actions.approval import do_approve_document, do_approve_documents, do_return_document
from documents.actions.versions import do_add_document, do_add_version
from documents.models import ApprovalStatus, Document, Security
from documents.tests.hostile import docx_bytes, pdf_bytes, upload_dirs
from documents.validation import check_file
from meetings.tests.conftest import approved
from notifications.models import Notification

__all__ = ["upload_dirs"]

_names = itertools.count()


@pytest.fixture
def add(tmp_path: Path) -> Callable[..., Document]:
    def add(actor: User, meeting: Any, title: str, **fields: Any) -> Document:
        path = tmp_path / f"file-{next(_names)}.pdf"
        path.write_bytes(pdf_bytes(1))
        detected = check_file(path, "tai-lieu.pdf")
        values: dict[str, Any] = {"kind": "report", "agenda_item": None, "security": Security.ALL_ATTENDEES}
        values.update(fields)
        return do_add_document(
            actor, meeting, upload_path=path, detected=detected, original_name="tai-lieu.pdf", title=title, **values
        )

    return add


@pytest.fixture
def two_attendees(organiser, leader, attendee, colleague):  # type: ignore[no-untyped-def]
    return approved(organiser, leader, [attendee, colleague])


@pytest.fixture
def five(two_attendees, organiser, add) -> list[Document]:  # type: ignore[no-untyped-def]
    return [add(organiser, two_attendees, f"Tài liệu số {n}") for n in range(1, 6)]


def statuses(documents: list[Document]) -> list[str]:
    return [Document.objects.get(pk=d.pk).status for d in documents]


def published_notices(user: User) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, event__startswith="document.")
        .exclude(event__in=["document.approval_requested", "document.approved"])
        .order_by("id")
    )


# --- the rule: all or nothing, for the approver only --------------------------------------------


def test_approver_approves_all_pending_documents_of_a_meeting(two_attendees, leader, five) -> None:
    approved_now = do_approve_documents(leader, two_attendees)
    assert sorted(d.pk for d in approved_now) == sorted(d.pk for d in five)
    assert statuses(five) == [ApprovalStatus.APPROVED] * 5
    entries = AuditEntry.objects.filter(action="document.approved").order_by("seq")
    assert sorted(int(e.target_id) for e in entries) == sorted(d.pk for d in five)  # one per document
    assert all(e.data["batch"] == [d.pk for d in approved_now] for e in entries)


def test_approver_approves_only_the_chosen_documents(two_attendees, leader, five) -> None:
    do_approve_documents(leader, two_attendees, [five[0].pk, five[2].pk])
    assert statuses(five) == ["approved", "pending", "approved", "pending", "pending"]


def test_attendee_cannot_approve_in_bulk_and_nothing_changes(two_attendees, attendee, organiser, five) -> None:
    for user in (attendee, organiser):
        with pytest.raises(PermissionDenied):
            do_approve_documents(user, two_attendees)
    assert statuses(five) == [ApprovalStatus.PENDING] * 5
    assert not AuditEntry.objects.filter(action="document.approved").exists()


def test_a_batch_with_a_document_no_longer_pending_is_refused_whole(two_attendees, leader, five) -> None:
    do_return_document(leader, five[1], "Bổ sung số liệu quý 3")
    with pytest.raises(ValidationError) as info:
        do_approve_documents(leader, two_attendees, [five[0].pk, five[1].pk])
    assert info.value.code == "not_pending"
    assert statuses(five)[0] == ApprovalStatus.PENDING
    assert not AuditEntry.objects.filter(action="document.approved").exists()


def test_a_batch_with_a_document_of_another_meeting_is_refused_whole(
    two_attendees, organiser, leader, attendee, five, add
) -> None:
    elsewhere = approved(organiser, leader, [attendee], title="Họp khác", start_in=timedelta(days=9))
    other = add(organiser, elsewhere, "Tài liệu cuộc họp khác")
    with pytest.raises(ValidationError):
        do_approve_documents(leader, two_attendees, [five[0].pk, other.pk])
    assert statuses([*five, other]) == [ApprovalStatus.PENDING] * 6


def test_nothing_chosen_or_nothing_pending_is_refused(two_attendees, leader, five) -> None:
    with pytest.raises(ValidationError) as info:
        do_approve_documents(leader, two_attendees, [])
    assert info.value.code == "none_chosen"
    do_approve_documents(leader, two_attendees)
    with pytest.raises(ValidationError) as info:
        do_approve_documents(leader, two_attendees)
    assert info.value.code == "nothing_pending"


def test_chair_of_a_ppc_meeting_cannot_approve_in_bulk(
    organiser, ppc_organiser, leader, attendee, province, add
) -> None:
    office_leader = make_user("vp.phochanh", province["office"], Right.LEADER, full_name="Mai Văn Chánh")
    meeting = approved(
        ppc_organiser,
        leader,
        [attendee, office_leader],
        approver=office_leader,
        is_ppc_meeting=True,
        preparing_unit=leader.unit,
    )
    documents = [add(organiser, meeting, "Tờ trình"), add(organiser, meeting, "Phụ lục")]
    with pytest.raises(PermissionDenied):
        do_approve_documents(leader, meeting)
    assert statuses(documents) == [ApprovalStatus.PENDING] * 2


# --- one notice per attendee per publishing action -----------------------------------------------


def test_bulk_approval_sends_one_notice_per_attendee(two_attendees, organiser, leader, attendee, colleague, five):
    before = Notification.objects.count()
    do_approve_documents(leader, two_attendees)
    for person in (attendee, colleague):
        notices = published_notices(person)
        assert len(notices) == 1
        assert notices[0].event == "document.published"
        assert notices[0].title == f"5 tài liệu mới của cuộc họp “{two_attendees.title}”"
        assert all(f"Tài liệu số {n}" in notices[0].body for n in range(1, 6))
        assert notices[0].url == reverse("meetings:detail", args=[two_attendees.pk]) + "#documents"
    approved_notices = Notification.objects.filter(recipient=organiser, event="document.approved")
    assert approved_notices.count() == 1
    assert approved_notices.get().title.startswith("5 tài liệu đã được duyệt")
    # attendee + colleague (published) and the organiser (approved): three notices in all
    assert Notification.objects.count() - before == 3


def test_a_restricted_document_in_the_batch_is_counted_only_for_its_readers(
    two_attendees, organiser, leader, attendee, colleague, add
) -> None:
    add(organiser, two_attendees, "Chương trình họp")
    add(organiser, two_attendees, "Báo cáo mật", security=Security.RESTRICTED, readers=[colleague])
    do_approve_documents(leader, two_attendees)
    [to_attendee] = published_notices(attendee)
    [to_colleague] = published_notices(colleague)
    assert to_attendee.title == "Tài liệu họp mới: Chương trình họp"  # one document: its own notice
    assert "Báo cáo mật" not in to_attendee.body
    assert to_colleague.title.startswith("2 tài liệu mới")
    assert "Báo cáo mật" in to_colleague.body


def test_a_later_batch_is_announced_as_additional(two_attendees, organiser, leader, attendee, add) -> None:
    first = add(organiser, two_attendees, "Chương trình họp")
    do_approve_document(leader, first)
    add(organiser, two_attendees, "Phụ lục 1")
    add(organiser, two_attendees, "Phụ lục 2")
    do_approve_documents(leader, two_attendees)
    notices = published_notices(attendee)
    assert [n.event for n in notices] == ["document.published", "document.supplemented"]
    assert notices[-1].title.startswith("2 tài liệu bổ sung")


def test_a_batch_of_replaced_documents_is_announced_as_replaced(
    two_attendees, organiser, leader, attendee, five, tmp_path
) -> None:
    do_approve_documents(leader, two_attendees)
    for document in five[:2]:
        path = tmp_path / f"v2-{document.pk}.docx"
        path.write_bytes(docx_bytes(1))
        do_add_version(
            organiser, document, upload_path=path, detected=check_file(path, "v2.docx"), original_name="v2.docx"
        )
    do_approve_documents(leader, two_attendees)
    notices = published_notices(attendee)
    assert [n.event for n in notices] == ["document.published", "document.replaced"]
    assert notices[-1].title.startswith("2 tài liệu thay thế")


def test_single_approval_still_sends_one_notice_per_attendee(two_attendees, organiser, leader, attendee, add) -> None:
    document = add(organiser, two_attendees, "Chương trình họp")
    do_approve_document(leader, document)
    [notice] = published_notices(attendee)
    assert notice.title == "Tài liệu họp mới: Chương trình họp"
    assert notice.url == reverse("documents:view", args=[document.pk])


# --- the pages -----------------------------------------------------------------------------------


def test_approve_all_from_the_meeting_page(client, two_attendees, leader, five) -> None:
    client.force_login(leader)
    page = client.get(reverse("meetings:detail", args=[two_attendees.pk])).content.decode()
    assert 'data-testid="approve-all-documents"' in page
    url = reverse("documents:approve_many", args=[two_attendees.pk])
    next_url = reverse("meetings:detail", args=[two_attendees.pk]) + "#documents"
    response = client.post(url, {"all": "1", "next": next_url}, follow=True)
    assert response.redirect_chain[-1][0] == next_url
    assert statuses(five) == [ApprovalStatus.APPROVED] * 5
    assert "5 tài liệu đã được duyệt và công bố" in response.content.decode()


def test_approve_the_chosen_from_the_queue(client, two_attendees, leader, five) -> None:
    client.force_login(leader)
    queue = client.get(reverse("documents:approvals")).content.decode()
    assert queue.count('data-testid="choose-document"') == 5
    response = client.post(
        reverse("documents:approve_many", args=[two_attendees.pk]), {"document": [five[3].pk, five[4].pk]}
    )
    assert response.status_code == 302
    assert statuses(five) == ["pending", "pending", "pending", "approved", "approved"]


def test_bad_choices_are_refused_with_a_message_and_change_nothing(client, two_attendees, leader, five) -> None:
    client.force_login(leader)
    url = reverse("documents:approve_many", args=[two_attendees.pk])
    for data in ({}, {"document": ["abc"]}, {"document": [five[0].pk, 999999]}):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "alert-danger" in response.content.decode()
    assert statuses(five) == [ApprovalStatus.PENDING] * 5


def test_outsider_gets_404_and_attendee_403_and_nothing_changes(
    client, two_attendees, attendee, stc_member, five
) -> None:
    url = reverse("documents:approve_many", args=[two_attendees.pk])
    client.force_login(stc_member)
    assert client.post(url, {"all": "1"}).status_code == 404
    client.force_login(attendee)
    assert client.post(url, {"all": "1"}).status_code == 403
    assert statuses(five) == [ApprovalStatus.PENDING] * 5
    assert client.get(url).status_code == 405
