"""The rules of the minutes and the notice: who edits, who approves, what a correction needs,
what the sanitiser keeps, and the notice's issue to the attendees and the concerned units."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from minutes.actions import (
    do_approve_minutes,
    do_approve_notice,
    do_draft_notice,
    do_generate_minutes,
    do_issue_notice,
    do_save_minutes,
    do_save_notice,
)
from minutes.generate import notice_issuing_unit
from minutes.models import MinutesStatus, NoticeStatus
from minutes.sanitize import sanitize_html
from notifications.models import Notification

pytestmark = pytest.mark.django_db

BODY = "<h2>I. Nội dung</h2><p>Đã thảo luận.</p><ul><li>Một</li></ul><table><tr><td>a</td><td>b</td></tr></table>"


def _body(notice) -> str:  # type: ignore[no-untyped-def]
    version = notice.current_version
    assert version is not None
    return version.body


def _approved(minutes, secretary, leader):  # type: ignore[no-untyped-def]
    do_save_minutes(secretary, minutes, BODY)
    return do_approve_minutes(leader, minutes)


# --- editing ---------------------------------------------------------------------------------------


def test_the_secretary_saves_a_new_version(minutes, secretary) -> None:
    version = do_save_minutes(secretary, minutes, BODY)
    assert version.number == 2 and version.author == secretary and not version.generated
    assert AuditEntry.objects.filter(action="minutes.edited").exists()


def test_the_organiser_edits_too(minutes, organiser) -> None:
    assert do_save_minutes(organiser, minutes, BODY).number == 2


def test_the_chair_does_not_edit(minutes, leader) -> None:
    with pytest.raises(PermissionDenied):
        do_save_minutes(leader, minutes, BODY)
    assert minutes.versions.count() == 1


def test_an_attendee_or_outsider_does_not_edit(minutes, substitute, outsider) -> None:
    for user in (substitute, outsider):
        with pytest.raises(PermissionDenied):
            do_save_minutes(user, minutes, BODY)
    assert minutes.versions.count() == 1


def test_unsafe_html_is_stripped_before_it_is_stored(minutes, secretary) -> None:
    version = do_save_minutes(
        secretary,
        minutes,
        '<h2 onclick="steal()">Tiêu đề</h2><script>alert(1)</script><p style="color:red">Văn bản '
        '<a href="javascript:x()">liên kết</a><img src=x onerror=y></p><iframe src="//evil"></iframe>'
        "<table><tr><td colspan=2 class=x>ô</td></tr></table>",
    )
    body = version.body
    for bad in ("script", "alert", "onclick", "style", "javascript", "<a", "<img", "onerror", "iframe", "class="):
        assert bad not in body
    assert "<h2>Tiêu đề</h2>" in body and "liên kết" in body and 'colspan="2"' in body


def test_divs_of_the_browser_editor_become_paragraphs() -> None:
    assert sanitize_html("<div>một</div><div>hai</div>") == "<p>một</p><p>hai</p>"


@pytest.mark.parametrize("body", ["", "   ", "<p> </p><script>x</script>", "<p>&nbsp;</p><br>"])
def test_an_empty_body_is_refused_and_nothing_changes(minutes, secretary, body) -> None:
    with pytest.raises(ValidationError) as excinfo:
        do_save_minutes(secretary, minutes, body)
    assert "trống" in str(excinfo.value) or "empty" in str(excinfo.value)
    assert minutes.versions.count() == 1


def test_a_save_from_an_older_version_is_refused(minutes, secretary, organiser) -> None:
    do_save_minutes(organiser, minutes, BODY, base_version=1)
    with pytest.raises(ValidationError):
        do_save_minutes(secretary, minutes, BODY + "<p>khác</p>", base_version=1)
    assert minutes.versions.count() == 2


# --- approval and correction -----------------------------------------------------------------------


def test_only_the_chair_approves(minutes, secretary, organiser, substitute) -> None:
    for user in (secretary, organiser, substitute):
        with pytest.raises(PermissionDenied):
            do_approve_minutes(user, minutes)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT


def test_approval_numbers_the_minutes_and_a_second_approval_is_refused(minutes, secretary, leader) -> None:
    approved = _approved(minutes, secretary, leader)
    assert approved.status == MinutesStatus.APPROVED and approved.number == 1
    assert approved.number_and_symbol == "1/BB-SNV"
    assert approved.approved_by == leader
    with pytest.raises(ValidationError):
        do_approve_minutes(leader, minutes)
    assert AuditEntry.objects.filter(action="minutes.approved").count() == 1


def test_approving_a_stale_version_is_refused(minutes, secretary, leader) -> None:
    do_save_minutes(secretary, minutes, BODY)
    with pytest.raises(ValidationError):
        do_approve_minutes(leader, minutes, version_number=1)


def test_approved_minutes_are_corrected_only_with_a_reason(minutes, secretary, leader) -> None:
    _approved(minutes, secretary, leader)
    with pytest.raises(ValidationError) as excinfo:
        do_save_minutes(secretary, minutes, BODY + "<p>Sửa</p>")
    assert excinfo.value.code == "reason_required"
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.APPROVED and minutes.versions.count() == 2


def test_a_correction_with_a_reason_is_audited_and_goes_back_to_the_chair(minutes, secretary, leader) -> None:
    _approved(minutes, secretary, leader)
    version = do_save_minutes(secretary, minutes, BODY + "<p>Sửa</p>", reason="Ghi sai tên đại biểu")
    assert version.reason == "Ghi sai tên đại biểu"
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and minutes.number == 1  # keeps its number
    entry = AuditEntry.objects.get(action="minutes.corrected")
    assert entry.data["reason"] == "Ghi sai tên đại biểu"
    assert Notification.objects.filter(recipient=leader, event="minutes.corrected").exists()
    assert do_approve_minutes(leader, minutes).number == 1


def test_approved_minutes_are_not_regenerated(minutes, secretary, leader) -> None:
    _approved(minutes, secretary, leader)
    with pytest.raises(ValidationError):
        do_generate_minutes(secretary, minutes.meeting)


def test_a_draft_is_written_again_from_the_data(minutes, secretary) -> None:
    do_generate_minutes(secretary, minutes.meeting)
    assert minutes.versions.count() == 2 and minutes.current_version.generated


def test_minutes_are_not_written_before_the_meeting_ends(planned, organiser) -> None:
    with pytest.raises(PermissionDenied):
        do_generate_minutes(organiser, planned)


# --- the conclusion notice -------------------------------------------------------------------------


def test_the_notice_waits_for_approved_minutes(minutes, secretary) -> None:
    with pytest.raises(ValidationError) as excinfo:
        do_draft_notice(secretary, minutes.meeting)
    assert excinfo.value.code == "minutes_not_approved"


def test_the_notice_is_drafted_from_the_conclusions_by_the_chairs_unit(minutes, secretary, leader, province) -> None:
    _approved(minutes, secretary, leader)
    notice = do_draft_notice(secretary, minutes.meeting)
    assert notice.issuing_unit == province["snv"] and notice.symbol == "TB-SNV"
    body = _body(notice)
    assert "Giao Văn phòng Sở hoàn thiện báo cáo" in body and "Sở Tài chính bố trí kinh phí" in body
    assert province["snv"] in notice.concerned_units.all()


def test_a_ppc_meeting_notice_is_issued_by_the_ppc_office(minutes, province) -> None:
    meeting = minutes.meeting
    meeting.is_ppc_meeting = True
    assert notice_issuing_unit(meeting) == province["office"]
    meeting.is_ppc_meeting = False
    assert notice_issuing_unit(meeting) == province["snv"]


def test_the_notice_is_approved_by_the_chair_and_issued_to_attendees_and_units(
    minutes, secretary, leader, substitute, latecomer, stc_receiver, province, outsider
) -> None:
    _approved(minutes, secretary, leader)
    notice = do_draft_notice(secretary, minutes.meeting)
    do_save_notice(secretary, notice, _body(notice), concerned_units=[province["snv"], province["stc"]])
    with pytest.raises(ValidationError):
        do_issue_notice(secretary, notice)  # not approved yet
    with pytest.raises(PermissionDenied):
        do_approve_notice(secretary, notice)
    do_approve_notice(leader, notice)
    issued = do_issue_notice(secretary, notice)
    assert issued.status == NoticeStatus.ISSUED and issued.number == 1 and issued.issued_at is not None
    recipients = set(Notification.objects.filter(event="notice.issued").values_list("recipient__username", flat=True))
    assert {substitute.username, latecomer.username, stc_receiver.username, leader.username} <= recipients
    assert outsider.username not in recipients
    with pytest.raises(ValidationError):
        do_issue_notice(secretary, notice)
    with pytest.raises(ValidationError):
        do_save_notice(secretary, notice, "<p>khác</p>")


def test_an_approved_notice_is_corrected_only_with_a_reason(minutes, secretary, leader) -> None:
    _approved(minutes, secretary, leader)
    notice = do_draft_notice(secretary, minutes.meeting)
    do_approve_notice(leader, notice)
    with pytest.raises(ValidationError):
        do_save_notice(secretary, notice, "<p>Sửa thông báo</p>")
    do_save_notice(secretary, notice, "<p>Sửa thông báo</p>", reason="Bổ sung đơn vị")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT
    with pytest.raises(ValidationError):
        do_approve_notice(leader, notice, version_number=1)
