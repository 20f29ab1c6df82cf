"""What the quarterly reports hold about a person, for their data export (core.personal_data): the
reports they submitted (the frozen rows are the unit's, not theirs: only what identifies the
submission is exported)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from reports.models import QuarterlyReport


def export(user: User) -> dict[str, Any]:
    return {
        "submitted_reports": [
            {
                "report": r.pk,
                "unit": r.unit.name,
                "year": r.year,
                "quarter": r.quarter,
                "revision": r.revision,
                "submitted_at": r.submitted_at,
                "late": r.late,
                "recommendation": r.recommendation,
            }
            for r in QuarterlyReport.objects.filter(submitted_by=user).select_related("unit").order_by("pk")
        ]
    }
