"""Rules for the poll Perms (registered in PollsConfig.ready): dispatched on the poll's kind."""

from __future__ import annotations

from accounts.models import User
from accounts.permissions import Perm, register_rule
from polls.kinds import rules_for
from polls.models import Poll


@register_rule(Perm.MANAGE_POLL)
def manage_poll(user: User, poll: Poll) -> bool:
    rules = rules_for(poll.kind)
    return rules is not None and rules.may_manage(user, poll)


@register_rule(Perm.VIEW_POLL_RESULTS)
def view_poll_results(user: User, poll: Poll) -> bool:
    rules = rules_for(poll.kind)
    return rules is not None and rules.may_view_results(user, poll)


@register_rule(Perm.CAST_BALLOT)
def cast_ballot(user: User, poll: Poll) -> bool:
    rules = rules_for(poll.kind)
    return rules is not None and rules.may_vote(user, poll)
