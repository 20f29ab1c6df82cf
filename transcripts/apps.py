from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranscriptsConfig(AppConfig):
    """Speech-to-text of meeting recordings (Điều 6.4a): the transcript of each recording, made in
    windows by a background task, every segment attributed to whoever had the floor; read with the
    recording's listening right, corrected by those who run the room, exported as .docx and .srt."""

    name = "transcripts"
    verbose_name = _("Transcripts")

    def ready(self) -> None:
        from core.personal_data import register_exporter
        from recordings import hooks
        from transcripts import (
            permissions,  # noqa: F401  (the EDIT_TRANSCRIPT rule)
            personal_data,
        )
        from transcripts.actions import on_recording_ready
        from transcripts.panels import transcript_panel

        hooks.on_recording_ready(on_recording_ready)
        hooks.register_panel(transcript_panel)
        register_exporter("transcripts", personal_data.export)

        from core.demo import register_seeder
        from transcripts.demo import seed_transcripts

        register_seeder(6, "transcripts", seed_transcripts)
