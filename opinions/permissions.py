"""Who may create, see, manage, follow and answer an opinion collection (Điều 7).

- Create: an official holding the "opinion collector" right in their unit (granted by the unit
  administrator, like the organiser right), or, for a collection attached to a meeting, the
  meeting's chair, organiser or secretary (Perm.RUN_MEETING).
- Manage (edit before release, extend the expiry, write the recommendation): the creator, and
  for a meeting's collection whoever runs the meeting.
- Results: managers and followers (Điều 7.1e).
- The collection's page: managers and followers at any time; voters (consulted people, receivers
  of consulted units) once it is released. Everyone else gets 404.
- Its content (questions, description, documents): managers and followers at any time; voters
  only until the expiry, when it is hidden from them (Điều 7.1đ). Its counts: voters too, after
  the expiry, unless it is secret (Điều 7.1a). See docs/opinions.md, "After the expiry".
- Answer: a consulted person, or the document receiver of a consulted unit, while open.

The rules are asked through `can()`, which has already turned away the anonymous visitor and
inactive accounts: `user` is a signed-in account here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Right, User
from accounts.permissions import Perm, can, has_right, is_guest, register_rule
from opinions import rules
from opinions.models import Collection
from polls import kinds
from polls.models import Poll, PollKind

if TYPE_CHECKING:
    from meetings.models import Meeting


def _may_manage(user: User, poll: Poll) -> bool:
    if poll.meeting_id is not None and can(user, Perm.RUN_MEETING, poll.meeting):
        return True
    if poll.pk is None:  # being created
        return poll.meeting_id is None and has_right(user, Right.OPINION_COLLECTOR)
    return poll.created_by_id == user.pk and not is_guest(user)


def _may_view_results(user: User, poll: Poll) -> bool:
    if _may_manage(user, poll):
        return True
    collection = getattr(poll, "collection", None)
    return collection is not None and rules.is_follower(user, collection)


def _may_vote(user: User, poll: Poll) -> bool:
    collection = getattr(poll, "collection", None)
    return (
        collection is not None
        and rules.phase(collection) == rules.Phase.OPEN
        and bool(rules.ballot_owners(user, collection))
    )


kinds.register(PollKind.OPINION, may_manage=_may_manage, may_view_results=_may_view_results, may_vote=_may_vote)


@register_rule(Perm.CREATE_COLLECTION)
def create_collection(user: User, meeting: Meeting | None) -> bool:
    if is_guest(user):
        return False
    if meeting is not None:
        return can(user, Perm.RUN_MEETING, meeting)
    return has_right(user, Right.OPINION_COLLECTOR)


@register_rule(Perm.VIEW_COLLECTION)
def view_collection(user: User, collection: Collection) -> bool:
    if _may_view_results(user, collection.poll):
        return True
    return rules.phase(collection) != rules.Phase.SCHEDULED and bool(rules.ballot_owners(user, collection))


@register_rule(Perm.ANSWER_COLLECTION)
def answer_collection(user: User, collection: Collection) -> bool:
    return _may_vote(user, collection.poll)


@register_rule(Perm.VIEW_COLLECTION_CONTENT)
def view_collection_content(user: User, collection: Collection) -> bool:
    """The questions, the description and the attached documents. At the expiry "the system
    automatically hides the content" (Điều 7.1đ) from the people consulted; the creator, whoever
    runs the meeting and the followers keep it (Điều 7.1e, 7.3)."""
    if _may_view_results(user, collection.poll):
        return True
    return rules.phase(collection) == rules.Phase.OPEN and bool(rules.ballot_owners(user, collection))


@register_rule(Perm.VIEW_COLLECTION_COUNTS)
def view_collection_counts(user: User, collection: Collection) -> bool:
    """The counts (answered x/y; per question agree, disagree, other opinion). A non-secret
    collection shows its result openly to the people consulted (Điều 7.1a), once it has expired;
    a secret one only to its managers and followers."""
    if _may_view_results(user, collection.poll):
        return True
    return (
        not collection.poll.is_secret
        and rules.phase(collection) == rules.Phase.EXPIRED
        and bool(rules.ballot_owners(user, collection))
    )
