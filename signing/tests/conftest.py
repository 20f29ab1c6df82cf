"""The test PKI shared by the signing tests: one trusted root with certificates for officials, and
an unrelated root whose certificates no configuration trusts."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing.actions import do_add_certificate, do_confirm_certificate
from signing.models import CertificateBinding
from signing.tests.pki import Identity, issue, make_root, write_pem


@pytest.fixture(scope="session")
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
    """SIGNATURE_TRUST_ROOTS points at a PEM file of the test root only."""
    settings.SIGNATURE_TRUST_ROOTS = [str(write_pem(pki["root"], tmp_path / "root.pem"))]


@pytest.fixture
def bound(snv_member, snv_admin, pki: dict[str, Identity]) -> CertificateBinding:  # type: ignore[no-untyped-def]
    """The member's certificate, added by them and confirmed by their unit administrator."""
    return do_confirm_certificate(snv_admin, do_add_certificate(snv_member, pki["user"].der))
