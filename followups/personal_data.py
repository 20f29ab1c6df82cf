"""What follow-up holds about a person, for their data export (core.personal_data): the tasks they
assigned or are in charge of, and their progress reports and extension requests."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from followups.models import ExtensionRequest, ProgressReport, Task


def export(user: User) -> dict[str, Any]:
    tasks = [
        {
            "task": t.pk,
            "title": t.title,
            "meeting": t.meeting_id,
            "assigned_by_me": t.assigned_by_id == user.pk,
            "in_charge": t.assignee_id == user.pk,
            "assignee_unit": t.assignee_unit.name,
            "deadline": t.deadline,
            "status": t.status,
            "created_at": t.created_at,
        }
        for t in Task.objects.filter(Q(assigned_by=user) | Q(assignee=user) | Q(accepted_by=user) | Q(done_by=user))
        .select_related("assignee_unit")
        .order_by("pk")
    ]
    reports = [
        {
            "task": r.task_id,
            "text": r.text,
            "percent": r.percent,
            "decrease_reason": r.decrease_reason,
            "files": [f.name for f in r.files.all()],
            "created_at": r.created_at,
        }
        for r in ProgressReport.objects.filter(author=user).prefetch_related("files").order_by("pk")
    ]
    extensions = [
        {
            "task": e.task_id,
            "new_deadline": e.new_deadline,
            "reason": e.reason,
            "status": e.status,
            "created_at": e.created_at,
        }
        for e in ExtensionRequest.objects.filter(requested_by=user).order_by("pk")
    ]
    return {"tasks": tasks, "progress_reports": reports, "extension_requests": extensions}
