from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_demo
from meetings.demo import seed_meetings
from opinions.demo import seed_opinions


class Command(BaseCommand):
    help = "Load the province's units, demo accounts in every role, rooms and meetings (idempotent)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            results = seed_demo()
            meetings = seed_meetings()
            opinions = seed_opinions()
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        self.stdout.write("-" * 96)
        for spec, user, created in results:
            unit = user.unit.short_name if user.unit else ""
            flag = "new" if created else "kept"
            self.stdout.write(f"  {spec.username:<18} {spec.role:<42} {unit:<20} {flag}")
        self.stdout.write("-" * 96)
        if meetings:
            self.stdout.write(f"Demo meetings created: {len(meetings)}")
        if opinions:
            self.stdout.write("Demo opinion collection created (open a minute from now): " + opinions[0].poll.title)
