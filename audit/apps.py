from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from audit import personal_data
        from core.personal_data import register_exporter

        register_exporter("audit", personal_data.export)
