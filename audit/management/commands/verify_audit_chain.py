from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain and every opinion collection's ballot log; exit non-zero "
        "naming the first bad entry."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        from opinions.log import verify_all

        checked, problem = verify_chain()
        if problem is not None:
            raise CommandError(
                f"Audit chain broken at entry #{problem.seq}: {problem.reason} ({checked} entries intact before it)"
            )
        ballots, problems = verify_all()
        if problems:
            collection, bad = problems[0]
            raise CommandError(
                f"Ballot log of opinion collection {collection} broken at entry #{bad.seq}: {bad.reason} "
                f"({len(problems)} collection(s) with a problem)"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {checked} entries. Ballot logs intact: {ballots} entries.")
        )
