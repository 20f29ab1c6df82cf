"""Who hears of a feedback item, in the app and by email as each person chose
(notifications.actions.do_notify; no SMS: nothing here is urgent). Called inside the action."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from feedback import rules
from feedback.models import Feedback
from notifications.actions import do_notify


def url_of(item: Feedback) -> str:
    return reverse("feedback:detail", args=[item.pk])


def _excerpt(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _send(recipients: Iterable[User], item: Feedback, event: str, title: str, body: str) -> None:
    people = list({u.pk: u for u in recipients}.values())
    if people:
        do_notify(people, event=event, title=title, body=body, url=url_of(item), target=item, sms=False)


def sent(item: Feedback) -> None:
    """A new item: to its handlers (rules.handlers)."""
    _send(
        rules.handlers(item),
        item,
        "feedback.sent",
        _("New feedback (%(category)s) from %(who)s")
        % {"category": item.get_category_display(), "who": item.sender.display_name},
        _excerpt(item.text),
    )


def answered(item: Feedback, text: str) -> None:
    if item.sender.is_active:
        _send(
            [item.sender],
            item,
            "feedback.answered",
            _("Your feedback was answered (%(status)s)") % {"status": item.get_status_display()},
            _excerpt(text, 500),
        )


def status_changed(item: Feedback) -> None:
    if item.sender.is_active:
        _send(
            [item.sender],
            item,
            "feedback.status_changed",
            _("Your feedback is now: %(status)s") % {"status": item.get_status_display()},
            _excerpt(item.text),
        )
