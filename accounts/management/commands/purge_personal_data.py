from django.core.management.base import BaseCommand

from accounts.actions.privacy import do_purge_personal_data


class Command(BaseCommand):
    help = (
        "Erase personal data past its retention period: failed sign-ins and stale session records "
        "(SIGN_IN_RECORDS_DAYS), network addresses and browsers in audit entries "
        "(AUDIT_PERSONAL_DATA_DAYS; the hash chain still verifies). Idempotent; run daily."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        counts = do_purge_personal_data()
        self.stdout.write(
            "Failed sign-ins deleted: {login_failures_deleted}; session records deleted: {sessions_deleted}; "
            "audit entries erased: {audit_entries_erased}.".format(**counts)
        )
