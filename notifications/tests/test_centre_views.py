"""The notification centre: list, unread badge, mark read; a notification is its recipient's only."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from conftest import login
from notifications.actions import do_notify
from notifications.models import Notification


def notify(user, title: str = "Giấy mời họp", url: str = "/meetings/17/") -> Notification:  # type: ignore[no-untyped-def]
    [notification] = do_notify([user], event="meeting.invited", title=title, body="Nội dung", url=url)
    return notification


def test_unread_badge_counts_unread_notifications(client, snv_member) -> None:
    first = notify(snv_member)
    notify(snv_member)
    login(client, snv_member)
    response = client.get("/account/")
    assert response.context["unread_notifications"] == 2
    assert '<span class="badge rounded-pill text-bg-warning" data-testid="unread-badge">2' in response.content.decode()

    client.post(f"/notifications/{first.pk}/read/")
    assert 'data-testid="unread-badge">1' in client.get("/account/").content.decode()


def test_no_badge_without_unread_notifications(client, snv_member, stc_member) -> None:
    notify(stc_member)  # someone else's
    login(client, snv_member)
    page = client.get("/account/").content.decode()
    assert 'data-testid="notifications-link"' in page
    assert 'data-testid="unread-badge"' not in page


def test_list_shows_own_notifications_newest_first_unread_highlighted(client, snv_member, stc_member) -> None:
    old = notify(snv_member, title="Thông báo cũ")
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2), read_at=timezone.now() - timedelta(days=1)
    )
    notify(snv_member, title="Thông báo mới")
    notify(stc_member, title="Của người khác")
    login(client, snv_member)
    response = client.get("/notifications/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Thông báo mới") < page.index("Thông báo cũ")
    assert "Của người khác" not in page
    assert page.count('data-unread="1"') == 1
    assert 'data-testid="mark-all-read"' in page


def test_list_is_paginated(client, snv_member) -> None:
    for n in range(25):
        notify(snv_member, title=f"Thông báo số {n}")
    login(client, snv_member)
    assert len(client.get("/notifications/").context["page"].object_list) == 20
    second = client.get("/notifications/?page=2")
    assert len(second.context["page"].object_list) == 5
    assert "Thông báo số 0<" in second.content.decode()


def test_list_query_count_does_not_grow(client, snv_member, django_assert_max_num_queries) -> None:
    for n in range(30):
        notify(snv_member, title=f"Thông báo số {n}")
    login(client, snv_member)
    with django_assert_max_num_queries(12):
        assert client.get("/notifications/").status_code == 200


def test_mark_read_redirects_to_the_link(client, snv_member) -> None:
    notification = notify(snv_member)
    login(client, snv_member)
    response = client.post(f"/notifications/{notification.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/meetings/17/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_twice_keeps_the_first_time(client, snv_member) -> None:
    notification = notify(snv_member)
    login(client, snv_member)
    client.post(f"/notifications/{notification.pk}/read/")
    notification.refresh_from_db()
    first = notification.read_at
    client.post(f"/notifications/{notification.pk}/read/")
    notification.refresh_from_db()
    assert notification.read_at == first


def test_outsider_gets_404_on_another_users_notification(client, snv_member, stc_member) -> None:
    notification = notify(snv_member)
    login(client, stc_member)
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_missing_notification_is_404(client, snv_member) -> None:
    login(client, snv_member)
    assert client.post("/notifications/999999/read/").status_code == 404


def test_mark_read_needs_post(client, snv_member) -> None:
    notification = notify(snv_member)
    login(client, snv_member)
    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_stored_foreign_link_is_never_followed(client, snv_member) -> None:
    # Actions refuse such links; this guards rows written some other way.
    notification = Notification.objects.create(recipient=snv_member, event="x", title="x", url="//evil.example/")
    login(client, snv_member)
    response = client.post(f"/notifications/{notification.pk}/read/")
    assert response["Location"] == "/notifications/"


def test_mark_all_read_marks_only_mine(client, snv_member, stc_member) -> None:
    notify(snv_member)
    notify(snv_member)
    theirs = notify(stc_member)
    login(client, snv_member)
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=snv_member, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_is_sent_to_sign_in(client, db) -> None:
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/auth/login/" in response["Location"]
