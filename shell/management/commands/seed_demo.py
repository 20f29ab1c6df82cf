from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_demo
from core.demo import seed_all


class Command(BaseCommand):
    help = (
        "Load the province's units, demo accounts in every role, then the demo data every app registers "
        "(core.demo): rooms, meetings, documents, a meeting in progress, opinion collections (idempotent)."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            results = seed_demo()
            lines = seed_all()
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        self.stdout.write("-" * 96)
        for spec, user, created in results:
            unit = user.unit.short_name if user.unit else ""
            flag = "new" if created else "kept"
            self.stdout.write(f"  {spec.username:<18} {spec.role:<42} {unit:<20} {flag}")
        self.stdout.write("-" * 96)
        for line in lines:
            self.stdout.write(line)
