from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from backups.actions import backup_key, do_restore_backup
from backups.crypto import ArchiveError


class Command(BaseCommand):
    help = (
        "Replace the database and the media files with those of an archive made by `manage.py backup`. "
        "Checks the whole archive first and changes nothing if anything is wrong. Stop the web server "
        "and the worker before running it."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("in_file", help="the archive to restore")
        parser.add_argument("--force", action="store_true", help="replace a database and media that already hold data")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            result = do_restore_backup(Path(options["in_file"]), key=backup_key(), force=options["force"])
        except (ArchiveError, ImproperlyConfigured) as exc:
            raise CommandError(f"Nothing was restored and nothing changed. {exc}") from None
        manifest = result.manifest
        revision = (manifest.get("ecabinet") or {}).get("git_revision") or "unknown revision"
        self.stdout.write(
            f"Restored the {manifest['database']['vendor']} database and "
            + (f"{result.media_files} media files" if result.media_restored else "no media files")
            + f" of the backup made {manifest.get('created_at')} ({revision}) in {result.seconds:.1f} s."
        )
        if manifest.get("media", {}).get("included") and not result.media_restored:
            self.stderr.write(
                self.style.WARNING(
                    "The archive holds media files but this eCabinet does not keep media on its disk "
                    "(DEFAULT storage is not FileSystemStorage): they were not restored."
                )
            )
        if result.pending_migrations:
            self.stderr.write(
                self.style.WARNING(
                    f"The restored database lacks {len(result.pending_migrations)} migrations of this code: "
                    "run `manage.py migrate` now."
                )
            )
        if not result.audit_ok:
            raise CommandError(f"Restored, but the audit trail check FAILED: {result.audit_report}")
        self.stdout.write(self.style.SUCCESS(result.audit_report))
