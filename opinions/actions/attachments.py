"""Documents attached to the questions of a collection, until its release: each file checked by
its content with the documents app's rules, like a meeting document."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Perm, can
from audit.log import log_action
from documents.validation import check_file, clean_filename
from opinions.models import CheckedFileRecord, Collection, QuestionAttachment
from opinions.rules import Phase, phase
from polls.models import Question

MAX_FILES_PER_QUESTION = 10


Record = TypeVar("Record", bound=CheckedFileRecord)


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed the documents app's checks (`check_attachment`)."""

    upload: Any  # the UploadedFile; storing it reads it again from the start
    name: str  # the cleaned file name
    file_type: str  # detected from the bytes: pdf, docx, ...
    extension: str  # ".pdf"
    size: int
    sha256: str

    def store(self, record: Record) -> Record:
        """Keep this file as `record` (a CheckedFileRecord with its owner set), stored under its
        digest, and save the record."""
        record.name, record.file_type, record.size, record.sha256 = self.name, self.file_type, self.size, self.sha256
        record.file.save(f"{self.sha256[:12]}{self.extension}", self.upload, save=False)
        record.save()
        return record


def check_attachment(upload: Any) -> CheckedFile:
    """Check one uploaded file by content with the documents app's rules
    (`documents.validation.check_file`: type by bytes, encrypted or malformed files, zip bombs,
    size limit). The ValidationError names the file."""
    original = getattr(upload, "name", "") or ""
    digest = hashlib.sha256()
    size = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            detected = check_file(path, original, declared_type=getattr(upload, "content_type", None))
            name = clean_filename(original)
    except ValidationError as exc:
        shown = Path(original).name or "?"
        problem = " ".join(exc.messages)
        if shown not in problem:  # every message names the file it refuses
            problem = _("“%(name)s”: %(problem)s") % {"name": shown, "problem": problem}
        raise ValidationError(problem, code=getattr(exc, "code", None) or "invalid") from None
    return CheckedFile(
        upload=upload,
        name=name[:255],
        file_type=detected.file_type,
        extension=detected.extension,
        size=size,
        sha256=digest.hexdigest(),
    )


def check_attachments(uploads: list[Any]) -> list[CheckedFile]:
    """Check the files of one question; every bad file is named, in one ValidationError."""
    if len(uploads) > MAX_FILES_PER_QUESTION:
        raise ValidationError(
            _("Attach at most %(n)s documents to a question.") % {"n": MAX_FILES_PER_QUESTION}, code="too_many"
        )
    checked: list[CheckedFile] = []
    problems: list[ValidationError] = []
    for upload in uploads:
        try:
            checked.append(upload if isinstance(upload, CheckedFile) else check_attachment(upload))
        except ValidationError as exc:
            problems.append(exc)
    if problems:
        raise ValidationError(problems)
    return checked


def attachments_by_order(collection: Collection) -> dict[int, list[QuestionAttachment]]:
    """The attachments of each question, by the question's order (0-based), read before the
    questions are rewritten."""
    kept: dict[int, list[QuestionAttachment]] = {}
    for item in QuestionAttachment.objects.filter(question__poll=collection.poll).select_related("question"):
        kept.setdefault(item.question.order, []).append(item)
    return kept


def restore_attachments(
    collection: Collection, kept: dict[int, list[QuestionAttachment]], mapping: dict[int, int] | None
) -> None:
    """Caller holds the collection lock and has just rewritten the questions (which deleted the
    attachment rows, never their files)."""
    questions = list(Question.objects.filter(poll=collection.poll).order_by("order"))
    if mapping is None:
        mapping = {number: number - 1 for number in range(1, len(questions) + 1)}
    rows = []
    for number, old_order in mapping.items():
        if not 1 <= number <= len(questions):
            continue
        for item in kept.get(old_order, []):
            item.pk = None
            item.question = questions[number - 1]
            rows.append(item)
    QuestionAttachment.objects.bulk_create(rows)


def do_attach_files(actor: User, collection: Collection, files_by_question: dict[int, list[Any]]) -> int:
    """Attach files to questions (1-based numbers), until the release. Files not yet checked
    (anything but a `CheckedFile`) are checked here with `check_attachments`; one bad file refuses
    the whole upload and stores nothing."""
    if not can(actor, Perm.MANAGE_POLL, collection.poll):
        raise PermissionDenied
    if not any(files_by_question.values()):
        return 0
    if phase(collection) != Phase.SCHEDULED:
        raise ValidationError(_("Documents can be attached only before the release."), code="released")
    questions = list(Question.objects.filter(poll=collection.poll).order_by("order"))
    checked: list[tuple[Question, CheckedFile]] = []
    for number, uploads in files_by_question.items():
        if not 1 <= number <= len(questions):
            raise ValidationError(_("That question does not exist."), code="question")
        checked += [(questions[number - 1], f) for f in check_attachments(list(uploads))]
    with transaction.atomic():
        for question, item in checked:
            item.store(QuestionAttachment(question=question, uploaded_by=actor))
        log_action(
            "opinion.files_attached",
            actor=actor,
            target=collection.poll,
            unit=collection.poll.unit,
            data={"files": [[q.order + 1, item.sha256] for q, item in checked]},
        )
    return len(checked)
