"""A signed ballot counts only when the signature is intact, covers the whole file, signs exactly
the ballot handed out, chains to a configured root, and comes from the certificate bound to the
voter and confirmed by their unit administrator. Each refusal has its own reason."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from opinions.ballot_pdf import render_ballot_pdf
from opinions.tests.samples import sample_ballot
from signing.actions import do_add_certificate, do_confirm_certificate, do_revoke_certificate
from signing.tests.pki import Identity, issue, make_root, sign_with_own_tool, write_pem
from signing.verify import verify_signed_ballot

pytestmark = pytest.mark.django_db


def ballot(answer: str = "Đồng ý") -> bytes:
    return render_ballot_pdf(sample_ballot(answer))


@pytest.fixture(scope="module")
def pki() -> dict[str, Identity]:
    root = make_root("eCabinet Test Root CA")
    other_root = make_root("Unrelated Root CA")
    return {
        "root": root,
        "user": issue(root, "Bui Thi Mai"),
        "colleague": issue(root, "Trinh Thi Thu"),
        "stranger": issue(other_root, "Bui Thi Mai"),
    }


@pytest.fixture
def trusted(settings, tmp_path: Path, pki: dict[str, Identity]) -> None:  # type: ignore[no-untyped-def]
    settings.SIGNATURE_TRUST_ROOTS = [str(write_pem(pki["root"], tmp_path / "root.pem"))]


@pytest.fixture
def bound(snv_member, snv_admin, pki):  # type: ignore[no-untyped-def]
    binding = do_add_certificate(snv_member, pki["user"].der)
    return do_confirm_certificate(snv_admin, binding)


def refusal(signed: bytes, original: bytes, user: Any) -> str:
    with pytest.raises(ValidationError) as info:
        verify_signed_ballot(signed, original=original, user=user)
    assert info.value.messages[0]
    return str(info.value.code)


def test_a_ballot_signed_with_the_voters_own_tool_is_accepted(trusted, bound, snv_member, pki, tmp_path) -> None:
    original = ballot()
    verified = verify_signed_ballot(
        sign_with_own_tool(original, pki["user"], tmp_path), original=original, user=snv_member
    )
    assert verified.binding_id == bound.pk and verified.cert_sha256 == bound.sha256
    assert "Bui Thi Mai" in verified.signer_subject


def test_a_byte_changed_inside_the_signed_range_is_refused_as_tampered(
    trusted, bound, snv_member, pki, tmp_path
) -> None:
    original = ballot()
    signed = bytearray(sign_with_own_tool(original, pki["user"], tmp_path))
    position = signed.find("Đồng ý".encode()) if "Đồng ý".encode() in signed else 200
    signed[position] ^= 0x01
    assert refusal(bytes(signed), original, snv_member) in ("tampered", "different_ballot", "not_pdf")


def test_an_update_appended_after_signing_is_refused_as_tampered(trusted, bound, snv_member, pki, tmp_path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    original = ballot()
    signed = sign_with_own_tool(original, pki["user"], tmp_path)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    changed = io.BytesIO()
    writer.write(changed)
    assert refusal(changed.getvalue(), original, snv_member) == "tampered"


def test_a_correctly_signed_different_ballot_is_refused(trusted, bound, snv_member, pki, tmp_path) -> None:
    signed_other = sign_with_own_tool(ballot("Không đồng ý"), pki["user"], tmp_path)
    assert refusal(signed_other, ballot(), snv_member) == "different_ballot"


def test_a_certificate_from_an_untrusted_root_is_refused(trusted, snv_member, snv_admin, pki, tmp_path) -> None:
    do_confirm_certificate(snv_admin, do_add_certificate(snv_member, pki["stranger"].der))
    original = ballot()
    assert refusal(sign_with_own_tool(original, pki["stranger"], tmp_path), original, snv_member) == "untrusted"


def test_another_officials_certificate_is_refused_as_wrong_signer(trusted, bound, snv_member, pki, tmp_path) -> None:
    original = ballot()
    assert refusal(sign_with_own_tool(original, pki["colleague"], tmp_path), original, snv_member) == "wrong_signer"


def test_a_binding_not_confirmed_or_revoked_does_not_count(trusted, snv_member, snv_admin, pki, tmp_path) -> None:
    original = ballot()
    signed = sign_with_own_tool(original, pki["user"], tmp_path)
    binding = do_add_certificate(snv_member, pki["user"].der)
    assert refusal(signed, original, snv_member) == "wrong_signer"
    do_confirm_certificate(snv_admin, binding)
    assert verify_signed_ballot(signed, original=original, user=snv_member)
    do_revoke_certificate(snv_admin, binding)
    assert refusal(signed, original, snv_member) == "wrong_signer"


def test_an_unsigned_ballot_and_a_file_that_is_not_a_pdf_are_refused(trusted, bound, snv_member) -> None:
    original = ballot()
    assert refusal(original, original, snv_member) == "unsigned"
    assert refusal(b"<html>not a pdf</html>", original, snv_member) == "not_pdf"


def test_without_trust_roots_every_signature_is_refused(settings, bound, snv_member, pki, tmp_path) -> None:
    settings.SIGNATURE_TRUST_ROOTS = []
    original = ballot()
    assert refusal(sign_with_own_tool(original, pki["user"], tmp_path), original, snv_member) == "untrusted"


def test_a_certificate_of_another_user_cannot_be_confirmed_by_another_units_admin(snv_member, stc_admin, pki) -> None:
    from django.core.exceptions import PermissionDenied

    binding = do_add_certificate(snv_member, pki["user"].der)
    with pytest.raises(PermissionDenied):
        do_confirm_certificate(stc_admin, binding)
    binding.refresh_from_db()
    assert binding.state == "pending"


def test_a_bad_certificate_file_an_expired_one_and_a_duplicate_are_refused_and_store_nothing(snv_member, pki) -> None:
    from signing.models import CertificateBinding

    for data in (b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n"):
        with pytest.raises(ValidationError) as info:
            do_add_certificate(snv_member, data)
        assert info.value.code == "not_certificate"
    expired = issue(pki["root"], "Old", days=-1)
    with pytest.raises(ValidationError) as info:
        do_add_certificate(snv_member, expired.der)
    assert info.value.code == "expired"
    assert not CertificateBinding.objects.exists()
    do_add_certificate(snv_member, pki["user"].der)
    with pytest.raises(ValidationError) as info:
        do_add_certificate(snv_member, pki["user"].der)
    assert info.value.code == "duplicate" and CertificateBinding.objects.count() == 1


def test_the_unit_admin_confirms_on_the_page_and_another_units_admin_gets_404(
    client, snv_member, snv_admin, stc_admin, pki
) -> None:
    from django.urls import reverse

    binding = do_add_certificate(snv_member, pki["user"].der)
    client.force_login(stc_admin)
    assert client.post(reverse("signing:confirm", args=[binding.pk])).status_code == 404
    assert binding.user.full_name not in client.get(reverse("signing:pending")).content.decode()
    client.force_login(snv_admin)
    assert binding.user.full_name in client.get(reverse("signing:pending")).content.decode()
    assert client.post(reverse("signing:confirm", args=[binding.pk])).status_code == 302
    binding.refresh_from_db()
    assert binding.state == "confirmed"
    other = make_user("snv.khac", snv_member.unit, full_name="Người Khác")
    client.force_login(other)
    assert client.get(reverse("signing:pending")).status_code == 404
