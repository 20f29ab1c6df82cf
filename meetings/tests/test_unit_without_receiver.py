"""Inviting a unit that has no document receiver (issue 10): the organiser is warned at
registration and the approver at approval, naming the units; the invitation then goes to that
unit's administrators and leaders, who may open the meeting and name who attends; the
organiser's dashboard shows who was told instead."""

from __future__ import annotations

from django.utils import translation

from accounts.models import Right
from audit.models import AuditEntry
from conftest import login, make_user
from meetings.actions.registration import do_submit_meeting
from meetings.models import Invitation
from meetings.tests.conftest import approved, create
from notifications.models import Notification


def vi_warning_start() -> str:
    with translation.override("vi"):
        return translation.gettext(
            "These invited units have no document receiver: %(units)s. Their invitation goes to the unit's "
            "administrators and leaders instead; ask the unit administrator to set a document receiver."
        ).split("%(units)s")[0]


def page(client, meeting, suffix: str = "") -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/meetings/{meeting.pk}/{suffix}")
    assert response.status_code == 200
    return response.content.decode()


def warning_of(html: str) -> str:
    marker = 'data-testid="receiver-warning">'
    assert marker in html, "no receiver warning"
    start = html.index(marker) + len(marker)
    return html[start : html.index("<", start)]


def stc_people(province):  # type: ignore[no-untyped-def]
    return {
        "admin": make_user("stc.qt", province["stc"], Right.UNIT_ADMIN, full_name="Ngô Đức Long"),
        "leader": make_user("stc.gd", province["stc"], Right.LEADER, full_name="Tạ Văn Cường"),
        "official": make_user("stc.cv", province["stc"], full_name="Trịnh Thị Thu"),
    }


def test_organiser_is_warned_at_registration_naming_the_units(client, organiser, leader, attendee, province) -> None:
    meeting = create(organiser, leader, [attendee], attendee_units=[province["stc"], province["office"]])
    login(client, organiser)
    text = warning_of(page(client, meeting))
    assert text.startswith(vi_warning_start())
    assert province["stc"].name in text and province["office"].name in text


def test_no_warning_when_every_unit_has_a_receiver(client, organiser, leader, attendee, province) -> None:
    receiver = make_user("stc.vt", province["stc"])
    province["stc"].document_receiver = receiver
    province["stc"].save(update_fields=["document_receiver"])
    meeting = create(organiser, leader, [attendee], attendee_units=[province["stc"]])
    login(client, organiser)
    assert 'data-testid="receiver-warning"' not in page(client, meeting)


def test_approver_is_warned_before_approving_and_submission_returns_the_warning(
    client, organiser, leader, attendee, province
) -> None:
    meeting = create(organiser, leader, [attendee], attendee_units=[province["stc"]])
    with translation.override("vi"):
        warnings = do_submit_meeting(organiser, meeting)
    assert any(province["stc"].name in w and w.startswith(vi_warning_start()) for w in warnings)
    login(client, leader)
    html = page(client, meeting)
    assert 'data-testid="decision-panel"' in html
    assert province["stc"].name in warning_of(html)


def test_invitees_do_not_see_the_warning(client, organiser, leader, attendee, province) -> None:
    meeting = approved(organiser, leader, [attendee], attendee_units=[province["stc"]])
    login(client, attendee)
    assert 'data-testid="receiver-warning"' not in page(client, meeting)


def test_approval_notifies_the_unit_admins_and_leaders_instead(client, organiser, leader, attendee, province) -> None:
    people = stc_people(province)
    meeting = approved(organiser, leader, [attendee], attendee_units=[province["stc"]])
    told = set(
        Notification.objects.filter(event="meeting.unit_invited", target_id=str(meeting.pk)).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {people["admin"].username, people["leader"].username}
    entry = AuditEntry.objects.get(action="meeting.approved", target_id=str(meeting.pk))
    assert entry.data["units_without_receiver"] == [province["stc"].code]


def test_only_the_receiver_is_notified_when_there_is_one(organiser, leader, attendee, province) -> None:
    people = stc_people(province)
    province["stc"].document_receiver = people["official"]
    province["stc"].save(update_fields=["document_receiver"])
    meeting = approved(organiser, leader, [attendee], attendee_units=[province["stc"]])
    told = set(
        Notification.objects.filter(event="meeting.unit_invited", target_id=str(meeting.pk)).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {people["official"].username}


def test_the_fallback_leader_opens_the_meeting_and_names_who_attends(
    client, organiser, leader, attendee, province
) -> None:
    people = stc_people(province)
    meeting = approved(organiser, leader, [attendee], attendee_units=[province["stc"]])
    unit_invitation = Invitation.objects.get(meeting=meeting, unit=province["stc"])
    login(client, people["leader"])
    assert f'id="unit-{unit_invitation.pk}"' in page(client, meeting)
    response = client.post(f"/meetings/invitations/{unit_invitation.pk}/name/", {"users": [people["official"].pk]})
    assert response.status_code == 302
    assert Invitation.objects.filter(meeting=meeting, user=people["official"]).exists()


def test_an_ordinary_official_of_the_unit_and_an_outsider_cannot(
    client, organiser, leader, attendee, province, snv_member
) -> None:
    people = stc_people(province)
    meeting = approved(organiser, leader, [attendee], attendee_units=[province["stc"]])
    unit_invitation = Invitation.objects.get(meeting=meeting, unit=province["stc"])
    office_leader = make_user("vp.ld", province["office"], Right.LEADER)
    for user in (people["official"], office_leader):
        login(client, user)
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
        response = client.post(f"/meetings/invitations/{unit_invitation.pk}/name/", {"users": [user.pk]})
        assert response.status_code == 404
    assert not Invitation.objects.filter(meeting=meeting, user__in=[people["official"], office_leader]).exists()


def test_once_a_receiver_is_set_the_fallback_leader_loses_the_unit_invitation(
    client, organiser, leader, attendee, province
) -> None:
    people = stc_people(province)
    meeting = approved(organiser, leader, [attendee], attendee_units=[province["stc"]])
    province["stc"].document_receiver = people["official"]
    province["stc"].save(update_fields=["document_receiver"])
    login(client, people["leader"])
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404


def test_dashboard_shows_who_was_told_instead(client, organiser, leader, attendee, province) -> None:
    people = stc_people(province)
    meeting = create(organiser, leader, [attendee], attendee_units=[province["stc"], province["office"]])
    login(client, organiser)
    html = page(client, meeting, "dashboard/")
    text = warning_of(html)
    assert province["stc"].name in text and province["office"].name in text
    stc_row = html[html.index(f'data-unit-id="{province["stc"].pk}"') :].split("</li>")[0]
    assert people["admin"].display_name in stc_row and people["leader"].display_name in stc_row
    office_row = html[html.index(f'data-unit-id="{province["office"].pk}"') :].split("</li>")[0]
    with translation.override("vi"):
        assert translation.gettext("nobody can be notified") in office_row


def test_dashboard_is_404_for_an_outsider_and_403_for_an_invitee(
    client, organiser, leader, attendee, province, stc_member
) -> None:
    meeting = approved(organiser, leader, [attendee], attendee_units=[province["stc"]])
    login(client, stc_member)
    assert client.get(f"/meetings/{meeting.pk}/dashboard/").status_code == 404
    login(client, attendee)
    assert client.get(f"/meetings/{meeting.pk}/dashboard/").status_code == 403
