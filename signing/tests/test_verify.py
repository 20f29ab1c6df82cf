"""A signed ballot counts only when the signature is intact, covers the whole file (or its whole
revision, followed only by validation data), signs exactly the ballot handed out, chains to a
configured root, and comes from the certificate bound to the voter and confirmed by their unit
administrator. Each refusal has its own reason (`code`)."""

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
from signing.tests.pki import sign_with_own_tool, write_pem
from signing.verify import verify_signed_ballot

pytestmark = pytest.mark.django_db


def ballot(answer: str = "Đồng ý") -> bytes:
    return render_ballot_pdf(sample_ballot(answer))


def refusal(signed: bytes, original: bytes, user: Any) -> str:
    with pytest.raises(ValidationError) as info:
        verify_signed_ballot(signed, original=original, user=user)
    assert info.value.messages[0]
    return str(info.value.code)


def append_update(signed: bytes, change: Any) -> bytes:
    """An incremental update after the signature, made by `change(writer)`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    change(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_a_ballot_signed_with_the_voters_own_tool_is_accepted(trusted, bound, snv_member, pki, tmp_path) -> None:
    original = ballot()
    verified = verify_signed_ballot(
        sign_with_own_tool(original, pki["user"], tmp_path), original=original, user=snv_member
    )
    assert verified.binding_id == bound.pk and verified.cert_sha256 == bound.sha256
    assert "Bui Thi Mai" in verified.signer_subject
    assert verified.signed_at is not None


def test_validation_data_appended_after_signing_is_accepted(trusted, bound, snv_member, pki, tmp_path) -> None:
    """Signing tools add the certificate chain (LTV) in a later update; that is no change of content."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    original = ballot()
    output = io.BytesIO(sign_with_own_tool(original, pki["user"], tmp_path))
    certificates = [asn1_x509.Certificate.load(pki[name].der) for name in ("user", "root")]
    DocumentSecurityStore.add_dss(output, None, certs=certificates, force_write=True)
    assert output.getvalue().count(b"%%EOF") == 3
    assert verify_signed_ballot(output.getvalue(), original=original, user=snv_member).binding_id == bound.pk


def test_a_byte_changed_inside_the_signed_range_is_refused_as_tampered(
    trusted, bound, snv_member, pki, tmp_path
) -> None:
    original = ballot()
    signed = bytearray(sign_with_own_tool(original, pki["user"], tmp_path))
    # One hex digit of the content hash in the metadata: the file still parses, the digest differs.
    position = signed.index(b"/Keywords (sha256:") + len(b"/Keywords (sha256:")
    signed[position] = ord("0") if signed[position] != ord("0") else ord("1")
    assert refusal(bytes(signed), original, snv_member) == "tampered"


def test_page_content_replaced_in_an_update_after_signing_is_refused_as_tampered(
    trusted, bound, snv_member, pki, tmp_path
) -> None:
    from pyhanko.pdf_utils import generic

    def replace_page_content(writer: Any) -> None:
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT 100 100 Td (Khong dong y) Tj ET"))
        writer.update_container(page)

    original = ballot()
    signed = sign_with_own_tool(original, pki["user"], tmp_path)
    assert refusal(append_update(signed, replace_page_content), original, snv_member) == "tampered"


def test_a_catalogue_changed_in_an_update_after_signing_is_refused_as_tampered(
    trusted, bound, snv_member, pki, tmp_path
) -> None:
    from pyhanko.pdf_utils import generic

    def change_language(writer: Any) -> None:
        writer.root["/Lang"] = generic.TextStringObject("en")
        writer.update_root()

    original = ballot()
    signed = sign_with_own_tool(original, pki["user"], tmp_path)
    assert refusal(append_update(signed, change_language), original, snv_member) == "tampered"


def test_a_correctly_signed_different_ballot_is_refused(trusted, bound, snv_member, pki, tmp_path) -> None:
    signed_other = sign_with_own_tool(ballot("Không đồng ý"), pki["user"], tmp_path)
    assert refusal(signed_other, ballot(), snv_member) == "different_ballot"


def test_a_ballot_signed_twice_is_refused_as_a_different_ballot(trusted, bound, snv_member, pki, tmp_path) -> None:
    original = ballot()
    once = sign_with_own_tool(original, pki["user"], tmp_path)
    twice = sign_with_own_tool(once, pki["user"], tmp_path, field_name="ChuKySo2")
    assert refusal(twice, original, snv_member) == "different_ballot"


def test_a_certificate_from_an_untrusted_root_is_refused(trusted, snv_member, snv_admin, pki, tmp_path) -> None:
    do_confirm_certificate(snv_admin, do_add_certificate(snv_member, pki["stranger"].der))
    original = ballot()
    assert refusal(sign_with_own_tool(original, pki["stranger"], tmp_path), original, snv_member) == "untrusted"


def test_without_trust_roots_every_signature_is_refused(settings, bound, snv_member, pki, tmp_path) -> None:
    settings.SIGNATURE_TRUST_ROOTS = []
    original = ballot()
    with pytest.raises(ValidationError) as info:
        verify_signed_ballot(sign_with_own_tool(original, pki["user"], tmp_path), original=original, user=snv_member)
    assert info.value.code == "untrusted" and "SIGNATURE_TRUST_ROOTS" in info.value.messages[0]


def test_a_certificate_bound_to_nobody_is_refused_as_wrong_signer(trusted, bound, snv_member, pki, tmp_path) -> None:
    original = ballot()
    assert refusal(sign_with_own_tool(original, pki["colleague"], tmp_path), original, snv_member) == "wrong_signer"


def test_a_colleagues_confirmed_certificate_is_refused_as_wrong_signer(
    trusted, bound, snv_member, snv_admin, pki, tmp_path
) -> None:
    colleague = make_user("snv.dongnghiep", snv_member.unit, full_name="Trịnh Thị Thu")
    do_confirm_certificate(snv_admin, do_add_certificate(colleague, pki["colleague"].der))
    original = ballot()
    signed = sign_with_own_tool(original, pki["colleague"], tmp_path)
    assert refusal(signed, original, snv_member) == "wrong_signer"
    assert verify_signed_ballot(signed, original=original, user=colleague)


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
    assert refusal(b"%PDF-1.7\n garbage without a cross-reference table", original, snv_member) == "not_pdf"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    settings, trusted, bound, snv_member, pki, tmp_path
) -> None:
    original = ballot()
    signed = sign_with_own_tool(original, pki["user"], tmp_path)
    settings.SIGNED_BALLOT_MAX_BYTES = len(signed) - 1
    assert refusal(signed, original, snv_member) == "too_large"


def test_a_renewed_trust_root_file_is_read_again(settings, bound, snv_member, pki, tmp_path: Path) -> None:
    import os

    path = write_pem(pki["colleague"], tmp_path / "roots.pem")
    settings.SIGNATURE_TRUST_ROOTS = [str(path)]
    original = ballot()
    signed = sign_with_own_tool(original, pki["user"], tmp_path)
    assert refusal(signed, original, snv_member) == "untrusted"
    write_pem(pki["root"], path)
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    assert verify_signed_ballot(signed, original=original, user=snv_member).binding_id == bound.pk
