"""Fetch-and-authorize: 404 for anyone who may not see the collection, 403 for a step they may not
take on a collection they can see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from accounts.permissions import Perm, can
from core.fetch import parse_id
from core.http import AnyUser
from opinions.models import AnswerRevision, Collection


def access_collection(user: AnyUser, collection_id: object, *, perm: Perm | None = None) -> Collection:
    try:
        collection = Collection.objects.select_related("poll", "poll__unit", "poll__created_by", "poll__meeting").get(
            pk=parse_id(collection_id)
        )
    except (Collection.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can(user, Perm.VIEW_COLLECTION, collection):
        raise Http404
    if perm is not None:
        target = collection.poll if perm in (Perm.MANAGE_POLL, Perm.VIEW_POLL_RESULTS) else collection
        if not can(user, perm, target):
            raise PermissionDenied
    return collection


def access_revision(user: User, collection: Collection, revision_id: object) -> AnswerRevision:
    """One of the user's own answers (404 for anyone else's)."""
    try:
        return AnswerRevision.objects.select_related("collection", "unit", "voter").get(
            pk=parse_id(revision_id), collection=collection, voter=user
        )
    except (AnswerRevision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
