from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Units and accounts")

    def ready(self) -> None:
        from accounts import signals  # noqa: F401  (login/logout audit receivers)
        from accounts.personal_data import export as export_personal_data
        from core.personal_data import register_exporter

        register_exporter("accounts", export_personal_data)
