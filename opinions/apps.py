from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = _("Opinion collection")

    def ready(self) -> None:
        from opinions import home, permissions  # noqa: F401  (registers the opinion kind and the Perm rules)

        home.register()
