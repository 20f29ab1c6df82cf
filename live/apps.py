from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Meeting room")

    def ready(self) -> None:
        from live import permissions, voting  # noqa: F401  (register the room's rules and the meeting_vote kind)
