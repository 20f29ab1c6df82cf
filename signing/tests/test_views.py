"""The pages: "Chữ ký số" under My account (my certificates, upload, remote-signing service) and
the unit administrator's confirmation queue. Outsiders get 404, never a hint that a certificate
exists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import make_user
from signing.actions import do_add_certificate
from signing.models import BindingState, CertificateBinding, RemoteSigningAccount

pytestmark = pytest.mark.django_db


def upload(client: Client, data: bytes, name: str = "chungthu.cer"):  # type: ignore[no-untyped-def]
    return client.post(reverse("signing:mine"), {"certificate": SimpleUploadedFile(name, data)}, follow=True)


def test_my_page_lists_my_certificates_and_their_state_only(client, snv_member, stc_member, pki) -> None:
    do_add_certificate(snv_member, pki["user"].der)
    do_add_certificate(stc_member, pki["colleague"].der)
    client.force_login(snv_member)
    page = client.get(reverse("signing:mine")).content.decode()
    assert "Bui Thi Mai" in page and "Trinh Thi Thu" not in page
    assert page.count('data-testid="certificate"') == 1


def test_an_official_uploads_a_certificate_on_their_page(client, snv_member, pki) -> None:
    client.force_login(snv_member)
    response = upload(client, pki["user"].der)
    assert response.status_code == 200
    binding = CertificateBinding.objects.get(user=snv_member)
    assert binding.state == BindingState.PENDING


def test_a_bad_file_uploaded_on_the_page_is_refused_with_a_message_and_nothing_is_stored(client, snv_member) -> None:
    client.force_login(snv_member)
    response = upload(client, b"%PDF-1.7 not a certificate", "phieu.pdf")
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not CertificateBinding.objects.exists()


def test_an_official_saves_their_remote_signing_service(client, snv_member) -> None:
    client.force_login(snv_member)
    data = {"service_url": "https://mysign.example.vn/csc/v1/", "credential_id": "", "access_token": "bi-mat-42"}
    assert client.post(reverse("signing:mine"), data).status_code == 302
    account = RemoteSigningAccount.objects.get(user=snv_member)
    assert account.service_url == "https://mysign.example.vn/csc/v1" and account.access_token == "bi-mat-42"
    page = client.get(reverse("signing:mine")).content.decode()
    assert "https://mysign.example.vn/csc/v1" in page and "bi-mat-42" not in page  # the token is never shown


def test_a_plain_http_service_address_is_refused_on_the_page(client, snv_member) -> None:
    client.force_login(snv_member)
    data = {"service_url": "http://mysign.example.vn/csc/v1", "credential_id": "", "access_token": "token"}
    response = client.post(reverse("signing:mine"), data, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not RemoteSigningAccount.objects.exists()


def test_the_unit_admin_confirms_on_the_page_and_another_units_admin_gets_404(
    client, snv_member, snv_admin, stc_admin, pki
) -> None:
    binding = do_add_certificate(snv_member, pki["user"].der)
    client.force_login(stc_admin)
    assert client.post(reverse("signing:confirm", args=[binding.pk])).status_code == 404
    assert client.post(reverse("signing:revoke", args=[binding.pk])).status_code == 404
    assert snv_member.full_name not in client.get(reverse("signing:pending")).content.decode()
    client.force_login(snv_admin)
    assert snv_member.full_name in client.get(reverse("signing:pending")).content.decode()
    assert client.post(reverse("signing:confirm", args=[binding.pk])).status_code == 302
    binding.refresh_from_db()
    assert binding.state == BindingState.CONFIRMED


def test_the_confirmation_queue_is_404_for_officials_without_an_admin_right(client, snv_member) -> None:
    client.force_login(make_user("snv.khac", snv_member.unit, full_name="Người Khác"))
    assert client.get(reverse("signing:pending")).status_code == 404


def test_an_official_revokes_their_own_certificate_but_not_a_colleagues(client, snv_member, pki) -> None:
    mine = do_add_certificate(snv_member, pki["user"].der)
    colleague = make_user("snv.dongnghiep", snv_member.unit, full_name="Trịnh Thị Thu")
    theirs = do_add_certificate(colleague, pki["colleague"].der)
    client.force_login(snv_member)
    assert client.post(reverse("signing:revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("signing:revoke", args=[mine.pk])).status_code == 302
    assert client.post(reverse("signing:revoke", args=["999999"])).status_code == 404
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.state, theirs.state) == (BindingState.REVOKED, BindingState.PENDING)


def test_the_pages_need_a_signed_in_user(client) -> None:
    assert client.get(reverse("signing:mine")).status_code == 302
    assert client.get(reverse("signing:pending")).status_code == 302
