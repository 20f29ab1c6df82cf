from django.core.management.base import BaseCommand

from accounts.actions.units import do_load_province_units


class Command(BaseCommand):
    help = "Create or update the province's units (PPC, Office, departments, 129 communes and wards)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        created, updated = do_load_province_units()
        self.stdout.write(f"Units: {created} created, {updated} updated.")
