"""The chair signs the approved minutes (PAdES), and the official who issued the conclusion notice
signs it, with their own tool or remote service, through the signing app: the upload must be the
very PDF handed out, signed with the signer's confirmed certificate."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Right
from audit.models import AuditEntry
from conftest import make_user
from minutes.actions import (
    do_approve_minutes,
    do_approve_notice,
    do_draft_notice,
    do_issue_notice,
    do_prepare_signing,
    do_submit_signed,
)
from minutes.models import SignedCopy
from signing.actions import do_add_certificate, do_confirm_certificate
from signing.tests.pki import issue, make_root, sign_with_own_tool, write_pem

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _close_converter():  # type: ignore[no-untyped-def]
    yield
    from documents.conversion import get_converter

    get_converter().close()


@pytest.fixture
def pki(settings, tmp_path: Path, province):  # type: ignore[no-untyped-def]
    root = make_root("eCabinet Test Root CA")
    settings.SIGNATURE_TRUST_ROOTS = [str(write_pem(root, tmp_path / "root.pem"))]
    admin = make_user("snv.quantri", province["snv"], Right.UNIT_ADMIN, full_name="Đỗ Minh Tuấn")
    return root, admin


def _bound(pki, user, name: str):  # type: ignore[no-untyped-def]
    root, admin = pki
    identity = issue(root, name)
    do_confirm_certificate(admin, do_add_certificate(user, identity.der))
    return identity


@pytest.fixture
def chair_identity(pki, leader):  # type: ignore[no-untyped-def]
    return _bound(pki, leader, "Vu Thi Hong")


@pytest.fixture
def issued_notice(minutes, leader, secretary):  # type: ignore[no-untyped-def]
    do_approve_minutes(leader, minutes)
    notice = do_draft_notice(secretary, minutes.meeting)
    do_approve_notice(leader, notice)
    return do_issue_notice(secretary, notice)


def test_the_chair_signs_the_approved_minutes_with_their_own_tool(minutes, leader, chair_identity, tmp_path) -> None:
    do_approve_minutes(leader, minutes)
    copy = do_prepare_signing(leader, minutes)
    assert do_prepare_signing(leader, minutes).pk == copy.pk  # the same bytes each time
    with copy.original.open("rb") as handle:
        original = handle.read()
    signed = do_submit_signed(leader, minutes, sign_with_own_tool(original, chair_identity, tmp_path))
    assert signed.signed_at is not None and signed.certificate_sha256 and signed.version_number == 1
    assert AuditEntry.objects.filter(action="minutes.signed").exists()
    with pytest.raises(ValidationError):
        do_submit_signed(leader, minutes, sign_with_own_tool(original, chair_identity, tmp_path))
    # Readers download the signed copy.
    client = Client()
    client.force_login(leader)
    response = client.get(reverse("minutes:signed_pdf", args=[minutes.meeting_id]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_an_unsigned_or_altered_pdf_is_refused_and_nothing_is_kept(minutes, leader, chair_identity) -> None:
    do_approve_minutes(leader, minutes)
    copy = do_prepare_signing(leader, minutes)
    with copy.original.open("rb") as handle:
        original = handle.read()
    for bad in (original, b"not a pdf"):
        with pytest.raises(ValidationError):
            do_submit_signed(leader, minutes, bad)
    assert not SignedCopy.objects.filter(signed_at__isnull=False).exists()


def test_only_the_chair_signs_and_only_approved_minutes(minutes, leader, secretary) -> None:
    with pytest.raises(ValidationError):
        do_prepare_signing(leader, minutes)  # still a draft
    do_approve_minutes(leader, minutes)
    with pytest.raises(PermissionDenied):
        do_prepare_signing(secretary, minutes)
    client = Client()
    client.force_login(secretary)
    assert client.get(reverse("minutes:sign_pdf", args=[minutes.meeting_id])).status_code == 403


def test_a_signature_refusal_names_the_document_not_a_ballot(minutes, leader, chair_identity) -> None:
    do_approve_minutes(leader, minutes)
    with pytest.raises(ValidationError) as refused:
        do_submit_signed(leader, minutes, b"not a pdf")
    assert refused.value.code == "not_pdf" and "ballot" not in refused.value.messages[0]


def test_the_issuer_signs_the_issued_notice_with_its_number(issued_notice, leader, secretary, pki, tmp_path) -> None:
    identity = _bound(pki, secretary, "Pham Thu Trang")
    copy = do_prepare_signing(secretary, issued_notice)
    with copy.original.open("rb") as handle:
        original = handle.read()
    signed = do_submit_signed(secretary, issued_notice, sign_with_own_tool(original, identity, tmp_path))
    assert signed.notice_id == issued_notice.pk and signed.minutes_id is None and signed.signed_at is not None
    assert AuditEntry.objects.filter(action="notice.signed").exists()
    # The notice's readers download the signed copy from its page.
    client = Client()
    client.force_login(leader)
    page = client.get(reverse("minutes:notice", args=[issued_notice.meeting_id]))
    assert reverse("minutes:notice_signed_pdf", args=[issued_notice.meeting_id]) in page.content.decode()
    response = client.get(reverse("minutes:notice_signed_pdf", args=[issued_notice.meeting_id]))
    assert response.status_code == 200 and response.content == signed.file.open("rb").read()


def test_a_notice_is_signed_only_once_issued_and_only_by_its_issuer(minutes, leader, secretary, organiser) -> None:
    do_approve_minutes(leader, minutes)
    notice = do_draft_notice(secretary, minutes.meeting)
    do_approve_notice(leader, notice)
    with pytest.raises(ValidationError) as refused:
        do_prepare_signing(secretary, notice)  # approved, not issued: no number yet
    assert refused.value.code == "not_approved"
    do_issue_notice(secretary, notice)
    with pytest.raises(ValidationError) as refused:
        do_prepare_signing(organiser, notice)  # may edit, but the block names the secretary
    assert refused.value.code == "wrong_signer"
    with pytest.raises(PermissionDenied):
        do_prepare_signing(leader, notice)  # the chair approves; the issuer signs
    assert not SignedCopy.objects.filter(notice=notice).exists()
    client = Client()
    client.force_login(leader)
    assert client.get(reverse("minutes:notice_sign_pdf", args=[notice.meeting_id])).status_code == 403
