"""The rules: which page addresses are accepted, who handles an item, who sees it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Right
from accounts.permissions import Perm, can
from conftest import make_user
from feedback import rules
from feedback.models import Category
from feedback.tests.conftest import send

pytestmark = pytest.mark.django_db

HOSTS = {"ecabinet.ninhbinh.gov.vn"}


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("", ""),
        ("  /meetings/12/  ", "/meetings/12/"),
        ("/documents/search/?q=ngân+sách", "/documents/search/?q=ngân+sách"),
        ("https://ecabinet.ninhbinh.gov.vn/meetings/12/?tab=docs#agenda", "/meetings/12/?tab=docs#agenda"),
        ("http://ecabinet.ninhbinh.gov.vn", "/"),
    ],
)
def test_a_page_of_this_site_is_kept_as_its_path(given: str, kept: str) -> None:
    assert rules.clean_page_address(given, hosts=HOSTS) == kept


@pytest.mark.parametrize(
    "given",
    [
        "https://evil.example/meetings/",
        "//evil.example/meetings/",
        "/\\evil.example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://ecabinet.ninhbinh.gov.vn@evil.example/",
        "https://user:pw@ecabinet.ninhbinh.gov.vn/",
        "ftp://ecabinet.ninhbinh.gov.vn/",
        "meetings/12",
        "/meetings/\n12",
        "https://ecabinet.ninhbinh.gov.vn.evil.example/",
    ],
)
def test_an_address_of_another_site_or_a_malformed_one_is_refused(given: str) -> None:
    with pytest.raises(ValidationError) as caught:
        rules.clean_page_address(given, hosts=HOSTS)
    assert "page_address" in caught.value.error_dict


def test_a_page_address_too_long_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        rules.clean_page_address("/" + "a" * rules.PAGE_ADDRESS_MAX, hosts=HOSTS)
    assert caught.value.error_dict["page_address"][0].code == "too_long"


def test_the_referer_is_used_only_when_it_is_a_page_of_this_site() -> None:
    assert rules.referer_path("https://ecabinet.ninhbinh.gov.vn/meetings/3/", hosts=HOSTS) == "/meetings/3/"
    assert rules.referer_path("https://evil.example/meetings/3/", hosts=HOSTS) == ""
    assert rules.referer_path("https://ecabinet.ninhbinh.gov.vn/feedback/", hosts=HOSTS) == ""
    assert rules.referer_path("", hosts=HOSTS) == ""


def test_an_incident_goes_to_the_sender_unit_s_administrators(
    province, sysadmin, snv_admin, stc_admin, snv_member
) -> None:  # type: ignore[no-untyped-def]
    item = send(snv_member, Category.INCIDENT)
    assert rules.handlers(item) == [snv_admin]
    assert rules.handles(snv_admin, item) and rules.handles(sysadmin, item)
    assert not rules.handles(stc_admin, item)


def test_an_incident_of_a_sub_unit_is_handled_by_the_parent_unit_s_administrator(province, snv_admin) -> None:  # type: ignore[no-untyped-def]
    person = make_user("snvvp.chuyenvien", province["snv_sub"])
    item = send(person, Category.INCIDENT)
    assert rules.handles(snv_admin, item) and rules.handlers(item) == [snv_admin]


def test_an_incident_of_a_unit_without_administrator_goes_to_the_system_administrators(
    province, sysadmin, stc_member
) -> None:  # type: ignore[no-untyped-def]
    item = send(stc_member, Category.INCIDENT)
    assert rules.handlers(item) == [sysadmin]


@pytest.mark.parametrize("category", [Category.SUGGESTION, Category.BUG, Category.OTHER])
def test_other_categories_go_to_the_system_administrators_only(category, sysadmin, snv_admin, snv_member) -> None:  # type: ignore[no-untyped-def]
    item = send(snv_member, category)
    assert rules.handlers(item) == [sysadmin]
    assert not rules.handles(snv_admin, item)
    assert not can(snv_admin, Perm.VIEW_FEEDBACK, item)


def test_the_sender_sees_but_does_not_handle_their_item(snv_member, suggestion) -> None:  # type: ignore[no-untyped-def]
    assert can(snv_member, Perm.VIEW_FEEDBACK, suggestion)
    assert not can(snv_member, Perm.HANDLE_FEEDBACK, suggestion)


def test_a_colleague_of_the_sender_does_not_see_the_item(province, incident) -> None:  # type: ignore[no-untyped-def]
    colleague = make_user("snv.dongnghiep", province["snv"], Right.LEADER)
    assert not can(colleague, Perm.VIEW_FEEDBACK, incident)


def test_an_external_guest_may_send_but_has_no_inbox(province) -> None:  # type: ignore[no-untyped-def]
    guest = make_user("khach.dn", province["office"], is_external=True)
    assert can(guest, Perm.SEND_FEEDBACK) and not can(guest, Perm.VIEW_FEEDBACK_INBOX)
    guest_admin = make_user("khach.qt", province["office"], Right.UNIT_ADMIN, is_external=True)
    item = send(make_user("vp.cv", province["office"]), Category.INCIDENT)
    assert not can(guest_admin, Perm.HANDLE_FEEDBACK, item)
