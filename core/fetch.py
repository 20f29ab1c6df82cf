"""The shared half of every fetch-and-authorize helper: one row by id, or 404."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


# Ids are 64-bit signed integers in every database we run on: a larger number in a URL would make
# SQLite raise OverflowError and PostgreSQL a DataError (HTTP 500), so it is simply not found.
MAX_ID = 2**63 - 1


def parse_id(raw: Any) -> int:
    """An id from a URL or a form: a positive integer the database can hold, else 404."""
    try:
        value = int(raw)
    except (ValueError, TypeError):
        raise Http404 from None
    if not 0 < value <= MAX_ID:
        raise Http404
    return value


def get_or_404(queryset: QuerySet[M], pk: Any, **filters: Any) -> M:
    """Like get_object_or_404, but a malformed or out-of-range id is a 404 too (never a 500)."""
    try:
        return queryset.get(pk=parse_id(pk), **filters)
    except ObjectDoesNotExist:
        raise Http404 from None
