"""The privacy notice (Luật 91/2025): public, linked from the sign-in page and every page,
and readable by a user who must still change a temporary password."""

from __future__ import annotations

from conftest import login


def test_the_privacy_notice_is_public_and_states_the_retention_periods(client, settings, province) -> None:
    settings.AUDIT_PERSONAL_DATA_DAYS = 400
    settings.SIGN_IN_RECORDS_DAYS = 60
    settings.PRIVACY_CONTACT = "Văn phòng UBND tỉnh, 0229 3871 234"
    response = client.get("/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thông báo xử lý dữ liệu cá nhân" in html
    assert "400 ngày" in html and "60 ngày" in html
    assert "Luật Bảo vệ dữ liệu cá nhân" in html and "0229 3871 234" in html
    assert "không ai có thể liên kết với bạn" in html  # secret ballots


def test_the_sign_in_page_and_every_page_link_to_the_notice(client, snv_member) -> None:
    assert 'href="/privacy/"' in client.get("/auth/login/").content.decode()
    login(client, snv_member)
    assert 'href="/privacy/" data-testid="privacy-link"' in client.get("/").content.decode()


def test_a_user_with_a_temporary_password_may_still_read_the_notice(client, snv_member) -> None:
    login(client, snv_member)
    snv_member.must_change_password = True
    snv_member.save(update_fields=["must_change_password"])
    assert client.get("/privacy/").status_code == 200
    assert client.get("/").status_code == 302
