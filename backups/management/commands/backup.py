from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from backups.actions import backup_key, do_create_backup
from backups.crypto import ArchiveError

MB = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Write the database and the media files to one archive encrypted with BACKUP_KEY "
        "(docs/operations.md). Safe to run while eCabinet is in use."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("out_file", help="the archive to write; it must not exist yet")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            result = do_create_backup(Path(options["out_file"]), key=backup_key())
        except (ArchiveError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from None
        db = result.manifest["database"]
        if not result.media_included:
            self.stderr.write(
                self.style.WARNING(
                    f"Media files are kept by {result.manifest['media']['storage']}, not on this machine's disk: "
                    "they are NOT in this archive. Back them up with the storage's own tools "
                    "(bucket versioning or replication)."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.path} ({result.size / MB:.1f} MB) with the {db['vendor']} database "
                f"({len(db['row_counts'])} tables, {sum(db['row_counts'].values())} rows) and "
                f"{result.media_files} media files ({result.media_bytes / MB:.1f} MB) in {result.seconds:.1f} s."
            )
        )
