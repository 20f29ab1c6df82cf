"""Every URL answers every role as accounts/access_matrix.py says (issue 11: the RBAC matrix).

The test walks every URL pattern (the resolver), fills its path parameters with the demo data of
`make run` (the objects of Sở Nội vụ's meetings, documents and room; the walker and the demo of
shell/tests/test_vietnamese_pages.py), and GETs the page as each role of `access_matrix.ROLES`: the
people of Sở Nội vụ, an external guest, anonymous, and an official and a unit administrator of Sở Y
tế, a unit with no part in any demo meeting. Every answer is compared with the table; all mismatches
are reported together. A URL pattern without an entry in the table fails the test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.access_matrix import EXPECTED, ROLES, expected_status
from accounts.actions.rights import do_grant_right
from accounts.actions.users import do_create_user
from accounts.models import OrgUnit, Right, User
from shell.tests.test_vietnamese_pages import SKIPPED_URL_NAMES, UNFILLABLE, demo, parameter_sets, url_patterns

__all__ = ["demo"]

# Who plays each role of the table.
USERNAMES = {
    "anonymous": "",
    "official": "snv.chuyenvien",
    "organiser": "snv.daumoi",
    "leader": "snv.giamdoc",
    "unit_admin": "snv.quantri",
    "system_admin": "admin",
    "guest": "khach.minhphat",
    "other_official": "syt.chuyenvien",
    "other_admin": "syt.quantri",
}
# The own-unit object a parameter names when the walker's first choice is someone else's.
OWN_OBJECTS = {
    "user_id": lambda: User.objects.get(username="snv.chuyenvien").pk,
    "unit_id": lambda: OrgUnit.objects.get(code="SNV").pk,
}
# Pages whose first filled parameters are another unit's: an SNV object instead.
OWN_PAGE_KWARGS = {
    "meetings:room_edit": lambda: {
        "room_id": apps.get_model("meetings", "Room").objects.filter(unit__code="SNV").order_by("pk")[0].pk
    },
    "opinions:ballot": lambda: next(
        {"collection_id": r.collection_id, "revision_id": r.pk}
        for r in apps.get_model("opinions", "AnswerRevision")
        .objects.exclude(ballot="")
        .filter(voter__username="snv.chuyenvien")
        .order_by("pk")
    ),
}
# The patterns the demo cannot fill (UNFILLABLE of the walker), opened with made-up parameters.
MADE_UP = {"key": "khong-co-1a2b", "provider_id": "ninhbinh", "upload_id": "khong-co"}
# A pattern that cannot be reversed (allauth's catch-all for the pages it does not offer).
FIXED_PATHS = {"allauth_not_offered": "/auth/email/"}


@pytest.fixture(scope="module")
def outsiders(demo: None, django_db_blocker: Any) -> Iterator[None]:
    """An official and a unit administrator of Sở Y tế: in no demo meeting, collection or document."""
    with django_db_blocker.unblock():
        admin = User.objects.get(username="admin")
        unit = OrgUnit.objects.get(code="SYT")
        for username, full_name in (("syt.chuyenvien", "Hoàng Văn An"), ("syt.quantri", "Lê Thị Bích")):
            do_create_user(admin, username=username, unit=unit, password="Ninh-Binh-2026!x", full_name=full_name)
        User.objects.filter(username__startswith="syt.").update(must_change_password=False)
        do_grant_right(admin, User.objects.get(username="syt.quantri"), Right.UNIT_ADMIN)
    yield


def path_for(url_name: str, pattern: Any) -> str | None:
    """The page with own-unit objects: the walker's first filled parameters, own user and unit."""
    if url_name in OWN_PAGE_KWARGS:
        return reverse(url_name, kwargs=OWN_PAGE_KWARGS[url_name]())
    if url_name in FIXED_PATHS:
        return FIXED_PATHS[url_name]
    if url_name in UNFILLABLE:
        try:
            return reverse(url_name, kwargs={name: MADE_UP[name] for name in pattern.pattern.regex.groupindex})
        except NoReverseMatch:  # a second pattern of the name (allauth's OIDC): the first is walked
            return None
    for kwargs in parameter_sets(url_name, pattern) or []:
        kwargs = {k: OWN_OBJECTS[k]() if k in OWN_OBJECTS else v for k, v in kwargs.items()}
        try:
            return reverse(url_name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def answers() -> tuple[dict[str, dict[str, int]], dict[str, str]]:
    clients: dict[str, Client] = {}
    for role in ROLES:
        client = Client()
        if USERNAMES[role]:
            client.force_login(User.objects.get(username=USERNAMES[role]))
        clients[role] = client
    statuses: dict[str, dict[str, int]] = {}
    paths: dict[str, str] = {}
    for url_name, pattern in url_patterns():
        if url_name in SKIPPED_URL_NAMES:
            continue
        path = path_for(url_name, pattern)
        if path is None or url_name in paths:  # not fillable (the walker's test names it), or seen
            continue
        paths[url_name] = path
        statuses[url_name] = {}
        for role, client in clients.items():
            response = client.get(path)
            if getattr(response, "streaming", False):
                response.getvalue()  # read to the end: the test client then closes the file
            statuses[url_name][role] = response.status_code
    return statuses, paths


def test_every_url_answers_every_role_as_the_access_matrix_says(outsiders: None, db: None) -> None:
    statuses, paths = answers()
    if os.environ.get("ACCESS_MATRIX_DUMP"):
        with open(os.environ["ACCESS_MATRIX_DUMP"], "w") as f:
            json.dump({"statuses": statuses, "paths": paths}, f, indent=1)
    walked = {name for name, _ in url_patterns()}
    missing = sorted(walked - set(EXPECTED) - SKIPPED_URL_NAMES)
    stale = sorted(set(EXPECTED) - walked)
    mismatches = [
        f"{name} {paths[name]} as {role}: expected {expected_status(name, role)}, got {status}"
        for name, by_role in sorted(statuses.items())
        if name in EXPECTED
        for role, status in by_role.items()
        if status != expected_status(name, role)
    ]
    problems = (
        [f"{name}: no entry, add it to accounts/access_matrix.py" for name in missing]
        + [f"{name}: no such URL any more, remove it from accounts/access_matrix.py" for name in stale]
        + mismatches
    )
    if problems:
        pytest.fail(f"{len(problems)} access-matrix problems:\n" + "\n".join(problems), pytrace=False)


# The lists an outsider may open (200 in the table) must hold nothing of Sở Nội vụ.
OUTSIDER_LISTS = {
    "other_admin": [
        "unitadmin:user_list",
        "unitadmin:transfer_list",
        "unitadmin:unit_list",
        "audit:list",
        "meetings:rooms",
        "signing:pending",
        "feedback:inbox",
    ],
    "other_official": [
        "home",
        "meetings:list",
        "meetings:calendar",
        "meetings:approvals",
        "documents:search",
        "documents:approvals",
        "opinions:list",
        "notifications:list",
        "minutes:unit_notices",
        "feedback:mine",
    ],
}


def test_the_lists_an_outsider_opens_hold_nothing_of_another_unit(outsiders: None, db: None) -> None:
    # Every demo meeting, document and collection is Sở Nội vụ's or VP UBND's: none is Sở Y tế's.
    titles = [
        title
        for label, model in (("meetings", "Meeting"), ("documents", "Document"), ("polls", "Poll"))
        for title in apps.get_model(label, model).objects.values_list("title", flat=True)
    ]
    secrets = ["snv.chuyenvien", "snv.daumoi", "Bùi Thị Mai", *titles]
    leaks = []
    for role, url_names in OUTSIDER_LISTS.items():
        client = Client()
        client.force_login(User.objects.get(username=USERNAMES[role]))
        for url_name in url_names:
            assert expected_status(url_name, role) == 200, url_name
            response = client.get(reverse(url_name), {"q": "họp"} if url_name == "documents:search" else {})
            page = response.content.decode()
            leaks += [f"{url_name} as {role}: {secret!r}" for secret in secrets if secret in page]
    # The same lists show those names to the people of Sở Nội vụ: the check can see a leak.
    for username, url_name, shown in (
        ("snv.quantri", "unitadmin:user_list", "snv.chuyenvien"),
        ("snv.chuyenvien", "meetings:list", "Họp giao ban công tác tháng"),
        ("snv.chuyenvien", "opinions:list", "Lấy ý kiến dự thảo Quy chế làm việc của Sở Nội vụ"),
    ):
        client = Client()
        client.force_login(User.objects.get(username=username))
        assert shown in client.get(reverse(url_name)).content.decode(), (username, url_name, shown)
    assert not leaks, "Another unit's data on an outsider's list:\n" + "\n".join(leaks)
