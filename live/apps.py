from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Meeting room")

    def ready(self) -> None:
        from core.personal_data import register_exporter
        from live import permissions, voting  # noqa: F401  (the room's rules and meeting_vote kind; the votes' snapshot)
        from live.personal_data import export as export_personal_data

        register_exporter("live", export_personal_data)

        from core.demo import register_seeder
        from live.demo import seed_live

        register_seeder(4, "live", seed_live)
