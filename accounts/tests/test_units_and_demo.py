"""The province's real units from vietnam-provinces, and idempotent demo data."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import OrgUnit, Right, UnitKind, User
from accounts.permissions import Perm, can, is_system_admin


@pytest.fixture(autouse=True)
def _demo_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    """seed_demo stores documents, attachments and ballots: under a temporary directory here."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_UPLOAD_TEMP_DIR = tmp_path / "uploads"


def test_load_units_creates_the_province_tree(db) -> None:
    call_command("load_units")
    assert OrgUnit.objects.count() == 1 + 15 + 129
    assert OrgUnit.objects.filter(kind=UnitKind.COMMUNE).count() == 97
    assert OrgUnit.objects.filter(kind=UnitKind.WARD).count() == 32
    root = OrgUnit.objects.get(code="UBND37")
    assert root.name == "Ủy ban nhân dân tỉnh Ninh Bình"
    assert all(u.is_within(root) for u in OrgUnit.objects.all())
    hoa_lu = OrgUnit.objects.get(name="Phường Hoa Lư")
    assert hoa_lu.kind == UnitKind.WARD and hoa_lu.code.isdigit() and hoa_lu.parent == root
    assert OrgUnit.objects.get(code="SNNMT").name == "Sở Nông nghiệp và Môi trường"


def test_load_units_is_idempotent(db) -> None:
    call_command("load_units")
    paths = dict(OrgUnit.objects.values_list("code", "path"))
    call_command("load_units")
    assert dict(OrgUnit.objects.values_list("code", "path")) == paths


def test_seed_demo_creates_every_role_and_is_idempotent(db) -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    assert User.objects.filter(username__in=[d.username for d in DEMO_USERS]).count() == len(DEMO_USERS)
    admin = User.objects.get(username="admin")
    assert is_system_admin(admin) and admin.check_password(DEMO_PASSWORD) and not admin.must_change_password
    held = set(Right)
    for right in Right:
        if User.objects.filter(grants__right=right).exists():
            held.discard(right)
    assert held == set()
    guest = User.objects.get(username="khach.minhphat")
    assert guest.is_external and guest.organisation
    organiser = User.objects.get(username="snv.daumoi")
    assert can(organiser, Perm.REGISTER_MEETINGS)
    assert OrgUnit.objects.get(code="SNV").document_receiver == organiser
