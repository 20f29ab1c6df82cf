from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Meeting documents")

    def ready(self) -> None:
        from documents import permissions  # noqa: F401  (registers the document rules)
