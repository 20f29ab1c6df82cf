"""Feedback fixtures: the province of the root conftest with its system administrator, Sở Nội vụ's
and Sở Tài chính's unit administrators and officials; files go to a temporary MEDIA_ROOT."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import User
from feedback.actions import FeedbackInput, do_send_feedback
from feedback.models import Category, Feedback


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CLAMAV_SOCKET = ""


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png(name: str = "loi.png", size: int = 40) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def send(
    user: User, category: str = Category.SUGGESTION, text: str = "Đề nghị thêm lịch tuần", **extra: Any
) -> Feedback:
    return do_send_feedback(user, FeedbackInput(category=category, text=text, **extra))


@pytest.fixture
def incident(snv_member: User) -> Feedback:
    """An incident outside a meeting sent by an official of Sở Nội vụ, with a file."""
    return send(snv_member, Category.INCIDENT, "Máy tính bảng không đăng nhập được", files=[png()])


@pytest.fixture
def suggestion(snv_member: User) -> Feedback:
    return send(snv_member, Category.SUGGESTION, "Đề nghị in lịch họp tuần", page_address="/calendar/")
