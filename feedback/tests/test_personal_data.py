"""A person's data export holds the feedback they sent (with the answers they got) and the answers
they wrote, and nothing of other people's items."""

from __future__ import annotations

import pytest

from feedback.actions import do_answer_feedback
from feedback.personal_data import export
from feedback.tests.conftest import send

pytestmark = pytest.mark.django_db


def test_the_export_holds_what_was_sent_and_answered(snv_member, stc_member, sysadmin, suggestion) -> None:  # type: ignore[no-untyped-def]
    send(stc_member, text="Của người khác")
    do_answer_feedback(sysadmin, suggestion, "Đã ghi nhận")
    mine = export(snv_member)
    assert [f["text"] for f in mine["feedback_sent"]] == [suggestion.text]
    assert mine["feedback_sent"][0]["answers"][0]["text"] == "Đã ghi nhận"
    assert mine["feedback_sent"][0]["page_address"] == "/calendar/"
    assert [a["text"] for a in export(sysadmin)["answers_written"]] == ["Đã ghi nhận"]
    assert export(stc_member)["answers_written"] == []
