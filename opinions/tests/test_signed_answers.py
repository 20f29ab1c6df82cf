"""With a signature required (Điều 7.1b), an answer counts only once its ballot comes back signed
by the voter: with their own tool (upload) or through the CSC remote-signing service."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Right
from conftest import make_user
from opinions import queries
from opinions.actions.answers import do_answer
from opinions.actions.collections import CollectionInput, do_create_collection
from opinions.actions.signatures import do_submit_signed_ballot
from opinions.models import AnswerRevision, RevisionState
from polls.actions import QuestionInput
from polls.models import Participation
from signing.actions import do_add_certificate, do_confirm_certificate
from signing.tests.pki import issue, make_root, sign_with_own_tool, write_pem

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_collection(settings, tmp_path: Path, province, snv_member, snv_admin):  # type: ignore[no-untyped-def]
    root = make_root("eCabinet Test Root CA")
    identity = issue(root, "Bui Thi Mai")
    settings.SIGNATURE_TRUST_ROOTS = [str(write_pem(root, tmp_path / "root.pem"))]
    do_confirm_certificate(snv_admin, do_add_certificate(snv_member, identity.der))
    creator = make_user("snv.tonghop", province["snv"], Right.OPINION_COLLECTOR, full_name="Lê Văn Tổng")
    now = timezone.now()
    collection = do_create_collection(
        creator,
        CollectionInput(
            title="Lấy ý kiến có ký số",
            questions=[QuestionInput(text="Đồng ý?")],
            release_at=now + timedelta(minutes=1),
            expires_at=now + timedelta(days=1),
            requires_signature=True,
            people=[snv_member],
        ),
    )
    return collection, identity


def choices(collection, code: str = "agree") -> dict[str, int]:  # type: ignore[no-untyped-def]
    question = collection.poll.questions.get()
    return {str(question.pk): question.options.get(code=code).pk}


def test_an_answer_counts_only_after_its_ballot_is_signed_and_uploaded(signed_collection, snv_member, tmp_path) -> None:
    collection, identity = signed_collection
    with mock.patch("django.utils.timezone.now", return_value=collection.release_at + timedelta(minutes=1)):
        outcome = do_answer(snv_member, collection, choices(collection))
        assert not outcome.counted and outcome.revision is not None
        assert not Participation.objects.exists()
        assert queries.results(collection).answered == 0
        revision = outcome.revision
        with revision.ballot.open("rb") as handle:
            original = handle.read()
        receipt = do_submit_signed_ballot(snv_member, revision, sign_with_own_tool(original, identity, tmp_path))
        revision.refresh_from_db()
        assert revision.state == RevisionState.COUNTED and revision.signer["cert_sha256"]
        assert queries.results(collection).questions[0].agree_explicit == 1
        assert collection.log.filter(action="signed", seq=receipt.seq, hash=receipt.hash).exists()


def test_a_ballot_signed_for_an_earlier_answer_is_refused_once_a_new_answer_was_sent(
    signed_collection, snv_member, tmp_path
) -> None:
    collection, identity = signed_collection
    with mock.patch("django.utils.timezone.now", return_value=collection.release_at + timedelta(minutes=1)):
        first = do_answer(snv_member, collection, choices(collection)).revision
        do_answer(snv_member, collection, choices(collection, "disagree"))
        assert first is not None
        with first.ballot.open("rb") as handle:
            signed = sign_with_own_tool(handle.read(), identity, tmp_path)
        with pytest.raises(ValidationError) as info:
            do_submit_signed_ballot(snv_member, first, signed)
        assert info.value.code == "superseded"
    assert not Participation.objects.exists()
    assert AnswerRevision.objects.filter(state=RevisionState.AWAITING_SIGNATURE).count() == 2
