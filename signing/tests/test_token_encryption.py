"""Remote-signing access tokens are encrypted at rest (AES-GCM, key id stored with the ciphertext):
the database never holds the token, keys rotate, a token whose key is gone asks the user to enter
it again, production without a key stores nothing, and the migration encrypts existing tokens."""

from __future__ import annotations

import base64
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEntry
from signing.actions import do_reencrypt_signing_tokens, do_set_remote_account
from signing.csc import sign_remotely
from signing.models import RemoteSigningAccount
from signing.tests.test_csc import PIN, TOKEN, ballot, csc, identity, ready  # noqa: F401 - fixtures
from signing.tokens import TokenUnreadable, decrypt_token, key_id, stored_key_id
from signing.verify import verify_signed_ballot

pytestmark = pytest.mark.django_db

KEY_A = os.urandom(32)
KEY_B = os.urandom(32)


def column(account: RemoteSigningAccount) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM signing_remotesigningaccount WHERE id = %s", [account.pk])
        return " ".join(str(value) for value in cursor.fetchone())


def save(user, token: str = "bi-mat-9f3c2a") -> RemoteSigningAccount:  # type: ignore[no-untyped-def]  # noqa: S107
    do_set_remote_account(user, service_url="https://mysign.example.vn", credential_id="cred-1", access_token=token)
    return RemoteSigningAccount.objects.get(user=user)


def test_the_database_never_holds_the_token(settings, snv_member) -> None:
    settings.SIGNING_TOKEN_KEY = KEY_A
    account = save(snv_member)
    row = column(account)
    assert "bi-mat-9f3c2a" not in row
    assert base64.b64encode(b"bi-mat-9f3c2a").decode() not in row
    assert account.access_token_encrypted.startswith(f"v1${key_id(KEY_A)}$")
    assert account.access_token == "bi-mat-9f3c2a"


def test_the_same_token_encrypts_differently_each_time(settings, snv_member) -> None:
    settings.SIGNING_TOKEN_KEY = KEY_A
    first = save(snv_member).access_token_encrypted
    second = save(snv_member).access_token_encrypted
    assert first != second


def test_a_ciphertext_copied_to_another_person_does_not_decrypt(settings, snv_member, stc_member) -> None:
    settings.SIGNING_TOKEN_KEY = KEY_A
    mine = save(snv_member)
    with pytest.raises(TokenUnreadable):
        decrypt_token(mine.access_token_encrypted, user_id=stc_member.pk)


def test_an_altered_ciphertext_does_not_decrypt(settings, snv_member) -> None:
    settings.SIGNING_TOKEN_KEY = KEY_A
    stored = save(snv_member).access_token_encrypted
    tampered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    with pytest.raises(TokenUnreadable):
        decrypt_token(tampered, user_id=snv_member.pk)


def test_keys_rotate_old_tokens_stay_readable_and_are_reencrypted(settings, snv_member, stc_member) -> None:
    settings.SIGNING_TOKEN_KEY = KEY_A
    save(snv_member, "token-cua-mai")
    save(stc_member, "token-cua-thu")
    settings.SIGNING_TOKEN_KEY, settings.SIGNING_TOKEN_PREVIOUS_KEYS = KEY_B, [KEY_A]
    assert RemoteSigningAccount.objects.get(user=snv_member).access_token == "token-cua-mai"

    assert do_reencrypt_signing_tokens() == {"reencrypted": 2, "unreadable": 0}
    entry = AuditEntry.objects.get(action="signing.tokens_reencrypted")
    assert entry.data["key_id"] == key_id(KEY_B)
    settings.SIGNING_TOKEN_PREVIOUS_KEYS = []  # the old key retired
    for user, token in ((snv_member, "token-cua-mai"), (stc_member, "token-cua-thu")):
        account = RemoteSigningAccount.objects.get(user=user)
        assert stored_key_id(account.access_token_encrypted) == key_id(KEY_B) and account.access_token == token
    assert do_reencrypt_signing_tokens() == {"reencrypted": 0, "unreadable": 0}  # idempotent
    assert AuditEntry.objects.filter(action="signing.tokens_reencrypted").count() == 1


def test_the_reencrypt_command_reports_counts(settings, snv_member, capsys) -> None:
    settings.SIGNING_TOKEN_KEY = KEY_A
    save(snv_member)
    settings.SIGNING_TOKEN_KEY, settings.SIGNING_TOKEN_PREVIOUS_KEYS = KEY_B, [KEY_A]
    call_command("reencrypt_signing_tokens")
    assert "Tokens re-encrypted: 1; unreadable (key gone): 0." in capsys.readouterr().out


def test_a_token_whose_key_is_gone_asks_the_user_to_enter_it_again(settings, snv_member) -> None:
    settings.SIGNING_TOKEN_KEY = KEY_A
    save(snv_member)
    settings.SIGNING_TOKEN_KEY = KEY_B
    account = RemoteSigningAccount.objects.get(user=snv_member)
    with pytest.raises(ValidationError) as info:
        sign_remotely(ballot(), account, pin=PIN)
    assert info.value.code == "csc_token" and "nhập lại" in info.value.messages[0]
    assert do_reencrypt_signing_tokens() == {"reencrypted": 0, "unreadable": 1}


def test_production_without_a_key_stores_nothing(settings, snv_member) -> None:
    settings.SIGNING_TOKEN_KEY, settings.DEBUG, settings.TESTING = None, False, False
    with pytest.raises(ValidationError) as info:
        save(snv_member)
    assert info.value.code == "no_key" and "quản trị hệ thống" in info.value.messages[0]
    assert not RemoteSigningAccount.objects.exists()
    assert not AuditEntry.objects.filter(action="signing.remote_account.saved").exists()


def test_tests_and_debug_without_a_key_use_one_derived_from_secret_key(settings, snv_member) -> None:
    settings.SIGNING_TOKEN_KEY = None
    account = save(snv_member)
    assert "bi-mat-9f3c2a" not in column(account)
    assert account.access_token == "bi-mat-9f3c2a"
    settings.SECRET_KEY = "another-secret-key-of-at-least-32-characters"
    with pytest.raises(TokenUnreadable):
        RemoteSigningAccount.objects.get(user=snv_member).access_token  # noqa: B018


def test_remote_signing_works_with_the_token_read_back_from_the_database(ready, csc, settings, snv_member) -> None:  # noqa: F811
    settings.SIGNING_TOKEN_KEY = KEY_A
    do_set_remote_account(snv_member, service_url=csc.url, credential_id="cred-1", access_token=TOKEN)
    account = RemoteSigningAccount.objects.get(user=snv_member)
    assert TOKEN not in column(account)
    original = ballot()
    signed = sign_remotely(original, account, pin=PIN)
    assert verify_signed_ballot(signed, original=original, user=snv_member)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_tokens(settings, snv_member) -> None:
    settings.SIGNING_TOKEN_KEY = KEY_A
    executor = MigrationExecutor(connection)
    executor.migrate([("signing", "0001_initial")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO signing_remotesigningaccount (user_id, service_url, credential_id, access_token, updated_at)"
                " VALUES (%s, 'https://mysign.example.vn', 'cred-1', 'token-cu-ro-rang', CURRENT_TIMESTAMP)",
                [snv_member.pk],
            )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("signing"))
    finally:
        call_command("migrate", "signing", verbosity=0)
    account = RemoteSigningAccount.objects.get(user=snv_member)
    assert "token-cu-ro-rang" not in column(account)
    assert account.access_token == "token-cu-ro-rang"
