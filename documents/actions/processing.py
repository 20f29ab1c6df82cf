"""Processing a version again after it failed (documents.tasks does the processing itself)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import require
from accounts.models import User
from accounts.permissions import Perm
from audit.log import log_action
from documents.models import DocumentVersion, ProcessingState
from documents.tasks import schedule_processing


def do_retry_processing(actor: User, version: DocumentVersion) -> None:
    """Queue a failed version again, for the people who manage the meeting's documents."""
    require(actor, Perm.MANAGE_DOCUMENTS, version.document.meeting)
    with transaction.atomic():
        claimed = DocumentVersion.objects.filter(pk=version.pk, state=ProcessingState.FAILED).update(
            state=ProcessingState.QUEUED, progress=0, error=""
        )
        if not claimed:
            raise ValidationError(
                _("Only a document whose processing failed can be processed again."), code="not_failed"
            )
        log_action(
            "document.processing_retried",
            actor=actor,
            target=version,
            unit=version.document.meeting.unit,
            data={"document": version.document_id, "version": version.number, "error": version.error},
        )
        schedule_processing(version.pk)
    version.state, version.progress, version.error = ProcessingState.QUEUED, 0, ""
