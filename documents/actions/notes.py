"""A reader's private notes on the pages of a document. Only their author reads them, so they
are not audited: the audit trail must not hold what only the author may read. The caller
fetched the note through documents.access.access_note (the author's own, on a document they
may still see)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from documents.actions.reading import check_page
from documents.models import Document, PrivateNote

NOTE_MAX_LENGTH = 5000


def check_note_text(raw: Any) -> str:
    text = str(raw or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError(_("Write something in the note before saving it."), code="empty")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _(
                "A note can be at most %(limit)s characters long (this one has %(length)s). Shorten it or split it into two notes."
            )
            % {
                "limit": number_format(NOTE_MAX_LENGTH, force_grouping=True),
                "length": number_format(len(text), force_grouping=True),
            },
            code="too_long",
        )
    return text


def check_note(document: Document, page: Any, text: Any) -> tuple[int, str]:
    errors: dict[str, ValidationError] = {}
    clean_page, clean_text = 0, ""
    try:
        clean_page = check_page(document, page)
    except ValidationError as exc:
        errors["page"] = exc
    try:
        clean_text = check_note_text(text)
    except ValidationError as exc:
        errors["text"] = exc
    if errors:
        raise ValidationError(errors)
    return clean_page, clean_text


def do_add_note(user: User, document: Document, page: int, text: str) -> PrivateNote:
    with transaction.atomic():
        return PrivateNote.objects.create(document=document, user=user, page=page, text=text)


def do_edit_note(note: PrivateNote, text: str) -> PrivateNote:
    with transaction.atomic():
        note.text = text
        note.save(update_fields=["text", "updated_at"])
    return note


def do_delete_note(note: PrivateNote) -> None:
    with transaction.atomic():
        note.delete()
