from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MinutesConfig(AppConfig):
    """Minutes (biên bản) and conclusion notices (thông báo kết luận) of meetings (Điều 3.1d, 6.5):
    drafted from the meeting's data when it ends, edited by the secretary, approved by the chair,
    exported as .docx and PDF in the layout of Nghị định 30/2020, the notice issued to the
    attendees and the concerned units."""

    name = "minutes"
    verbose_name = _("Minutes and conclusion notices")

    def ready(self) -> None:
        from core.demo import register_seeder
        from core.menu import register_main_entry
        from core.personal_data import register_exporter
        from live import hooks
        from minutes import (
            permissions,  # noqa: F401  (the minutes and notice rules)
            personal_data,
        )
        from minutes.actions import on_meeting_ended
        from minutes.demo import seed_minutes
        from minutes.menu import menu_entry

        hooks.on_meeting_ended(on_meeting_ended)
        register_exporter("minutes", personal_data.export)
        register_seeder(7, "minutes", seed_minutes)
        register_main_entry(menu_entry)
