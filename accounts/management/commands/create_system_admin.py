import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.actions.users import do_bootstrap_system_admin
from accounts.models import OrgUnit
from accounts.units_data import ROOT_CODE


class Command(BaseCommand):
    help = "Create a system administrator (first deployment). The password must be changed at first sign-in."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--unit", default="VPUBND", help="unit code (default: VPUBND)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        unit = OrgUnit.objects.filter(code=options["unit"]).first() or OrgUnit.objects.filter(code=ROOT_CODE).first()
        if unit is None:
            raise CommandError("No units yet: run `manage.py load_units` first.")
        password = getpass.getpass("Temporary password: ")
        try:
            user = do_bootstrap_system_admin(
                username=options["username"].lower(), full_name=options["full_name"], unit=unit, password=password
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"System administrator {user.username} created in {unit.name}."))
