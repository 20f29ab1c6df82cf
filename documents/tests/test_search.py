"""Search: accent- and case-insensitive for Vietnamese, all words must match, and never a
document the user may not open."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from accounts.models import Right
from conftest import login, make_user
from documents import viewer
from documents.models import ApprovalStatus
from documents.tests.test_viewer import add_document
from meetings.tests.conftest import approved

SEARCH = "/documents/search/"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def hits(client, query: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("query", ["ke hoach", "KE HOACH", "kế hoạch", "Kế Hoạch", "KẾ HOẠCH", "  kE   HOạch "])
def test_search_ignores_accents_and_capitals(client, meeting, organiser, attendee, query) -> None:
    lower = add_document(meeting, organiser, title="Tờ trình", text="Dự thảo kế hoạch phát triển")
    upper = add_document(meeting, organiser, title="KẾ HOẠCH NĂM 2026", text="Nội dung")
    other = add_document(meeting, organiser, title="Báo cáo", text="Tình hình thực hiện")
    login(client, attendee)
    html = hits(client, query)
    assert f'data-testid="hit-{lower.pk}"' in html and f'data-testid="hit-{upper.pk}"' in html
    assert f'data-testid="hit-{other.pk}"' not in html


def test_query_without_accents_finds_d_with_stroke(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, title="Đề án đào tạo", text="")
    login(client, attendee)
    assert f'data-testid="hit-{document.pk}"' in hits(client, "de an dao tao")


def test_every_word_must_match_in_any_order(client, meeting, organiser, attendee) -> None:
    both = add_document(meeting, organiser, title="Kế hoạch", text="Phân bổ ngân sách tỉnh")
    one = add_document(meeting, organiser, title="Kế hoạch", text="Tuyển dụng công chức")
    login(client, attendee)
    html = hits(client, "ngan sach ke hoach")
    assert f'data-testid="hit-{both.pk}"' in html and f'data-testid="hit-{one.pk}"' not in html


def test_search_never_shows_what_the_user_may_not_open(
    client, organiser, leader, attendee, colleague, province
) -> None:
    meeting = approved(organiser, leader, [attendee])
    published = add_document(meeting, organiser, title="Kế hoạch công khai")
    pending = add_document(meeting, organiser, title="Kế hoạch chờ duyệt", status=ApprovalStatus.PENDING)
    restricted = add_document(meeting, organiser, title="Kế hoạch mật", readers=(leader,))
    stc_organiser = make_user("stc.daumoi", province["stc"], Right.ORGANISER, full_name="Mai Văn Nam")
    stc_chair = make_user("stc.lanhdao", province["stc"], Right.LEADER, full_name="Đinh Thị Lan")
    elsewhere = add_document(
        approved(stc_organiser, stc_chair, [colleague]), stc_organiser, title="Kế hoạch Sở Tài chính"
    )

    def found(user) -> set[int]:  # type: ignore[no-untyped-def]
        login(client, user)
        html = hits(client, "ke hoach")
        ids = (published.pk, pending.pk, restricted.pk, elsewhere.pk)
        return {pk for pk in ids if f'data-testid="hit-{pk}"' in html}

    assert found(attendee) == {published.pk}
    assert found(leader) == {published.pk, pending.pk, restricted.pk}  # chair: approves, chosen reader
    assert found(organiser) == {published.pk, pending.pk, restricted.pk}  # manages the documents
    assert found(colleague) == {elsewhere.pk}  # invited to the other meeting only


def test_snippet_shows_the_match_in_the_original_text_highlighted(client, meeting, organiser, attendee) -> None:
    text = "Phần mở đầu. " * 20 + "Ủy ban giao Sở Tài chính xây dựng Kế Hoạch <thu chi> năm 2026. " + "Phần kết. " * 30
    document = add_document(meeting, organiser, title="Tờ trình", text=text)
    login(client, attendee)
    html = hits(client, "ke hoach")
    assert f'data-testid="hit-{document.pk}"' in html
    assert "<mark>Kế Hoạch</mark> &lt;thu chi&gt; năm 2026" in html
    assert "Phần kết. " * 30 not in html  # a snippet, not the whole text


def test_snippet_and_highlight_escape_and_mark_every_word() -> None:
    words = viewer.query_words("ngân sách <b>")
    assert words == ["ngan", "sach", "<b>"]
    assert str(viewer.highlight("Ngân sách <b> tỉnh", words)) == "<mark>Ngân sách &lt;b&gt;</mark> tỉnh"
    assert str(viewer.highlight("Sách <b> về ngân hàng", words)) == (
        "<mark>Sách</mark> <mark>&lt;b&gt;</mark> về <mark>ngân</mark> hàng"
    )
    assert str(viewer.snippet("", words)) == ""
    long_text = "x " * 200 + "Ngân\nsách"
    snippet = str(viewer.snippet(long_text, words[:2]))
    assert snippet.startswith("…") and snippet.endswith("<mark>Ngân sách</mark>")


def test_empty_query_shows_only_the_search_box(client, meeting, organiser, attendee) -> None:
    add_document(meeting, organiser)
    login(client, attendee)
    html = hits(client, "   ")
    assert 'name="q"' in html and 'data-testid="search-results"' not in html


def test_results_are_paginated_with_bounded_queries(
    client, meeting, organiser, attendee, django_assert_max_num_queries
) -> None:
    for number in range(25):
        add_document(meeting, organiser, title=f"Kế hoạch số {number}", pages=1)
    login(client, attendee)
    # A fixed part plus one permission query per shown result (20 a page), whatever the total.
    with django_assert_max_num_queries(35):
        html = hits(client, "ke hoach")
    assert html.count('data-testid="hit-') == 20 and "1 / 2" in html
    response = client.get(SEARCH, {"q": "ke hoach", "page": 2})
    assert response.content.decode().count('data-testid="hit-') == 5
