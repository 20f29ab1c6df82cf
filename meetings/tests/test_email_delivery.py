"""The invitation email reaches a real SMTP server with the giấy mời PDF and the .ics."""

from __future__ import annotations

import email
import socket
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from meetings.tests.conftest import approved
from notifications.models import Channel, Delivery, DeliveryStatus


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(settings):  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    yield inbox
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_invitation_email_carries_the_pdf_and_the_calendar_event(smtp, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    delivery = Delivery.objects.get(channel=Channel.EMAIL, address=attendee.email)
    assert delivery.status == DeliveryStatus.SENT, delivery.last_error
    message = next(m for m in smtp.messages if attendee.email in m["To"])
    parts = {part.get_filename(): part for part in message.walk() if part.get_filename()}
    assert set(parts) == {f"giay-moi-{meeting.pk}.pdf", f"cuoc-hop-{meeting.pk}.ics"}
    assert parts[f"giay-moi-{meeting.pk}.pdf"].get_payload(decode=True).startswith(b"%PDF")
    from icalendar import Calendar

    calendar = Calendar.from_ical(parts[f"cuoc-hop-{meeting.pk}.ics"].get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{meeting.uid}@ecabinet"
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert meeting.title in subject
