"""Document search for Vietnamese: whole words, phrases first, accents and capitals ignored.

Documents store `search_text` already folded (no diacritics, đ→d, lower case, single spaces:
`fold(title + " " + text)` of the current version, written by documents.actions and
documents.tasks). The database indexes it:

- SQLite: an FTS5 table `documents_document_fts(title, body)` kept in sync by triggers on
  `documents_document` (title and search_text), ranked with bm25 (title weighs 10, text 1);
- PostgreSQL: a table `documents_document_tsv` of stored tsvectors (title; title weight A + the
  first `PG_INDEXED_CHARS` characters of search_text weight D) with a GIN index, kept in sync by
  triggers, parsed with the text search configuration `ecabinet_vi` ('simple' + unaccent), ranked
  with ts_rank_cd.

Both sides split text into words the same way: runs of letters and digits (`tokens()`), so
"an" never matches "toàn", and "15/2025/QĐ-UBND" is the phrase "15 2025 qd ubnd". A query is
parsed here (`parse_query`) into plain words and quoted phrases, every one required; results come
in tiers — the whole query as a phrase in the title, as a phrase anywhere, all words in the title,
the rest — and by relevance inside a tier. `explain()` says why a shown document matched: a
snippet of the page with the match in <mark>, the page number, and whether that page was read by
OCR.
"""

from __future__ import annotations

# ruff: noqa: S608 - the SQL is built from constants and Django's compiled SQL; input goes in params
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


# --- words --------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")  # letters and digits: FTS5 unicode61 and the PostgreSQL regex agree


def tokens(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _TOKEN.findall(fold(text))


# --- queries ------------------------------------------------------------------------------------

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_SIGNS = re.compile(r"[^\w\s\",.;]|_")  # commas and full stops are too ordinary to mention


@dataclass(frozen=True)
class Query:
    """A parsed search: every word and every phrase must be found.

    `words` are folded words outside quotes, `phrases` folded word sequences inside quotes (two
    words or more; a single quoted word is a word). `typed` maps a folded word to the form the user
    typed, for the "words found" line. `notices` say what was changed or ignored in the input.
    """

    text: str
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    sequence: tuple[str, ...] = ()  # all words in the order typed: the phrase ranked first
    typed: dict[str, str] = field(default_factory=dict)
    notices: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.sequence)

    @property
    def terms(self) -> list[str]:
        """The distinct words to find, in order."""
        return list(dict.fromkeys(self.sequence))


def parse_query(raw: str) -> Query:
    """Turn what the user typed into words and phrases; never fails.

    Quotes (straight or curly) make a phrase; an unclosed quote is ignored. Everything that is not
    a letter or a digit separates words, so FTS and tsquery syntax (* : - ( ) NEAR AND) is only
    text here: signs are dropped, operator names are ordinary words.
    """
    notices: list[str] = []
    text = unicodedata.normalize("NFC", raw or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(
            _("The search was longer than %(limit)d characters; only the beginning was used.")
            % {"limit": MAX_QUERY_CHARS}
        )
    text = _SPACES.sub(" ", text.translate(_QUOTES))
    if not text:
        return Query(text="")
    parts = text.split('"')
    if len(parts) % 2 == 0:  # an odd number of quotes: the last one opens nothing
        parts[-2:] = [parts[-2] + " " + parts[-1]]
        notices.append(_("A quotation mark was not closed; the words after it were searched one by one."))
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    sequence: list[str] = []
    typed: dict[str, str] = {}
    for index, part in enumerate(parts):
        raw_words = _TOKEN.findall(part)
        folded = [fold(word) for word in raw_words]
        for word, original in zip(folded, raw_words, strict=True):
            typed.setdefault(word, original)
        room = MAX_QUERY_WORDS - len(sequence)
        if len(folded) > room:
            folded = folded[:room]
        sequence.extend(folded)
        if index % 2 == 1 and len(folded) > 1:
            phrases.append(tuple(folded))
        else:
            words.extend(folded)
    if len(_TOKEN.findall(text)) > MAX_QUERY_WORDS:
        notices.append(_("Only the first %(limit)d words were searched.") % {"limit": MAX_QUERY_WORDS})
    if _SIGNS.search(text):
        notices.append(_("Signs and punctuation (such as * - : ( ) /) are ignored: search looks for whole words."))
    if any(word in _OPERATORS for word in _TOKEN.findall(text)):
        notices.append(_("AND, OR, NOT and NEAR are searched as ordinary words: every word must be found anyway."))
    if not sequence:
        notices.append(_("Type at least one word or number to search for."))
    return Query(
        text=text,
        words=tuple(dict.fromkeys(words)),
        phrases=tuple(dict.fromkeys(phrases)),
        sequence=tuple(sequence),
        typed=typed,
        notices=tuple(notices),
    )


# --- the index ----------------------------------------------------------------------------------

FTS_TABLE = "documents_document_fts"
PG_CONFIG = "ecabinet_vi"
PG_TABLE = "documents_document_tsv"
# A tsvector holds at most 1 MB; 200,000 characters stay well below it whatever the text.
PG_INDEXED_CHARS = 200_000
MAX_RESULTS = 2000  # ranked matches kept; more means the query should be narrowed
# What PostgreSQL's parser must not see: ASCII signs (it would make "15/2025/qd" a file path and
# "kinh-te" a compound), Latin-1 signs, general punctuation. Letters and digits are left alone.
_PG_SEPARATORS = "[[:space:]!-/:-@[-`{-~\u00a0-\u00bf\u2000-\u206f]+"


def _pg_words(column: str) -> str:
    return f"to_tsvector('{PG_CONFIG}'::regconfig, regexp_replace({column}, '{_PG_SEPARATORS}', ' ', 'g'))"


# Vectors are stored, not computed in queries: ranking and the phrase tiers read them for every
# match, and parsing each text again made a query over 5,000 documents take seconds. Triggers keep
# the table in step (TRUNCATE, which Django's test flush uses, included); no foreign key, so a
# TRUNCATE of documents_document alone still works.
_PG_SQL = [
    f"""CREATE TABLE IF NOT EXISTS {PG_TABLE} (
        document_id integer PRIMARY KEY,
        title tsvector NOT NULL,
        vector tsvector NOT NULL
    )""",
    # The document's meeting and deletion, copied so that search filters on who may see what
    # without reading the (wide) documents table for every match.
    f"ALTER TABLE {PG_TABLE} ADD COLUMN IF NOT EXISTS meeting_id integer NOT NULL DEFAULT 0",
    f"ALTER TABLE {PG_TABLE} ADD COLUMN IF NOT EXISTS is_deleted boolean NOT NULL DEFAULT false",
    f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_vector ON {PG_TABLE} USING gin (vector)",
    f"""CREATE OR REPLACE FUNCTION {PG_TABLE}_write() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        title_words tsvector := {_pg_words("NEW.title")};
        text_words tsvector;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {PG_TABLE} WHERE document_id = OLD.id;
            RETURN OLD;
        END IF;
        BEGIN
            text_words := {_pg_words(f"left(NEW.search_text, {PG_INDEXED_CHARS})")};
        EXCEPTION WHEN program_limit_exceeded THEN  -- never refuse to save a document
            text_words := {_pg_words(f"left(NEW.search_text, {PG_INDEXED_CHARS // 10})")};
        END;
        INSERT INTO {PG_TABLE} (document_id, title, vector, meeting_id, is_deleted)
        VALUES (NEW.id, title_words, setweight(title_words, 'A') || setweight(text_words, 'D'), NEW.meeting_id,
                NEW.is_deleted)
        ON CONFLICT (document_id) DO UPDATE SET title = EXCLUDED.title, vector = EXCLUDED.vector,
            meeting_id = EXCLUDED.meeting_id, is_deleted = EXCLUDED.is_deleted;
        RETURN NEW;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {PG_TABLE}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {PG_TABLE};
        RETURN NULL;
    END $$""",
    f"DROP TRIGGER IF EXISTS {PG_TABLE}_write ON documents_document",
    f"""CREATE TRIGGER {PG_TABLE}_write AFTER INSERT OR DELETE OR UPDATE OF title, search_text, meeting_id,
        is_deleted ON documents_document FOR EACH ROW EXECUTE FUNCTION {PG_TABLE}_write()""",
    f"DROP TRIGGER IF EXISTS {PG_TABLE}_truncate ON documents_document",
    f"""CREATE TRIGGER {PG_TABLE}_truncate AFTER TRUNCATE ON documents_document
        FOR EACH STATEMENT EXECUTE FUNCTION {PG_TABLE}_truncate()""",
    # Fill it: an update of nothing fires the trigger for every row.
    "UPDATE documents_document SET title = title",
]


_SQLITE_TITLE = "replace(replace({row}.title, 'đ', 'd'), 'Đ', 'D')"  # the tokenizer folds the rest
_SQLITE_INSERT = (
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, {_SQLITE_TITLE.format(row='new')}, new.search_text);"
)
SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"AFTER INSERT ON documents_document BEGIN {_SQLITE_INSERT} END",
    f"{FTS_TABLE}_au": (
        "AFTER UPDATE OF title, search_text ON documents_document "
        "WHEN old.title IS NOT new.title OR old.search_text IS NOT new.search_text "
        f"BEGIN DELETE FROM {FTS_TABLE} WHERE rowid = old.id; {_SQLITE_INSERT} END"
    ),
    f"{FTS_TABLE}_ad": f"AFTER DELETE ON documents_document BEGIN DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END",
}


def install_index(db: Any) -> None:
    """Create the search index on `db` (a connection) and fill it; does nothing on other databases.

    Idempotent. On SQLite it also repairs: Django rebuilds a table to alter it, which drops its
    triggers, so this runs after every migrate (documents.apps) and refills the index when a
    trigger was missing.
    """
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, "
                "tokenize = 'unicode61 remove_diacritics 2')"
            )
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'documents_document'")
            present = {row[0] for row in cursor.fetchall()}
            if present >= set(SQLITE_TRIGGERS):
                return
            for name, body in SQLITE_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"CREATE TRIGGER {name} {body}")
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, title, body) "
                f"SELECT id, {_SQLITE_TITLE.format(row='d')}, search_text FROM documents_document AS d"
            )
        elif db.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [PG_CONFIG])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple)")
                cursor.execute(
                    f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} "
                    "ALTER MAPPING FOR word, hword, hword_part WITH unaccent, simple"
                )
            for statement in _PG_SQL:
                cursor.execute(statement)


def uninstall_index(db: Any) -> None:
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif db.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {PG_TABLE}_write ON documents_document")
            cursor.execute(f"DROP TRIGGER IF EXISTS {PG_TABLE}_truncate ON documents_document")
            cursor.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_TABLE}_write(), {PG_TABLE}_truncate()")
            cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}")


def _fts_phrase(words: Sequence[str]) -> str:
    return '"' + " ".join(words) + '"'  # words are letters and digits only: nothing to escape


def _fts_all(query: Query) -> str:
    return " AND ".join([_fts_phrase([w]) for w in query.words] + [_fts_phrase(p) for p in query.phrases])


# Ranking reads each match's stored vector (the phrase tier and ts_rank_cd). Over every match of a
# common word that took 0.3-0.5 s at province scale (bench/pages.py), so on PostgreSQL the matches
# are found and sorted without their vectors: the GIN index answers `@@` (for words, without
# reading the vector), the index table holds each document's meeting (who may see it) and small
# title vector, and the matches are put in order by title (whole query as a phrase, all words,
# the rest) and the meeting's date. The first PG_RANKED of that order are then read and ranked
# exactly like the SQLite side: when a search has at most PG_RANKED matches its order is the full
# ranking; beyond, the first PG_RANKED results are ranked and the rest follow by title and date.
PG_RANKED = 400


_ROW_COLUMNS = "documents_document.meeting_id, documents_document.status, documents_document.security"


def _pg_rank_sql(query: Query, meetings_sql: str, meetings_params: Sequence[Any]) -> tuple[str, list[Any]]:
    tsquery = " && ".join(
        [f"plainto_tsquery('{PG_CONFIG}', %s)"] * bool(query.words)
        + [f"phraseto_tsquery('{PG_CONFIG}', %s)"] * len(query.phrases)
    )
    tsquery_params = ([" ".join(query.words)] if query.words else []) + [" ".join(p) for p in query.phrases]
    phrase = " ".join(query.sequence)
    title_phrase = f"tsv.title @@ phraseto_tsquery('{PG_CONFIG}', %s)"
    title_words = f"tsv.title @@ plainto_tsquery('{PG_CONFIG}', %s)"
    sql = (
        f"WITH hits AS MATERIALIZED (SELECT tsv.document_id AS id, tsv.meeting_id, "
        f"CASE WHEN {title_phrase} THEN 0 WHEN {title_words} THEN 2 ELSE 3 END AS title_tier "
        f"FROM {PG_TABLE} AS tsv WHERE tsv.vector @@ ({tsquery}) AND NOT tsv.is_deleted "
        f"AND tsv.meeting_id IN ({meetings_sql})), "
        "kept AS MATERIALIZED (SELECT hits.id, hits.title_tier, meetings_meeting.start FROM hits "
        "JOIN meetings_meeting ON meetings_meeting.id = hits.meeting_id "
        f"ORDER BY hits.title_tier, meetings_meeting.start DESC, hits.id LIMIT {MAX_RESULTS}), "
        f"best AS MATERIALIZED (SELECT id FROM kept ORDER BY title_tier, start DESC, id LIMIT {PG_RANKED}), "
        f"ranked AS (SELECT best.id, CASE WHEN {title_phrase} THEN 0 "
        f"WHEN tsv.vector @@ phraseto_tsquery('{PG_CONFIG}', %s) THEN 1 WHEN {title_words} THEN 2 ELSE 3 END AS tier, "
        f"ts_rank_cd(tsv.vector, ({tsquery}), 1) AS score FROM best JOIN {PG_TABLE} AS tsv ON tsv.document_id = best.id) "
        f"SELECT kept.id, {_ROW_COLUMNS} FROM kept "
        "JOIN documents_document ON documents_document.id = kept.id LEFT JOIN ranked ON ranked.id = kept.id "
        "ORDER BY ranked.id IS NULL, ranked.tier, ranked.score DESC, kept.title_tier, kept.start DESC, kept.id"
    )
    params = [phrase, phrase, *tsquery_params, *meetings_params, phrase, phrase, phrase, *tsquery_params]
    return sql, params


def rank(query: Query, meetings: QuerySet[Any]) -> list[int]:
    """Ids of the documents (not deleted) of `meetings` (a Meeting queryset) that contain every
    word and phrase of `query`, best first: the whole query as a phrase in the title, as a phrase
    in the title or text, all words in the title, then the rest; by relevance inside a tier, newest
    meeting next (on PostgreSQL, past the first PG_RANKED: by title and date)."""
    return [row[0] for row in rank_rows(query, meetings)]


def rank_rows(query: Query, meetings: QuerySet[Any]) -> list[tuple[int, int, str, str]]:
    """rank(), each document as (id, meeting id, approval status, security): what the search page's
    access filter needs, read with the ranking instead of by a second query over all the ids."""
    if not query:
        return []
    meetings_sql, meetings_params = meetings.order_by().values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        sql, params = _pg_rank_sql(query, meetings_sql, meetings_params)
    else:
        # The matches are computed once (MATERIALIZED): joined first, SQLite would run the full-text
        # query again for each candidate row.
        title_words = " AND ".join(_fts_phrase([w]) for w in query.terms)
        sql = (
            f"WITH hits AS MATERIALIZED (SELECT rowid AS id, bm25({FTS_TABLE}, 10.0, 1.0) AS score "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s), "
            f"title_phrase AS MATERIALIZED (SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s), "
            f"phrase AS MATERIALIZED (SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s), "
            f"title_words AS MATERIALIZED (SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
            f"SELECT hits.id, {_ROW_COLUMNS} FROM hits "
            "JOIN documents_document ON documents_document.id = hits.id "
            "JOIN meetings_meeting ON meetings_meeting.id = documents_document.meeting_id "
            f"WHERE documents_document.meeting_id IN ({meetings_sql}) AND NOT documents_document.is_deleted "
            "ORDER BY CASE WHEN hits.id IN (SELECT id FROM title_phrase) THEN 0 "
            "WHEN hits.id IN (SELECT id FROM phrase) THEN 1 "
            "WHEN hits.id IN (SELECT id FROM title_words) THEN 2 ELSE 3 END, "
            f"hits.score, meetings_meeting.start DESC, hits.id LIMIT {MAX_RESULTS}"
        )
        params = [
            _fts_all(query),
            f"title : {_fts_phrase(query.sequence)}",
            _fts_phrase(query.sequence),
            f"title : ({title_words})",
            *meetings_params,
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]  # the four columns


# --- why a document matched ---------------------------------------------------------------------


def _fold_table() -> dict[int, str]:
    """Character-for-character folding (same result as fold() for each letter), so positions
    in the folded text are positions in the original."""
    table: dict[int, str] = {}
    ranges = [range(0x41, 0x5B), range(0xC0, 0x250), range(0x1E00, 0x1F00)]
    for block in ranges:
        for code in block:
            folded = fold(chr(code))
            if len(folded) == 1 and folded != chr(code):
                table[code] = folded
    for space in "\t\n\r\x0b\x0c\xa0":
        table[ord(space)] = " "
    return table


_FOLD_TABLE = _fold_table()
SNIPPET_BEFORE, SNIPPET_AFTER = 80, 160


def _word_pattern(words: Sequence[str]) -> re.Pattern[str]:
    """Whole words in sequence, anything that is not a letter or digit between them."""
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?![^\W_])")


def _marks(folded: str, start: int, end: int, patterns: Sequence[re.Pattern[str]]) -> list[tuple[int, int]]:
    marks: list[tuple[int, int]] = []
    for pattern in patterns:
        marks.extend(m.span() for m in pattern.finditer(folded, start, end))
    return marks


def _highlight(text: str, folded: str, start: int, end: int, patterns: Sequence[re.Pattern[str]]) -> str:
    """text[start:end], HTML-escaped, whitespace collapsed, each match of `patterns` in <mark>."""
    parts: list[str] = []
    cursor = start
    for mark_start, mark_end in sorted(_marks(folded, start, end, patterns), key=lambda m: (m[0], -m[1])):
        if mark_end <= cursor:  # inside a match already marked
            continue
        mark_start = max(mark_start, cursor)
        parts.append(_SPACES.sub(" ", escape(text[cursor:mark_start])))
        parts.append(f"<mark>{_SPACES.sub(' ', escape(text[mark_start:mark_end]))}</mark>")
        cursor = mark_end
    parts.append(_SPACES.sub(" ", escape(text[cursor:end])))
    return "".join(parts)


def _patterns(query: Query) -> list[re.Pattern[str]]:
    """The whole query as a phrase first (so it is marked as one piece), then phrases, then words."""
    sequences: list[Sequence[str]] = []
    if len(query.sequence) > 1:
        sequences.append(query.sequence)
    sequences.extend(query.phrases)
    sequences.extend([word] for word in query.terms)
    return [_word_pattern(words) for words in sequences]


def highlight(text: str, query: Query) -> SafeString:
    """All of `text` (a title), escaped, with the query's words in <mark>."""
    text = unicodedata.normalize("NFC", text or "")
    return mark_safe(_highlight(text, text.translate(_FOLD_TABLE), 0, len(text), _patterns(query)))  # noqa: S308


def snippet(text: str, query: Query, *, at: int | None = None) -> SafeString:
    """A short piece of `text` around the first match (or around `at`), matches in <mark>."""
    text = unicodedata.normalize("NFC", text or "")
    folded = text.translate(_FOLD_TABLE)
    patterns = _patterns(query)
    if at is None:
        found = [m.start() for m in (p.search(folded) for p in patterns) if m]
        at = min(found) if found else None
    if at is None:  # the match was in the title: show the beginning
        start, end = 0, SNIPPET_BEFORE + SNIPPET_AFTER
    else:
        start, end = max(0, at - SNIPPET_BEFORE), at + SNIPPET_AFTER
        if start:  # begin on a word boundary
            space = text.find(" ", start, at)
            start = space + 1 if space >= 0 else start
    end = min(len(text), end)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    body = _highlight(text, folded, start, end, patterns).strip()
    if not body:
        return mark_safe("")  # noqa: S308 - empty
    return mark_safe(("…" if start else "") + body + ("…" if end < len(text) else ""))  # noqa: S308 - escaped


@dataclass
class Explanation:
    """Why a document matched, for the results page."""

    title: SafeString
    snippet: SafeString
    page: int | None = None  # the page the snippet comes from, when the text has pages
    ocr: bool = False  # that page's text was read by OCR
    phrase_in_title: bool = False
    phrase_page: int | None = None  # the whole query as a phrase: first page (0 = text without pages)
    words_found: list[str] = field(default_factory=list)  # as typed
    word_pages: list[int] = field(default_factory=list)  # pages with at least one word (first ones)


MAX_LISTED_PAGES = 5


def explain(title: str, text: str, page_texts: Iterable[Any], ocr_pages: Iterable[Any], query: Query) -> Explanation:
    """Where the query matched in this document: title, page with the phrase, pages with words."""
    pages = [page if isinstance(page, str) else "" for page in (page_texts or [])]
    numbered = bool(pages)
    if not numbered:
        pages = [text or ""]
    ocr = {page for page in (ocr_pages or []) if isinstance(page, int)}
    folded_title = unicodedata.normalize("NFC", title or "").translate(_FOLD_TABLE)
    sequence = _word_pattern(query.sequence)
    word_patterns = {word: _word_pattern([word]) for word in query.terms}
    found = {word for word, pattern in word_patterns.items() if pattern.search(folded_title)}
    explanation = Explanation(title=highlight(title, query), snippet=mark_safe(""))  # noqa: S308 - empty
    explanation.phrase_in_title = len(query.sequence) > 1 and bool(sequence.search(folded_title))
    best: tuple[int, int, int] | None = None  # (-words on the page, page index, position)
    for index, page in enumerate(pages):
        folded = unicodedata.normalize("NFC", page).translate(_FOLD_TABLE)
        phrase = sequence.search(folded)
        if phrase:
            explanation.phrase_page = index + 1 if numbered else 0
            best = (-len(word_patterns) - 1, index, phrase.start())
            found.update(word_patterns)
            break
        here = {word: m.start() for word, pattern in word_patterns.items() if (m := pattern.search(folded))}
        if here:
            found.update(here)
            if len(explanation.word_pages) < MAX_LISTED_PAGES:
                explanation.word_pages.append(index + 1)
            candidate = (-len(here), index, min(here.values()))
            if best is None or candidate < best:
                best = candidate
    if best is not None:
        _, index, position = best
        explanation.snippet = snippet(unicodedata.normalize("NFC", pages[index]), query, at=position)
        if numbered:
            explanation.page = index + 1
            explanation.ocr = index + 1 in ocr
    else:
        explanation.snippet = snippet(pages[0], query)
    explanation.words_found = [query.typed.get(word, word) for word in query.terms if word in found]
    return explanation
