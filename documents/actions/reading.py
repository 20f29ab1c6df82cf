"""What readers did with a document: opens of the viewer, downloads and the pages they saw (the
read receipts its managers see). Opens and downloads are audited; the pages seen are not (the
open of the viewer was)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.log import log_action
from documents.models import Document, DocumentVersion, ReadReceipt
from documents.viewer import page_count


def _count_on_receipt(user: User, document: Document, *, opened: bool, downloaded: bool) -> None:
    now = timezone.now()
    changes: dict[str, Any] = {}
    if opened:
        changes.update(open_count=F("open_count") + 1, last_opened_at=now)
    if downloaded:
        changes["download_count"] = F("download_count") + 1
    receipts = ReadReceipt.objects.filter(document=document, user=user)
    if receipts.update(**changes):
        return
    try:
        with transaction.atomic():
            ReadReceipt.objects.create(
                document=document,
                user=user,
                first_opened_at=now,
                last_opened_at=now,
                open_count=int(opened),
                download_count=int(downloaded),
            )
    except IntegrityError:
        # A parallel request (two tabs, a double tap) created the receipt after our update
        # found none: count on that row instead.
        receipts.update(**changes)


def do_record_open(user: User, document: Document, version: DocumentVersion | None, *, via: str = "viewer") -> None:
    """One open of the viewer (not one per page image): a receipt count and one audit entry."""
    with transaction.atomic():
        _count_on_receipt(user, document, opened=True, downloaded=False)
        log_action(
            "document.viewed",
            actor=user,
            target=document,
            unit=document.meeting.unit,
            data={"version": version.number if version else None, "via": via},
        )


def do_record_download(user: User, document: Document, version: DocumentVersion, *, watermarked: bool) -> None:
    with transaction.atomic():
        _count_on_receipt(user, document, opened=False, downloaded=True)
        log_action(
            "document.downloaded",
            actor=user,
            target=document,
            unit=document.meeting.unit,
            data={"version": version.number, "watermarked": watermarked},
        )


def check_page(document: Document, raw: Any) -> int:
    """A page number of the document's current version, or ValidationError."""
    count = page_count(document.current_version)
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= count:
        raise ValidationError(_("Choose a page between 1 and %(count)s.") % {"count": count}, code="page")
    return number


def do_record_page_seen(user: User, document: Document, page: int) -> bool:
    """Add `page` to the pages the user has seen; False if it was already there.

    The caller validated `page` with check_page.
    """
    with transaction.atomic():
        receipt, _created = ReadReceipt.objects.get_or_create(document=document, user=user)
        receipt = ReadReceipt.objects.select_for_update().get(pk=receipt.pk)
        if page in receipt.pages_viewed:
            return False
        receipt.pages_viewed = sorted({*receipt.pages_viewed, page})
        receipt.save(update_fields=["pages_viewed"])
    return True
