"""A person's data export (Luật 91/2025): every app's part, secret ballots never revealed, the
system administrator only, always audited. (The privacy notice: shell/tests/test_privacy_notice.py.)"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Right
from audit.models import AuditEntry
from audit.personal import pseudonymise_audit_entries
from conftest import login, make_user
from core.actions import do_export_personal_data
from core.personal_data import collect_personal_data, exporter_names, register_exporter
from documents.models import Document, DocumentVersion, PrivateNote, ReadReceipt
from live.actions import checkin, speaking
from live.actions import contributions as contribution_actions
from live.actions import room as room_actions
from live.actions import voting as vote_actions
from meetings.tests.conftest import approved
from notifications.models import Channel, Delivery, Notification
from opinions.models import AnswerRevision, Collection, ConsultedPerson, RevisionState
from polls.models import Choice, PollKind
from signing.actions import do_set_remote_account
from signing.models import CertificateBinding

pytestmark = pytest.mark.django_db

APPS = [
    "accounts",
    "audit",
    "documents",
    "feedback",
    "followups",
    "live",
    "meetings",
    "minutes",
    "notifications",
    "opinions",
    "polls",
    "recordings",
    "reports",
    "signing",
    "transcripts",
]


@pytest.fixture
def people(province):  # type: ignore[no-untyped-def]
    return {
        "organiser": make_user("snv.daumoi", province["snv"], Right.ORGANISER, full_name="Hoàng Anh Dũng"),
        "leader": make_user("snv.giamdoc", province["snv"], Right.LEADER, full_name="Vũ Thị Hồng"),
        "person": make_user(
            "snv.thanhvien", province["snv"], full_name="Bùi Thị Mai", email="mai@snv.example", phone="0912345678"
        ),
        "colleague": make_user("snv.dongnghiep", province["snv"], full_name="Lê Văn Hải"),
    }


@pytest.fixture
def active_person(people, client):  # type: ignore[no-untyped-def]
    """`person` with something in every app: signed in, invited and checked in, spoke, commented,
    voted in a named and a secret vote, answered an opinion collection, read and annotated a
    document, received a notification, set a certificate and a remote-signing service."""
    person, leader, organiser = people["person"], people["leader"], people["organiser"]
    login(client, person)
    meeting = approved(organiser, leader, [person, people["colleague"]], start_in=timedelta(minutes=59))
    room_actions.do_start_meeting(leader, meeting)
    checkin.do_check_in(person, meeting)
    speaking.do_request_floor(person, meeting, topic="Về kinh phí")
    contribution_actions.do_add_comment(person, meeting, text="Đề nghị bổ sung số liệu quý IV")
    named = vote_actions.do_create_vote(leader, meeting, question="Thông qua kế hoạch?", open_now=True)
    question = named.questions.get()
    vote_actions.do_vote(person, named, {question.pk: question.options.get(code="agree").pk})
    secret = vote_actions.do_create_vote(
        leader, meeting, question="Bầu tổ trưởng", options=["Ứng viên Xuân", "Ứng viên Thu"], secret=True, open_now=True
    )
    secret_question = secret.questions.get()
    vote_actions.do_vote(person, secret, {secret_question.pk: secret_question.options.get(label="Ứng viên Thu").pk})

    document = Document.objects.create(meeting=meeting, title="Báo cáo quý IV", created_by=person)
    DocumentVersion.objects.create(
        document=document,
        number=1,
        file="documents/x.pdf",
        original_name="bao-cao-quy-4.pdf",
        file_type="pdf",
        extension=".pdf",
        size=1234,
        sha256="a" * 64,
        uploaded_by=person,
    )
    ReadReceipt.objects.create(document=document, user=person, open_count=3, pages_viewed=[1, 2])
    PrivateNote.objects.create(document=document, user=person, page=2, text="Hỏi lại số liệu trang 2")
    PrivateNote.objects.create(document=document, user=people["colleague"], page=1, text="Ghi chú của người khác")

    notification = Notification.objects.create(recipient=person, event="meeting.invited", title="Giấy mời họp")
    Delivery.objects.create(
        notification=notification, channel=Channel.EMAIL, address="mai@snv.example", text="Kính mời"
    )

    opinion_poll = secret.__class__.objects.create(
        kind=PollKind.OPINION, unit=person.unit, title="Lấy ý kiến dự thảo quy chế", created_by=organiser
    )
    opinion_question = opinion_poll.questions.create(order=1, text="Đồng ý với dự thảo?")
    agree = opinion_question.options.create(order=1, label="Đồng ý", code="agree")
    collection = Collection.objects.create(poll=opinion_poll, release_at=timezone.now())
    ConsultedPerson.objects.create(collection=collection, user=person)
    AnswerRevision.objects.create(
        collection=collection,
        voter=person,
        number=1,
        answers=[{"question": opinion_question.pk, "option": agree.pk, "other_text": "Cần rõ thời hạn"}],
        state=RevisionState.COUNTED,
    )

    now = timezone.now()
    CertificateBinding.objects.create(
        user=person,
        der=b"\x30\x03\x02\x01\x01",
        sha256="b" * 64,
        subject="CN=Bùi Thị Mai",
        issuer="CN=Test CA",
        serial="1f",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=365),
    )
    do_set_remote_account(
        person, service_url="https://mysign.example.vn", credential_id="cred-1", access_token="bi-mat-khong-lo"
    )
    return {"person": person, "meeting": meeting, "named": named, "secret": secret}


def export_of(actor: Any, user: Any) -> tuple[dict[str, Any], zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(do_export_personal_data(actor, user)))
    return json.loads(archive.read("personal-data.json")), archive


def test_every_app_registers_its_exporter() -> None:
    assert exporter_names() == APPS


def test_a_second_exporter_under_a_taken_name_is_refused() -> None:
    with pytest.raises(RuntimeError):
        register_exporter("meetings", lambda user: {})


def test_the_export_holds_the_person_s_data_from_every_app(active_person, sysadmin) -> None:
    person = active_person["person"]
    data, archive = export_of(sysadmin, person)
    sections = data["sections"]
    assert sorted(sections) == APPS
    assert sorted(archive.namelist()) == sorted(
        ["README.txt", "personal-data.json"] + [f"sections/{name}.json" for name in APPS]
    )
    assert json.loads(archive.read("sections/documents.json")) == sections["documents"]
    assert data["person"]["username"] == "snv.thanhvien"

    accounts = sections["accounts"]
    assert accounts["account"]["email"] == "mai@snv.example" and accounts["account"]["phone"] == "0912345678"
    assert accounts["account"]["unit"]["code"] == "SNV"
    assert [s["ip"] for s in accounts["signed_in_sessions"]] == ["127.0.0.1"]

    actions = [e["action"] for e in sections["audit"]["entries_as_actor"]]
    assert actions == [
        "auth.login",
        "meeting.checked_in",
        "meeting.floor_requested",
        "meeting.comment_added",
        "poll.ballot.cast",
        "poll.ballot.cast",
        "signing.remote_account.saved",
    ]
    assert sections["audit"]["entries_as_actor"][0]["ip"] == "127.0.0.1"

    invitation = sections["meetings"]["invitations"][0]
    assert invitation["meeting"]["title"] == active_person["meeting"].title and invitation["answer"] == "pending"

    live = sections["live"]
    assert live["attendance"][0]["status"] == "present" and live["attendance"][0]["method"] == "self"
    assert live["requests_to_speak"][0]["topic"] == "Về kinh phí"
    assert live["comments"][0]["text"] == "Đề nghị bổ sung số liệu quý IV"

    documents = sections["documents"]
    assert documents["documents_created"][0]["title"] == "Báo cáo quý IV"
    assert documents["versions_uploaded"][0]["original_name"] == "bao-cao-quy-4.pdf"
    assert documents["read_receipts"][0]["open_count"] == 3 and documents["read_receipts"][0]["pages_viewed"] == [1, 2]
    assert [n["text"] for n in documents["private_notes"]] == ["Hỏi lại số liệu trang 2"]

    notifications = sections["notifications"]
    assert "Giấy mời họp" in [n["title"] for n in notifications["notifications"]]
    assert "mai@snv.example" in [d["address"] for d in notifications["email_and_sms"]]
    assert all(
        n["id"] in set(Notification.objects.filter(recipient=person).values_list("id", flat=True))
        for n in notifications["notifications"]
    )

    opinions = sections["opinions"]
    assert opinions["consulted_on"][0]["title"] == "Lấy ý kiến dự thảo quy chế"
    assert opinions["named_answers"][0]["answers"] == [
        {"question": "Đồng ý với dự thảo?", "option": "Đồng ý", "other_text": "Cần rõ thời hạn"}
    ]

    signing = sections["signing"]
    assert signing["certificates"][0]["subject"] == "CN=Bùi Thị Mai"
    assert signing["remote_signing"]["service_url"] == "https://mysign.example.vn"
    assert signing["remote_signing"]["access_token_stored"] is True


def test_named_votes_show_the_choice(active_person, sysadmin) -> None:
    data, _archive = export_of(sysadmin, active_person["person"])
    named = next(b for b in data["sections"]["polls"]["ballots"] if b["poll"]["id"] == active_person["named"].pk)
    assert named["poll"]["secret"] is False
    assert named["choices"] == [{"question": "Thông qua kế hoạch?", "option": "Agree", "other_text": ""}] or (
        len(named["choices"]) == 1 and named["choices"][0]["question"] == "Thông qua kế hoạch?"
    )


def test_a_secret_ballot_is_never_revealed_only_the_fact_of_voting(active_person, sysadmin) -> None:
    secret = active_person["secret"]
    # The choice exists in the database, unlinked.
    assert Choice.objects.filter(poll=secret, option__label="Ứng viên Thu", participation__isnull=True).count() == 1
    data, archive = export_of(sysadmin, active_person["person"])
    ballot = next(b for b in data["sections"]["polls"]["ballots"] if b["poll"]["id"] == secret.pk)
    assert ballot["poll"]["secret"] is True and ballot["cast_at"]
    assert "choices" not in ballot
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Ứng viên Thu" not in everything and "Ứng viên Xuân" not in everything


def test_the_access_token_and_password_hash_are_never_exported(active_person, sysadmin) -> None:
    person = active_person["person"]
    _data, archive = export_of(sysadmin, person)
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "bi-mat-khong-lo" not in everything
    assert person.password not in everything


def test_an_erased_address_stays_erased_in_the_export(active_person, sysadmin) -> None:
    person = active_person["person"]
    pseudonymise_audit_entries(timezone.now() + timedelta(seconds=1))
    data, _archive = export_of(sysadmin, person)
    entries = data["sections"]["audit"]["entries_as_actor"]
    assert entries and all(e["ip"] is None and e["user_agent"] == "" and e["address_erased"] for e in entries)


def test_the_export_contains_nothing_of_other_people(active_person, sysadmin, people) -> None:
    data = collect_personal_data(people["colleague"])
    assert data["sections"]["documents"]["private_notes"][0]["text"] == "Ghi chú của người khác"
    assert "Hỏi lại" not in json.dumps(data, ensure_ascii=False)
    assert data["sections"]["live"]["comments"] == [] and data["sections"]["signing"]["remote_signing"] is None


def test_every_export_is_audited(active_person, sysadmin) -> None:
    person = active_person["person"]
    archive = do_export_personal_data(sysadmin, person)
    entry = AuditEntry.objects.get(action="privacy.data_exported")
    assert entry.actor == sysadmin and entry.target_id == str(person.pk) and entry.unit == person.unit
    assert entry.data["bytes"] == len(archive) and entry.data["sections"] == APPS


def test_the_system_administrator_downloads_the_zip_from_the_user_page(active_person, sysadmin, client) -> None:
    person = active_person["person"]
    login(client, sysadmin)
    page = client.get(f"/admin-units/users/{person.pk}/")
    assert b'data-testid="export-personal-data"' in page.content
    response = client.post(f"/personal-data/{person.pk}/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "personal-data-snv.thanhvien-" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert json.loads(archive.read("personal-data.json"))["person"]["id"] == person.pk
    assert AuditEntry.objects.filter(action="privacy.data_exported", actor=sysadmin).count() == 1


def test_a_get_does_not_export(active_person, sysadmin, client) -> None:
    login(client, sysadmin)
    assert client.get(f"/personal-data/{active_person['person'].pk}/export/").status_code == 405
    assert not AuditEntry.objects.filter(action="privacy.data_exported").exists()


def test_the_person_s_own_unit_administrator_gets_403_and_no_button(active_person, snv_admin, client) -> None:
    person = active_person["person"]
    login(client, snv_admin)
    assert b"export-personal-data" not in client.get(f"/admin-units/users/{person.pk}/").content
    assert client.post(f"/personal-data/{person.pk}/export/").status_code == 403
    with pytest.raises(PermissionDenied):
        do_export_personal_data(snv_admin, person)
    assert not AuditEntry.objects.filter(action="privacy.data_exported").exists()


def test_another_unit_s_administrator_and_other_users_get_404(active_person, stc_admin, people, client) -> None:
    person = active_person["person"]
    for outsider in (stc_admin, people["colleague"], person):
        login(client, outsider)
        assert client.post(f"/personal-data/{person.pk}/export/").status_code == 404
    client.logout()
    assert client.post(f"/personal-data/{person.pk}/export/").status_code == 302  # to the sign-in page
    assert not AuditEntry.objects.filter(action="privacy.data_exported").exists()


def test_the_command_writes_the_zip_and_is_audited(active_person, tmp_path: Path) -> None:
    out = tmp_path / "mai.zip"
    call_command("export_personal_data", "snv.thanhvien", str(out))
    assert json.loads(zipfile.ZipFile(out).read("personal-data.json"))["person"]["username"] == "snv.thanhvien"
    assert AuditEntry.objects.get(action="privacy.data_exported").actor_name == "manage.py"


def test_the_command_refuses_an_unknown_user_and_an_existing_file(active_person, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("export_personal_data", "khong.ton.tai", str(tmp_path / "a.zip"))
    existing = tmp_path / "b.zip"
    existing.write_bytes(b"keep")
    with pytest.raises(CommandError):
        call_command("export_personal_data", "snv.thanhvien", str(existing))
    assert existing.read_bytes() == b"keep"
    assert not AuditEntry.objects.filter(action="privacy.data_exported").exists()


def test_the_export_is_json_not_a_spreadsheet(active_person, sysadmin) -> None:
    _data, archive = export_of(sysadmin, active_person["person"])
    assert all(name.endswith((".json", ".txt")) for name in archive.namelist())
