from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:
        from core.personal_data import register_exporter
        from signing import permissions  # noqa: F401  (registers the rules of the signing Perms)
        from signing.personal_data import export as export_personal_data

        register_exporter("signing", export_personal_data)

        from core.demo import register_seeder
        from signing.demo import seed_signing

        register_seeder(1, "signing", seed_signing)
