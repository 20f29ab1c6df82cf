from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Attachment builders live in the apps that own the data (meetings, documents, ...).
        # Importing their `notification_attachments` modules here means the web process and
        # the task worker know the same keys, whichever code path imported what first.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("notification_attachments")

        from core.personal_data import register_exporter
        from notifications import personal_data

        register_exporter("notifications", personal_data.export)
