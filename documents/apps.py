from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from core.http import AnyUser


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Meeting documents")

    def ready(self) -> None:
        from documents import home, permissions  # noqa: F401  (registers the document rules)

        home.register()

        from core.personal_data import register_exporter
        from documents import personal_data

        register_exporter("documents", personal_data.export)

        from core.demo import register_seeder
        from documents.demo import seed_documents

        register_seeder(3, "documents", seed_documents)

        from core.menu import register_approval_entry

        register_approval_entry(_approval_menu_entry)

        post_migrate.connect(_repair_search_index, sender=self)


def _approval_menu_entry(user: AnyUser) -> dict[str, Any] | None:
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from documents.queries import may_approve_documents

    if not may_approve_documents(user):
        return None
    return {"label": _("Documents to approve"), "url": reverse("documents:approvals"), "key": "document_approvals"}


def _repair_search_index(using: str, **kwargs: Any) -> None:
    """Django rebuilds a SQLite table to alter it, dropping the search triggers: put them back."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from documents.search import install_index

    db = connections[using]
    if db.vendor == "sqlite" and ("documents", "0004_search_index") in MigrationRecorder(db).applied_migrations():
        install_index(db)
