from django.core.management.base import BaseCommand

from signing.actions import do_reencrypt_signing_tokens


class Command(BaseCommand):
    help = (
        "After rotating SIGNING_TOKEN_KEY (the old key in SIGNING_TOKEN_PREVIOUS_KEYS): encrypt every "
        "remote-signing access token with the current key. Idempotent."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        counts = do_reencrypt_signing_tokens()
        self.stdout.write("Tokens re-encrypted: {reencrypted}; unreadable (key gone): {unreadable}.".format(**counts))
