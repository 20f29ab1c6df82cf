"""Rewrite every stored recording under the current RECORDINGS_KEY (after a key rotation; keep
the old key in RECORDINGS_PREVIOUS_KEYS until this has run)."""

from django.core.management.base import BaseCommand

from recordings.actions.keys import do_reencrypt_recordings


class Command(BaseCommand):
    help = "Re-encrypt every stored recording under the current RECORDINGS_KEY."

    def handle(self, *args: object, **options: object) -> None:
        count = do_reencrypt_recordings()
        self.stdout.write(f"{count} file(s) re-encrypted.")
