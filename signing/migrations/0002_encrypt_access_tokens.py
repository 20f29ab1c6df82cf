"""Remote-signing access tokens encrypted at rest: every stored token is encrypted with the
configured key (signing/tokens.py) and the plain column is dropped. Reversible (decrypts back)."""

from django.db import migrations, models


def encrypt_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signing.tokens import encrypt_token

    Account = apps.get_model("signing", "RemoteSigningAccount")
    for account in Account.objects.exclude(access_token=""):
        account.access_token_encrypted = encrypt_token(account.access_token, user_id=account.user_id)
        account.access_token = ""
        account.save(update_fields=["access_token", "access_token_encrypted"])


def decrypt_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    from signing.tokens import decrypt_token

    Account = apps.get_model("signing", "RemoteSigningAccount")
    for account in Account.objects.exclude(access_token_encrypted=""):
        account.access_token = decrypt_token(account.access_token_encrypted, user_id=account.user_id)
        account.save(update_fields=["access_token"])


class Migration(migrations.Migration):
    dependencies = [("signing", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="remotesigningaccount",
            name="access_token_encrypted",
            field=models.TextField(default="", editable=False, verbose_name="access token (encrypted)"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="remotesigningaccount",
            name="access_token",
            field=models.TextField(blank=True, default="", verbose_name="access token"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
        migrations.RemoveField(model_name="remotesigningaccount", name="access_token"),
    ]
