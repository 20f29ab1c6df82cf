"""Rules for the feedback Perms of accounts.permissions (registered in FeedbackConfig.ready).

- Send feedback (SEND_FEEDBACK): every signed-in account, external guests included (they use the
  system too; an incident of theirs goes to the administrators of the unit their account belongs
  to, or to the system administrators when it has none: rules.handlers).
- See an item (VIEW_FEEDBACK): its sender and its handlers; everyone else gets 404.
- Handle it (HANDLE_FEEDBACK: answer, change its status): the system administrators, and for an
  incident outside a meeting the administrators of the sender's unit (rules.handles). The sender
  who asks to answer gets 403.
- The handlers' inbox (VIEW_FEEDBACK_INBOX): system and unit administrators; a unit administrator
  sees there only the incidents of the units they administer (queries.inbox_for).
Whether the step fits the item's status is the action's check (a clear message, not a 403).
"""

from __future__ import annotations

from accounts.models import User
from accounts.permissions import Perm, is_admin, register_rule
from feedback import rules
from feedback.models import Feedback


@register_rule(Perm.SEND_FEEDBACK)
def send_feedback(user: User, obj: object) -> bool:
    return True


@register_rule(Perm.HANDLE_FEEDBACK)
def handle_feedback(user: User, item: Feedback) -> bool:
    return rules.handles(user, item)


@register_rule(Perm.VIEW_FEEDBACK)
def view_feedback(user: User, item: Feedback) -> bool:
    return item.sender_id == user.pk or rules.handles(user, item)


@register_rule(Perm.VIEW_FEEDBACK_INBOX)
def view_inbox(user: User, obj: object) -> bool:
    return is_admin(user)
