"""Search: whole words, accent- and case-insensitive for Vietnamese, phrases first, every word must
match, a snippet that says where and why, and never a document the user may not open."""

from __future__ import annotations

# ruff: noqa: S608 - the SQL is built from constants and Django's compiled SQL; input goes in params
import pytest
from django.core.cache import cache
from django.db import connection

from accounts.models import Right
from conftest import login, make_user
from documents import search, viewer
from documents.models import ApprovalStatus, Document, DocumentVersion
from documents.search import fold, parse_query
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


def found(html: str, *documents: Document) -> set[int]:
    return {d.pk for d in documents if f'data-testid="hit-{d.pk}"' in html}


def order(html: str, *documents: Document) -> list[int]:
    """The given documents in the order the page shows them."""
    at = {d.pk: html.find(f'data-testid="hit-{d.pk}"') for d in documents}
    return [pk for pk, position in sorted(at.items(), key=lambda item: item[1]) if position >= 0]


def set_pages(document: Document, pages: list[str], ocr_pages: list[int] | None = None) -> None:
    """What conversion leaves: text per page, the whole text, and the document's search text (the
    document has one version)."""
    text = "\n".join(pages)
    DocumentVersion.objects.filter(document=document).update(text=text, page_texts=pages, ocr_pages=ocr_pages or [])
    Document.objects.filter(pk=document.pk).update(search_text=fold(f"{document.title} {text}"))


# --- matching -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["ke hoach", "KE HOACH", "kế hoạch", "Kế Hoạch", "KẾ HOẠCH", "  kE   HOạch "])
def test_search_ignores_accents_and_capitals(client, meeting, organiser, attendee, query) -> None:
    lower = add_document(meeting, organiser, title="Tờ trình", text="Dự thảo kế hoạch phát triển")
    upper = add_document(meeting, organiser, title="KẾ HOẠCH NĂM 2026", text="Nội dung")
    other = add_document(meeting, organiser, title="Báo cáo", text="Tình hình thực hiện")
    login(client, attendee)
    assert found(hits(client, query), lower, upper, other) == {lower.pk, upper.pk}


def test_query_without_accents_finds_d_with_stroke(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, title="Đề án đào tạo", text="")
    login(client, attendee)
    assert found(hits(client, "de an dao tao"), document) == {document.pk}


def test_every_word_must_match_in_any_order(client, meeting, organiser, attendee) -> None:
    both = add_document(meeting, organiser, title="Kế hoạch", text="Phân bổ ngân sách tỉnh")
    one = add_document(meeting, organiser, title="Kế hoạch", text="Tuyển dụng công chức")
    login(client, attendee)
    assert found(hits(client, "ngan sach ke hoach"), both, one) == {both.pk}


def test_words_match_whole_words_not_parts_of_words(client, meeting, organiser, attendee) -> None:
    whole = add_document(meeting, organiser, title="Bảo đảm an ninh", text="An ninh trật tự")
    inside = add_document(meeting, organiser, title="Báo cáo toàn diện", text="Kế hoạch hoàn thành, bàn giao")
    login(client, attendee)
    assert found(hits(client, "an"), whole, inside) == {whole.pk}  # not "toàn", "hoàn", "bàn"
    assert found(hits(client, "hoa"), whole, inside) == set()  # not "hoạch", "hoàn"


def test_quoted_phrase_must_appear_as_written(client, meeting, organiser, attendee) -> None:
    phrase = add_document(meeting, organiser, title="Kế hoạch", text="Kế hoạch đầu tư công trung hạn")
    scattered = add_document(meeting, organiser, title="Báo cáo", text="Đầu tư theo kế hoạch; công trình")
    login(client, attendee)
    assert found(hits(client, '"kế hoạch đầu tư công"'), phrase, scattered) == {phrase.pk}
    assert found(hits(client, "“ke hoach dau tu cong”"), phrase, scattered) == {phrase.pk}  # curly quotes
    assert found(hits(client, "kế hoạch đầu tư công"), phrase, scattered) == {phrase.pk, scattered.pk}


def test_whole_phrase_ranks_first_without_quotes(client, meeting, organiser, attendee) -> None:
    # The scattered one names the words more often and is made later: it would win on counts or dates.
    phrase = add_document(meeting, organiser, title="Tờ trình", text="Về giải phóng mặt bằng dự án.")
    scattered = add_document(
        meeting, organiser, title="Báo cáo", text="Mặt đường, bằng phẳng; giải pháp phóng; mặt bằng giải " * 5
    )
    login(client, attendee)
    assert order(hits(client, "giai phong mat bang"), phrase, scattered) == [phrase.pk, scattered.pk]


def test_phrase_in_the_title_ranks_before_phrase_in_the_text(client, meeting, organiser, attendee) -> None:
    in_text = add_document(meeting, organiser, title="Báo cáo tháng", text="Thực hiện chuyển đổi số. " * 3)
    in_title = add_document(meeting, organiser, title="Kế hoạch chuyển đổi số", text="Mục tiêu năm 2026")
    login(client, attendee)
    assert order(hits(client, "chuyen doi so"), in_text, in_title) == [in_title.pk, in_text.pk]


def test_document_number_is_found_as_a_phrase(client, meeting, organiser, attendee) -> None:
    numbered = add_document(meeting, organiser, title="Quyết định", text="Căn cứ Quyết định số 15/2025/QĐ-UBND")
    other = add_document(meeting, organiser, title="Báo cáo", text="Ngày 15 tháng 3 năm 2025, UBND tỉnh; QĐ khác")
    login(client, attendee)
    html = hits(client, "15/2025/QĐ-UBND")
    assert order(html, numbered, other) == [numbered.pk, other.pk]
    assert found(hits(client, '"15/2025/qd-ubnd"'), numbered, other) == {numbered.pk}


# --- keeping the index in step -----------------------------------------------------------------


def test_new_text_is_found_and_old_text_is_not(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, title="Tờ trình", text="Dự án cầu Non Nước")
    login(client, attendee)
    assert found(hits(client, "cau non nuoc"), document) == {document.pk}
    set_pages(document, ["Dự án đường ven biển"])  # a new version, processed
    assert found(hits(client, "cau non nuoc"), document) == set()
    assert found(hits(client, "duong ven bien"), document) == {document.pk}


def test_deleted_and_unpublished_documents_leave_the_results(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, title="Kế hoạch tuyển dụng")
    login(client, attendee)
    assert found(hits(client, "tuyen dung"), document) == {document.pk}
    Document.objects.filter(pk=document.pk).update(status=ApprovalStatus.PENDING)
    assert found(hits(client, "tuyen dung"), document) == set()
    Document.objects.filter(pk=document.pk).update(status=ApprovalStatus.APPROVED, is_deleted=True)
    assert found(hits(client, "tuyen dung"), document) == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 triggers")
def test_migrate_puts_back_search_triggers_a_table_rebuild_dropped(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, title="Kế hoạch tuyển dụng")
    with connection.cursor() as cursor:
        for name in search.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute(f"DELETE FROM {search.FTS_TABLE}")
    Document.objects.filter(pk=document.pk).update(search_text=fold("Kế hoạch tuyển dụng công chức"))
    search.install_index(connection)
    login(client, attendee)
    assert found(hits(client, "tuyen dung cong chuc"), document) == {document.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL GIN index")
def test_postgresql_search_uses_the_gin_index(meeting, organiser, attendee) -> None:
    add_document(meeting, organiser, title="Kế hoạch tuyển dụng")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT document_id FROM {search.PG_TABLE} WHERE vector @@ plainto_tsquery('ecabinet_vi', %s)",
            ["tuyen dung"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"{search.PG_TABLE}_vector" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
def test_postgresql_vectors_follow_inserts_updates_and_deletes(meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, title="Kế hoạch tuyển dụng", text="công chức")

    def matches(words: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {search.PG_TABLE} WHERE document_id = %s "
                "AND vector @@ plainto_tsquery('ecabinet_vi', %s)",
                [document.pk, words],
            )
            return bool(cursor.fetchone()[0])

    assert matches("tuyen dung cong chuc")
    Document.objects.filter(pk=document.pk).update(search_text=fold("Kế hoạch tuyển dụng viên chức"))
    assert matches("vien chuc") and not matches("cong chuc")
    Document.objects.filter(pk=document.pk).update(title="Đề án đào tạo")
    assert matches("de an dao tao")
    Document.objects.filter(pk=document.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {search.PG_TABLE}")
        assert cursor.fetchone()[0] == 0


# --- who sees what -----------------------------------------------------------------------------


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

    def seen(user) -> set[int]:  # type: ignore[no-untyped-def]
        login(client, user)
        return found(hits(client, "ke hoach"), published, pending, restricted, elsewhere)

    assert seen(attendee) == {published.pk}
    assert seen(leader) == {published.pk, pending.pk, restricted.pk}  # chair: approves, chosen reader
    assert seen(organiser) == {published.pk, pending.pk, restricted.pk}  # manages the documents
    assert seen(colleague) == {elsewhere.pk}  # invited to the other meeting only
    assert seen(stc_chair) == {elsewhere.pk}  # another unit's leader


def test_restricted_text_is_never_quoted_to_outsiders(client, meeting, organiser, leader, attendee) -> None:
    add_document(
        meeting, organiser, title="Phương án nhân sự", text="Đề xuất bổ nhiệm ông Trần Văn Khải", readers=(leader,)
    )
    login(client, attendee)
    html = hits(client, "bo nhiem tran van khai")
    assert "Khải" not in html and 'data-testid="hit-' not in html


# --- why it matched ----------------------------------------------------------------------------


def test_snippet_shows_the_match_in_the_original_text_highlighted(client, meeting, organiser, attendee) -> None:
    text = "Phần mở đầu. " * 20 + "Ủy ban giao Sở Tài chính xây dựng Kế Hoạch <thu chi> năm 2026. " + "Phần kết. " * 30
    document = add_document(meeting, organiser, title="Tờ trình", text=text)
    login(client, attendee)
    html = hits(client, "ke hoach")
    assert found(html, document) == {document.pk}
    assert "<mark>Kế Hoạch</mark> &lt;thu chi&gt; năm 2026" in html
    assert "Phần kết. " * 30 not in html  # a snippet, not the whole text


def test_result_names_the_page_of_the_phrase_and_an_ocr_page(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, title="Công văn", text="")
    set_pages(document, ["Trang đầu về lễ hội.", "Tăng cường quản lý an toàn thực phẩm dịp Tết."], ocr_pages=[2])
    login(client, attendee)
    html = hits(client, "an toan thuc pham")
    assert "Cụm từ ở trang 2" in html  # Phrase on page 2
    assert "Trang 2 (văn bản nhận dạng OCR):" in html
    assert "quản lý <mark>an toàn thực phẩm</mark> dịp Tết" in html
    assert f"/documents/{document.pk}/#page-2" in html


def test_result_says_the_phrase_is_in_the_title_or_lists_words_found(client, meeting, organiser, attendee) -> None:
    titled = add_document(meeting, organiser, title="Kế hoạch chuyển đổi số", text="Nội dung")
    words = add_document(meeting, organiser, title="Báo cáo", text="")
    set_pages(words, ["Chuyển giao công nghệ.", "Đổi mới.", "Số liệu thống kê."])
    login(client, attendee)
    html = hits(client, "chuyển đổi số")
    assert order(html, titled, words) == [titled.pk, words.pk]
    assert "Cụm từ trong tên tài liệu" in html  # Phrase in the title
    assert "<mark>chuyển đổi số</mark>" in html
    assert "Các từ tìm thấy: chuyển, đổi, số (trang 1, 2, 3)" in html  # Words found (pages 1, 2, 3)


def test_snippet_and_highlight_escape_and_mark_every_word() -> None:
    assert parse_query("ngân sách <b>").terms == ["ngan", "sach", "b"]
    query = parse_query("ngân sách")
    assert str(search.highlight("Ngân sách <b> tỉnh", query)) == "<mark>Ngân sách</mark> &lt;b&gt; tỉnh"
    assert str(search.highlight("Sách <b> về ngân hàng", query)) == (
        "<mark>Sách</mark> &lt;b&gt; về <mark>ngân</mark> hàng"
    )
    assert str(search.snippet("", query)) == ""
    snippet = str(search.snippet("x " * 200 + "Ngân\nsách", query))
    assert snippet.startswith("…") and snippet.endswith("<mark>Ngân sách</mark>")
    assert str(search.highlight("Thanh toán; an ninh", parse_query("an"))) == "Thanh toán; <mark>an</mark> ninh"


# --- reading the query --------------------------------------------------------------------------


def test_query_is_read_into_words_and_phrases() -> None:
    query = parse_query('Kế hoạch "đầu tư  công" 2026 “Ninh Bình”')
    assert query.words == ("ke", "hoach", "2026")
    assert query.phrases == (("dau", "tu", "cong"), ("ninh", "binh"))
    assert query.sequence == ("ke", "hoach", "dau", "tu", "cong", "2026", "ninh", "binh")
    assert query.typed["dau"] == "đầu" and not query.notices


@pytest.mark.parametrize(
    "raw",
    ['"', '""', '" "', "***", "-", ":", "()", "(", ")", "NEAR", "'", "\\", "%", "_", "^", "{}", "[]", "@#$"],
)
def test_input_without_words_asks_for_a_word_and_never_fails(client, meeting, organiser, attendee, raw) -> None:
    add_document(meeting, organiser, title="Kế hoạch")
    login(client, attendee)
    html = hits(client, raw)
    if raw == "NEAR":  # a word like any other
        assert 'data-testid="search-results"' in html
    else:
        assert "Hãy gõ ít nhất một từ hoặc một số để tìm." in html  # Type at least one word or number ...
        assert 'data-testid="search-results"' not in html


@pytest.mark.parametrize(
    "raw",
    [
        "ke hoach*",
        '"ke hoach',
        "ke AND hoach",
        "ke OR hoach NOT x",
        "NEAR(ke hoach, 2)",
        "-ke hoach",
        "title: ke hoach",
        "{title body}: ke hoach",
        "(ke) (hoach)",
        'ke + hoach ^ "',
        "ke'; DROP TABLE documents_document; -- hoach",
        "ke hoach' OR '1'='1",
        "ke:* & hoach | !x <-> y",
    ],
)
def test_search_syntax_in_the_query_is_only_text(client, meeting, organiser, attendee, raw) -> None:
    document = add_document(
        meeting,
        organiser,
        title="Kế hoạch năm",
        text="ke hoach and or not near title body x y drop table documents document 1 2",
    )
    login(client, attendee)
    html = hits(client, raw)
    assert found(html, document) == {document.pk}
    assert 'data-testid="search-notices"' in html
    assert Document.objects.filter(pk=document.pk).exists()


def test_long_query_is_cut_with_a_message(client, meeting, organiser, attendee) -> None:
    document = add_document(meeting, organiser, title="Kế hoạch năm", text="")
    login(client, attendee)
    html = hits(client, "kế hoạch " + "x" * 10_000)
    assert "chỉ phần đầu được dùng" in html  # ... only the beginning was used
    html = hits(client, "kế hoạch " + "năm " * 50)
    assert "Chỉ 12 từ đầu tiên được tìm." in html and found(html, document) == {document.pk}


def test_empty_query_shows_only_the_search_box(client, meeting, organiser, attendee) -> None:
    add_document(meeting, organiser)
    login(client, attendee)
    html = hits(client, "   ")
    assert 'name="q"' in html and 'data-testid="search-results"' not in html
    assert 'data-testid="search-notices"' not in html


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


def test_search_documents_returns_ids_in_rank_order(meeting, organiser, attendee) -> None:
    later = add_document(meeting, organiser, title="Báo cáo", text="ngân sách tỉnh và kế hoạch")
    first = add_document(meeting, organiser, title="Kế hoạch ngân sách", text="")
    ranked = viewer.search_documents(attendee, parse_query("kế hoạch ngân sách"))
    assert ranked.ids == [first.pk, later.pk]
    assert [d.pk for d in ranked[0:2]] == [first.pk, later.pk]
