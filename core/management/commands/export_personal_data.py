from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.actions import do_export_personal_data


class Command(BaseCommand):
    help = (
        "Write a copy of everything eCabinet holds about one person (JSON in a ZIP) to a file, to hand "
        "to them on their request (Law 91/2025). Recorded in the audit trail as privacy.data_exported."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("out", help="the ZIP file to write (must not exist)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        user = User.objects.filter(username=options["username"]).select_related("unit").first()
        if user is None:
            raise CommandError(f"No account with the username {options['username']!r}.")
        out = Path(options["out"])
        if out.exists():
            raise CommandError(f"{out} already exists; choose a new file name.")
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        archive = do_export_personal_data(None, user, command_line=True)
        with out.open("xb") as fh:
            fh.write(archive)
        out.chmod(0o600)
        self.stdout.write(f"Wrote {out} ({len(archive)} bytes) for {user.username}.")
