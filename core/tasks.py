"""Tasks of the shell itself."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def ping_task() -> str:
    """A no-op the health page and tests use to prove the worker picks work up."""
    return timezone.now().isoformat()
