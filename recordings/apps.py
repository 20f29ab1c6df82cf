from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordingsConfig(AppConfig):
    """Meeting recordings (Điều 6.4a, 3.1c): capture from the console or an uploaded file,
    encrypted storage, access for the chair, the PPC leaders and people the chair names."""

    name = "recordings"
    verbose_name = _("Recordings")

    def ready(self) -> None:
        from core.personal_data import register_exporter
        from live.queries import SNAPSHOT_SECTIONS
        from recordings import (
            permissions,  # noqa: F401  (the recording Perms' rules)
            personal_data,
        )
        from recordings.queries import recording_state

        # Every screen of the meeting (console, phones, projector) shows whether it is recorded.
        SNAPSHOT_SECTIONS.append(("recording", lambda meeting, live, user: recording_state(meeting.pk), False))
        register_exporter("recordings", personal_data.export)
