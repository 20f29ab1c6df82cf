"""The shared half of every fetch-and-authorize helper: one row by id, or 404."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def get_or_404(queryset: QuerySet[M], pk: Any, **filters: Any) -> M:
    """Like get_object_or_404, but a malformed id is a 404 too (never a 500)."""
    try:
        return queryset.get(pk=int(pk), **filters)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
