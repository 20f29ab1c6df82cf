from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = _("Votes and opinion collection")

    def ready(self) -> None:
        from polls import permissions  # noqa: F401  (register the rules of the poll Perms)
