from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Feedback to the operator (góp ý, phản ánh, Điều 8.4) and incidents outside meetings (Điều 9.3đ)."""

    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from feedback import (
            home,
            permissions,  # noqa: F401  (registers the Perm rules)
        )

        home.register()

        from core.personal_data import register_exporter
        from feedback import personal_data

        register_exporter("feedback", personal_data.export)

        from core.demo import register_seeder
        from feedback.demo import seed_feedback

        register_seeder(9, "feedback", seed_feedback)
