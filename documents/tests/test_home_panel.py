"""The home page's "documents to approve" panel (issue 10, registered through core.home): the
approver sees the documents waiting for them; attendees and outsiders see no such panel."""

from __future__ import annotations

from conftest import login
from documents.tests.conftest import make_version, pdf_bytes


def home(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_approver_sees_the_documents_waiting_for_him(client, meeting, organiser, leader) -> None:
    document = make_version(meeting, organiser, pdf_bytes(1), "pdf", title="Dự thảo báo cáo").document
    login(client, leader)  # the meeting's chair: approves its documents (no other approver named)
    html = home(client)
    panel = html[html.index('data-testid="home-documents-panel"') :]
    assert f'data-document-id="{document.pk}"' in panel and "Dự thảo báo cáo" in panel
    assert "/documents/approvals/" in panel


def test_attendees_and_outsiders_get_no_documents_panel(client, meeting, organiser, attendee, stc_member) -> None:
    make_version(meeting, organiser, pdf_bytes(1), "pdf", title="Dự thảo báo cáo")
    for user in (attendee, stc_member):
        login(client, user)
        html = home(client)
        assert 'data-testid="home-documents-panel"' not in html and "Dự thảo báo cáo" not in html
