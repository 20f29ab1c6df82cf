from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    """Follow-up of the work meetings assign (việc được giao): tasks, progress, reminders."""

    name = "followups"
    verbose_name = _("Assigned work")

    def ready(self) -> None:
        from core.menu import register_main_entry
        from followups import (
            home,
            hooks,
            permissions,  # noqa: F401  (registers the Perm rules)
        )

        home.register()
        register_main_entry(home.menu_entry)
        hooks.register()

        from core.personal_data import register_exporter
        from followups import personal_data

        register_exporter("followups", personal_data.export)

        from core.demo import register_seeder
        from followups.demo import seed_followups

        register_seeder(8, "followups", seed_followups)
