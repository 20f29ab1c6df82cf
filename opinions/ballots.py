"""The Phiếu lấy ý kiến of one answer (Điều 7.1b): built from the stored answer, rendered by
`opinions.ballot_pdf` (NĐ 30/2020 layout), signed by the voter, verified by `signing.verify`."""

from __future__ import annotations

from django.utils import timezone

from opinions.ballot_pdf import BallotContent, BallotQuestion, render_ballot_pdf
from opinions.models import AnswerRevision, Collection
from polls.models import Option, Question


def ballot_content(collection: Collection, revision: AnswerRevision) -> BallotContent:
    poll = collection.poll
    labels = dict(Option.objects.filter(question__poll=poll).values_list("pk", "label"))
    answers = {a["question"]: a for a in revision.answers}
    questions = []
    for number, question in enumerate(Question.objects.filter(poll=poll).order_by("order"), start=1):
        answer = answers.get(question.pk, {})
        questions.append(
            BallotQuestion(
                number=number,
                text=question.text,
                answer=labels.get(answer.get("option"), ""),
                other_text=answer.get("other_text", ""),
            )
        )
    unit = poll.unit
    voter = revision.voter
    return BallotContent(
        collection_id=collection.pk,
        revision=f"{collection.pk}-{revision.pk}-{revision.number}",
        title=poll.title,
        issuing_unit=unit.name,
        parent_unit=unit.parent.name if unit.parent is not None else "",
        place="Ninh Bình",
        issued_on=timezone.localdate(revision.created_at),
        voter_name=voter.display_name,
        voter_position=voter.position or "",
        voter_unit=voter.unit.name if voter.unit else "",
        on_behalf_of_unit=revision.unit.name if revision.unit is not None else "",
        expires_at=timezone.localtime(poll.closes_at),
        questions=tuple(questions),
    )


def ballot_pdf_for(collection: Collection, revision: AnswerRevision) -> bytes:
    return render_ballot_pdf(ballot_content(collection, revision))
