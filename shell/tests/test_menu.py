"""The menu (shell.context_processors.navigation) shows only what the user's rights allow: the
approval pages share one dropdown, filled from core.menu by the apps above; the administration
screens another; an anonymous visitor gets no menu."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Right
from conftest import make_user
from shell.context_processors import navigation

EVERYONE = ["home", "meetings", "calendar", "documents", "work_menu"]


def menu_of(user: Any) -> list[dict[str, Any]]:
    request = RequestFactory().get("/")
    request.user = user
    return navigation(request)["nav_items"]


def test_an_official_without_rights_sees_only_the_pages_everyone_uses(snv_member) -> None:
    assert [item["key"] for item in menu_of(snv_member)] == EVERYONE


def test_a_leader_finds_meetings_and_documents_to_approve_in_one_dropdown(province) -> None:
    leader = make_user("snv.giamdoc", province["snv"], Right.LEADER)
    items = menu_of(leader)
    assert [item["key"] for item in items] == [*EVERYONE, "approvals_menu"]
    children = items[-1]["children"]
    assert [child["key"] for child in children] == ["approvals", "document_approvals"]
    assert [child["url"] for child in children] == [reverse("meetings:approvals"), reverse("documents:approvals")]


def test_the_system_administrator_finds_the_administration_screens_in_one_dropdown(sysadmin) -> None:
    items = menu_of(sysadmin)
    admin = next(item for item in items if item["key"] == "admin")
    assert [child["key"] for child in admin["children"]] == [
        "users",
        "transfers",
        "units",
        "rooms",
        "certificates",
        "audit",
        "feedback_inbox",
        "reports_forms",
    ]


def test_opinions_and_assigned_work_share_one_dropdown(snv_member) -> None:
    work = next(item for item in menu_of(snv_member) if item["key"] == "work_menu")
    assert [child["key"] for child in work["children"]] == ["opinions", "conclusion_notices", "followups"]
    assert [child["url"] for child in work["children"]] == [
        reverse("opinions:list"),
        reverse("minutes:unit_notices"),
        reverse("followups:mine"),
    ]


def test_an_anonymous_visitor_gets_no_menu() -> None:
    assert menu_of(AnonymousUser()) == []
