"""What feedback holds about a person, for their data export (core.personal_data): the items they
sent (with their files and the answers they got) and the answers they wrote as a handler."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from feedback.models import Answer, Feedback


def export(user: User) -> dict[str, Any]:
    sent = [
        {
            "feedback": f.pk,
            "category": f.category,
            "text": f.text,
            "page_address": f.page_address,
            "status": f.status,
            "files": [file.name for file in f.files.all()],
            "answers": [{"text": a.text, "created_at": a.created_at} for a in f.answers.all()],
            "created_at": f.created_at,
        }
        for f in Feedback.objects.filter(sender=user).prefetch_related("files", "answers").order_by("pk")
    ]
    written = [
        {"feedback": a.feedback_id, "text": a.text, "created_at": a.created_at}
        for a in Answer.objects.filter(author=user).order_by("pk")
    ]
    return {"feedback_sent": sent, "answers_written": written}
