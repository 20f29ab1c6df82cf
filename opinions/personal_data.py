"""What opinion collection holds about a person, for their data export (core.personal_data):
the collections they were consulted on or follow and their named answers with every revision.
Secret collections keep no revision, so nothing here can reveal a secret answer."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from opinions.models import AnswerRevision, ConsultedPerson, Follower
from polls.models import Option, Question


def export(user: User) -> dict[str, Any]:
    consulted = [
        {"poll": row.collection_id, "title": row.collection.poll.title}
        for row in ConsultedPerson.objects.filter(user=user).select_related("collection__poll").order_by("id")
    ]
    following = [
        {"poll": row.collection_id, "title": row.collection.poll.title}
        for row in Follower.objects.filter(user=user).select_related("collection__poll").order_by("id")
    ]
    revisions = list(
        AnswerRevision.objects.filter(voter=user, collection__poll__is_secret=False)
        .select_related("collection__poll", "unit")
        .order_by("collection_id", "unit_id", "number")
    )
    question_ids = {a.get("question") for r in revisions for a in r.answers}
    option_ids = {a.get("option") for r in revisions for a in r.answers}
    questions = dict(Question.objects.filter(pk__in=question_ids).values_list("pk", "text"))
    options = dict(Option.objects.filter(pk__in=option_ids).values_list("pk", "label"))
    answers = [
        {
            "poll": r.collection_id,
            "title": r.collection.poll.title,
            "on_behalf_of_unit": r.unit.name if r.unit else None,
            "number": r.number,
            "state": r.state,
            "created_at": r.created_at,
            "counted_at": r.counted_at,
            "answers": [
                {
                    "question": questions.get(a.get("question")),
                    "option": options.get(a.get("option")),
                    "other_text": a.get("other_text", ""),
                }
                for a in r.answers
            ],
            "ballot_sha256": r.ballot_sha256,
            "signed": bool(r.signed_ballot),
            "signer": r.signer,
            "signed_at": r.signed_at,
        }
        for r in revisions
    ]
    return {"consulted_on": consulted, "following": following, "named_answers": answers}
