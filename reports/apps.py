from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Statistics and the regulation's reports Mẫu 01 and 02 (Điều 3.1đ, 8.1)."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # --- statistics: Perm rules and the "Thống kê" menu entry ---
        from core.menu import register_main_entry
        from reports import permissions  # noqa: F401  (registers the Perm rules)
        from reports.views_stats import menu_entry

        register_main_entry(menu_entry)
        # --- end of statistics ---

        # --- appendix forms: the administrators' menu entry, the demo seeder, personal data ---
        from core.demo import register_seeder
        from core.menu import register_admin_entry
        from core.personal_data import register_exporter
        from reports import personal_data, views_forms
        from reports.demo import seed_reports

        register_admin_entry(views_forms.admin_entry)
        register_exporter("reports", personal_data.export)
        register_seeder(9, "reports", seed_reports)
        # --- end of appendix forms ---
