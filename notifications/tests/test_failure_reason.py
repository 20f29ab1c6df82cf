"""The organiser reads why a message failed in words (meetings' dashboard), not the server's
exception text, which stays in `last_error` for the administrator."""

from __future__ import annotations

import pytest
from django.utils import translation

from notifications.models import Channel, Delivery


@pytest.mark.parametrize(
    ("channel", "error", "reason"),
    [
        (Channel.EMAIL, "ConnectionRefusedError: [Errno 111] Connection refused", "Không kết nối được máy chủ thư."),
        (Channel.EMAIL, "TimeoutError: timed out", "Không kết nối được máy chủ thư."),
        (
            Channel.EMAIL,
            "SMTPRecipientsRefused: {'a@b.vn': (550, b'No such user')}",
            "Máy chủ thư từ chối địa chỉ người nhận.",
        ),
        (
            Channel.SMS,
            "SmsError: SMS gateway https://sms.example could not be reached: refused",
            "Không kết nối được cổng tin nhắn SMS.",
        ),
        (Channel.SMS, "SmsError: SMS gateway answered HTTP 500: quota exceeded", "Cổng tin nhắn SMS từ chối tin nhắn."),
        (Channel.EMAIL, "SMTP 451", "Không gửi được tin nhắn."),
        (Channel.EMAIL, "", ""),
    ],
)
def test_a_failure_is_explained_in_vietnamese(channel: str, error: str, reason: str) -> None:
    with translation.override("vi"):
        assert Delivery(channel=channel, last_error=error).failure_reason == reason
