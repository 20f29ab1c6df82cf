from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from meetings import attachments, home, permissions  # noqa: F401  (register the rules and email attachments)

        home.register()

        from core.personal_data import register_exporter
        from meetings import personal_data

        register_exporter("meetings", personal_data.export)

        from core.demo import register_seeder
        from meetings.demo import seed_meetings

        register_seeder(2, "meetings", seed_meetings)
