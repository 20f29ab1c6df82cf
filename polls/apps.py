from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = _("Votes and opinion collection")

    def ready(self) -> None:
        from audit.verify import register_check
        from polls import ballot_chain, permissions  # noqa: F401  (register the rules of the poll Perms)

        register_check("Ballot chains", ballot_chain.check_all)

        from core.personal_data import register_exporter
        from polls import personal_data

        register_exporter("polls", personal_data.export)
