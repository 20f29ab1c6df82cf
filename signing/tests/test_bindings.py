"""Certificate bindings (Điều 7.2): the official sets their certificate, an administrator of their
unit confirms or revokes it; bad files, expired certificates and duplicates are refused and
nothing is stored; every change is in the audit trail."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from signing.actions import do_add_certificate, do_confirm_certificate, do_revoke_certificate
from signing.models import BindingState, CertificateBinding
from signing.tests.pki import issue

pytestmark = pytest.mark.django_db


def refused_code(call, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        call(*args)
    assert info.value.messages[0]
    return str(info.value.code)


def test_an_official_adds_a_certificate_in_der_or_pem_and_it_waits_for_confirmation(snv_member, pki) -> None:
    binding = do_add_certificate(snv_member, pki["user"].cert.public_bytes(serialization.Encoding.PEM))
    assert binding.state == BindingState.PENDING and not binding.counts()
    assert binding.sha256 == hashlib.sha256(pki["user"].der).hexdigest()
    assert "Bui Thi Mai" in binding.subject and "eCabinet Test Root CA" in binding.issuer
    entry = AuditEntry.objects.get(action="signing.certificate.added")
    assert entry.actor == snv_member and entry.target_id == str(binding.pk)


def test_the_unit_administrator_confirms_and_the_binding_counts(snv_member, snv_admin, pki) -> None:
    binding = do_confirm_certificate(snv_admin, do_add_certificate(snv_member, pki["user"].der))
    assert binding.state == BindingState.CONFIRMED and binding.confirmed_by == snv_admin and binding.counts()
    entry = AuditEntry.objects.get(action="signing.certificate.confirmed")
    assert entry.actor == snv_admin and entry.unit == snv_member.unit


def test_a_system_administrator_may_confirm_in_any_unit(snv_member, sysadmin, pki) -> None:
    assert do_confirm_certificate(sysadmin, do_add_certificate(snv_member, pki["user"].der)).counts()


def test_an_administrator_of_another_unit_cannot_confirm(snv_member, stc_admin, pki) -> None:
    binding = do_add_certificate(snv_member, pki["user"].der)
    with pytest.raises(PermissionDenied):
        do_confirm_certificate(stc_admin, binding)
    binding.refresh_from_db()
    assert binding.state == BindingState.PENDING


def test_nobody_confirms_their_own_certificate(snv_admin, pki) -> None:
    binding = do_add_certificate(snv_admin, pki["user"].der)
    with pytest.raises(PermissionDenied):
        do_confirm_certificate(snv_admin, binding)


def test_a_confirmed_binding_cannot_be_confirmed_again_nor_a_revoked_one(snv_member, snv_admin, pki) -> None:
    binding = do_confirm_certificate(snv_admin, do_add_certificate(snv_member, pki["user"].der))
    assert refused_code(do_confirm_certificate, snv_admin, binding) == "already_confirmed"
    do_revoke_certificate(snv_admin, binding)
    assert refused_code(do_confirm_certificate, snv_admin, binding) == "revoked"
    assert refused_code(do_revoke_certificate, snv_admin, binding) == "revoked"


def test_a_revoked_binding_no_longer_counts_and_the_certificate_may_be_added_again(snv_member, snv_admin, pki) -> None:
    binding = do_confirm_certificate(snv_admin, do_add_certificate(snv_member, pki["user"].der))
    revoked = do_revoke_certificate(snv_member, binding)
    assert revoked.state == BindingState.REVOKED and revoked.revoked_at is not None and not revoked.counts()
    assert AuditEntry.objects.filter(action="signing.certificate.revoked", actor=snv_member).exists()
    again = do_add_certificate(snv_member, pki["user"].der)
    assert again.pk != binding.pk and again.state == BindingState.PENDING


def test_another_official_cannot_revoke_a_certificate(snv_member, stc_member, stc_admin, pki) -> None:
    binding = do_add_certificate(snv_member, pki["user"].der)
    for outsider in (stc_member, stc_admin):
        with pytest.raises(PermissionDenied):
            do_revoke_certificate(outsider, binding)
    binding.refresh_from_db()
    assert binding.state == BindingState.PENDING


def test_a_file_that_is_not_a_certificate_is_refused_and_nothing_is_stored(snv_member, pki) -> None:
    audit_before = AuditEntry.objects.count()
    for data in (
        b"",
        b"not a certificate",
        b"-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n",
        pki["user"].key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        b"0" * (64 * 1024 + 1),
    ):
        assert refused_code(do_add_certificate, snv_member, data) == "not_certificate"
    assert not CertificateBinding.objects.exists() and AuditEntry.objects.count() == audit_before


def test_an_expired_certificate_is_refused_and_nothing_is_stored(snv_member, pki) -> None:
    expired = issue(pki["root"], "Old", days=-1)
    assert refused_code(do_add_certificate, snv_member, expired.der) == "expired"
    assert not CertificateBinding.objects.exists()


def test_the_same_certificate_twice_is_refused_as_a_duplicate(snv_member, pki) -> None:
    do_add_certificate(snv_member, pki["user"].der)
    assert refused_code(do_add_certificate, snv_member, pki["user"].der) == "duplicate"
    assert CertificateBinding.objects.count() == 1
    assert AuditEntry.objects.filter(action="signing.certificate.added").count() == 1
