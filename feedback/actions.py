"""Every write of feedback: sending an item (with its checked files), a handler's answer, and a
handler's change of status (docs/feedback.md)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm, can
from audit.log import log_action
from feedback import notify, rules
from feedback.models import Answer, Category, Feedback, FeedbackFile, Status
from feedback.rules import field_error
from opinions.actions.attachments import CheckedFile, check_attachments

TEXT_MAX = 5000
MAX_FILES = 5


@dataclass(frozen=True)
class FeedbackInput:
    category: str
    text: str
    page_address: str = ""
    files: list[Any] = field(default_factory=list)
    submission_key: uuid.UUID | None = None


def clean_text(value: str, *, field_name: str, message: str, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip()
    if not text:
        raise field_error(field_name, message, "required")
    if len(text) > limit:
        raise field_error(field_name, _("Please keep this under %(n)s characters.") % {"n": limit}, "too_long")
    return text


def check_files(uploads: list[Any]) -> list[CheckedFile]:
    """The attached files, each checked by content like every upload (size, type, malformed)."""
    if len(uploads) > MAX_FILES:
        raise field_error("files", _("Attach at most %(n)s files.") % {"n": MAX_FILES}, "too_many")
    try:
        return check_attachments(list(uploads))
    except ValidationError as exc:
        raise ValidationError({"files": exc.messages}, code="file") from None


def check_feedback_input(data: FeedbackInput, *, hosts: Iterable[str] = ()) -> FeedbackInput:
    """Clean values, or a ValidationError per field saying what to fix."""
    if data.category not in Category.values:
        raise field_error("category", _("Please choose what kind of feedback this is."), "category")
    text = clean_text(data.text, field_name="text", message=_("Please write your feedback."))
    address = rules.clean_page_address(data.page_address, hosts=hosts)
    return FeedbackInput(
        category=data.category,
        text=text,
        page_address=address,
        files=check_files(list(data.files)),
        submission_key=data.submission_key,
    )


def do_send_feedback(actor: User, data: FeedbackInput, *, hosts: Iterable[str] = ()) -> Feedback:
    """Send a feedback item to its handlers (rules.handlers). The same form sent twice (same
    submission key) makes one item: the second call returns the first. One bad file refuses the
    whole item and stores nothing."""
    if not can(actor, Perm.SEND_FEEDBACK):
        raise PermissionDenied
    if data.submission_key is not None:
        existing = Feedback.objects.filter(submission_key=data.submission_key, sender=actor).first()
        if existing is not None:
            return existing
    clean = check_feedback_input(data, hosts=hosts)
    try:
        with transaction.atomic():
            item = Feedback.objects.create(
                sender=actor,
                sender_unit=actor.unit,
                category=clean.category,
                text=clean.text,
                page_address=clean.page_address,
                submission_key=clean.submission_key,
            )
            checked: list[CheckedFile] = list(clean.files)
            for upload in checked:
                upload.store(FeedbackFile(feedback=item))
            log_action(
                "feedback.sent",
                actor=actor,
                target=item,
                unit=item.sender_unit,
                data={
                    "category": item.category,
                    "page_address": item.page_address,
                    "files": [f.sha256 for f in checked],
                },
            )
            notify.sent(item)
    except IntegrityError:
        # The same form arrived twice at once: the other request created it.
        if clean.submission_key is None:
            raise
        existing = Feedback.objects.filter(submission_key=clean.submission_key, sender=actor).first()
        if existing is None:  # another account's key: never show its item
            raise ValidationError(_("This form has expired. Please open it again."), code="stale_form") from None
        return existing
    return item


def _locked(actor: User, item: Feedback) -> Feedback:
    """The item re-read under a row lock (caller is atomic), once `actor` may handle it."""
    current = Feedback.objects.select_for_update(of=("self",)).select_related("sender", "sender_unit").get(pk=item.pk)
    if not can(actor, Perm.HANDLE_FEEDBACK, current):
        raise PermissionDenied
    return current


def _move(actor: User, current: Feedback, status: str, code: str, **data: Any) -> None:
    """Save the locked item's new status and write the step's audit entry (from, to)."""
    previous = current.status
    current.status = status
    current.save(update_fields=["status", "updated_at"])
    log_action(
        code, actor=actor, target=current, unit=current.sender_unit, data={**data, "from": previous, "to": status}
    )


ANSWER_STATUSES = (Status.ANSWERED, Status.CLOSED)


def do_answer_feedback(
    actor: User,
    item: Feedback,
    text: str,
    *,
    then: str = Status.ANSWERED,
    submission_key: uuid.UUID | None = None,
) -> Answer:
    """A handler answers the sender; the item becomes answered (or closed, `then`). A closed item
    takes no answer: reopen it first. The same form sent twice stores one answer."""
    text = clean_text(text, field_name="text", message=_("Please write the answer."))
    if then not in ANSWER_STATUSES:
        raise field_error("then", _("Choose “answered” or “closed”."), "status")
    with transaction.atomic():
        current = _locked(actor, item)
        if submission_key is not None:
            sent = Answer.objects.filter(feedback=current, submission_key=submission_key).first()
            if sent is not None:
                return sent
        if current.is_closed:
            raise ValidationError(_("This feedback is closed: reopen it before answering."), code="closed")
        answer = Answer.objects.create(feedback=current, author=actor, text=text, submission_key=submission_key)
        _move(actor, current, then, "feedback.answered", answer=answer.pk)
        notify.answered(current, text)
    return answer


def do_set_feedback_status(actor: User, item: Feedback, status: str) -> Feedback:
    """A handler marks the item as being handled, answered, closed, or reopens it."""
    if status not in Status.values:
        raise field_error("status", _("Please choose a status."), "status")
    with transaction.atomic():
        current = _locked(actor, item)
        if current.status == status:
            raise ValidationError(
                _("The feedback is already “%(status)s”.") % {"status": current.get_status_display()}, code="same"
            )
        if status == Status.ANSWERED and not current.answers.exists():
            raise ValidationError(_("Write an answer first: it is marked answered when it is sent."), code="no_answer")
        _move(actor, current, status, "feedback.status_changed")
        notify.status_changed(current)
    return current
