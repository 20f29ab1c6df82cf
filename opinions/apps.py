from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = _("Opinion collection")

    def ready(self) -> None:
        from opinions import home, permissions  # noqa: F401  (registers the opinion kind and the Perm rules)

        home.register()

        from core.personal_data import register_exporter
        from opinions import personal_data

        register_exporter("opinions", personal_data.export)

        from core.demo import register_seeder
        from opinions.demo import seed_opinions

        register_seeder(4, "opinions", seed_opinions)

        from audit.verify import register_check
        from opinions.log import check_all

        register_check("Opinion ballot logs", check_all)
