"""Users cannot manage their own email addresses through allauth: unit administrators keep them
(Điều 4.3). allauth's address management, confirmation and re-authentication pages answer 404."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from accounts.models import User
from conftest import login


@pytest.mark.parametrize(
    "path", ["/auth/email/", "/auth/confirm-email/", "/auth/confirm-email/abc:def/", "/auth/reauthenticate/"]
)
def test_allauth_pages_of_features_not_offered_answer_404(client: Client, snv_member: User, path: str) -> None:
    login(client, snv_member)
    response = client.get(path)
    assert response.status_code == 404
    assert '<html lang="vi">' in response.content.decode()


def test_a_user_cannot_add_an_email_address_themselves(client: Client, snv_member: User) -> None:
    login(client, snv_member)
    response = client.post("/auth/email/", {"action_add": "", "email": "riêng@example.com"})
    assert response.status_code == 404
    assert not EmailAddress.objects.filter(user=snv_member).exists()
    snv_member.refresh_from_db()
    assert snv_member.email == "mai@snv.example"
