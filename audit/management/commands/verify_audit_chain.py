from django.core.management.base import BaseCommand, CommandError

from audit.verify import checks, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain and every check the apps registered (the stored ballots "
        "against their ballot chains, the opinion collections' ballot logs); exit non-zero naming each "
        "bad entry."
    )

    def handle(self, *args: object, **options: object) -> None:
        checked, problem = verify_chain()
        if problem is not None:
            raise CommandError(
                f"Audit chain broken at entry #{problem.seq}: {problem.reason} ({checked} entries intact before it)"
            )
        summary = [f"Audit chain intact: {checked} entries."]
        problems: list[str] = []
        for name, check in checks():
            result = check()
            problems.extend(result.problems)
            summary.append(f"{name}: {result.checked} entries" + (" intact." if not result.problems else "."))
        if problems:
            raise CommandError("\n".join([*problems, f"({len(problems)} problem(s) found)"]))
        self.stdout.write(self.style.SUCCESS(" ".join(summary)))
