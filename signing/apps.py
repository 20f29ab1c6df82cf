from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:
        from signing import permissions  # noqa: F401  (registers the rules of the signing Perms)
