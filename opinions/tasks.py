"""Release and close at their times. Both are idempotent and decided by the clock (a task that runs
early or twice does nothing); the pages call the same functions, so nothing waits for a worker."""

from __future__ import annotations

from django_tasks import task

from opinions.models import Collection


@task()
def release_collection(collection_id: int) -> bool:
    from opinions.actions.lifecycle import ensure_released

    collection = Collection.objects.select_related("poll").filter(pk=collection_id).first()
    return collection is not None and ensure_released(collection)


@task()
def close_collection(collection_id: int) -> bool:
    from opinions.actions.lifecycle import ensure_closed

    collection = Collection.objects.select_related("poll").filter(pk=collection_id).first()
    return collection is not None and ensure_closed(collection)
