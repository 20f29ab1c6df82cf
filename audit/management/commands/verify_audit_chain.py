from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit non-zero naming the first bad entry."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        checked, problem = verify_chain()
        if problem is not None:
            raise CommandError(
                f"Audit chain broken at entry #{problem.seq}: {problem.reason} ({checked} entries intact before it)"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries."))
