"""Interface language: Vietnamese by default, English on request, complete catalogues, dd/mm/yyyy dates."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from conftest import TEST_PASSWORD, make_user

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUES = {lang: LOCALE_DIR / lang / "LC_MESSAGES" / "django.po" for lang in ("vi", "en")}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|<[^>]+>")


# --- a tiny .po reader -------------------------------------------------------------------------


@dataclass
class Entry:
    flags: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file (obsolete ones flagged); enough of the format for makemessages output."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry = Entry()
        target: tuple[str, int] | None = None
        for raw in block.splitlines():
            line = raw
            if line.startswith("#~"):
                entry.obsolete = True
                line = line[2:].lstrip()
                if line.startswith(("#", "|")):
                    continue
            if line.startswith("#,"):
                entry.flags += [flag.strip() for flag in line[2:].split(",")]
                continue
            if line.startswith("#") or not line.strip():
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
            if match:
                keyword, index, value = match.group(1), int(match.group(2) or 0), ast.literal_eval(match.group(3))
                target = (keyword, index)
            elif line.startswith('"') and target is not None:
                keyword, index, value = target[0], target[1], ast.literal_eval(line)
            else:
                raise AssertionError(f"{path}: cannot read line {raw!r}")
            if keyword == "msgstr":
                entry.msgstr[index] = entry.msgstr.get(index, "") + value
            else:
                setattr(entry, keyword, (getattr(entry, keyword) or "") + value)
        if target is not None:
            entries.append(entry)
    return entries


def header_fields(entry: Entry) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in entry.msgstr[0].splitlines() if ": " in line)


def describe(entry: Entry) -> str:
    return repr(entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}|{entry.msgid}")


# --- pages ---------------------------------------------------------------------------------------


def test_login_page_is_vietnamese_by_default(client, db):
    response = client.get("/auth/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page
    assert "Tên đăng nhập" in page and "Mật khẩu" in page
    assert "Sign in" not in page


def test_switching_to_english_shows_the_english_login_page(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/auth/login/"})
    assert response.status_code == 302
    assert response.url == "/auth/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    page = client.get("/auth/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page
    assert "Đăng nhập" not in page

    client.post("/i18n/setlang/", {"language": "vi", "next": "/auth/login/"})
    assert "Đăng nhập" in client.get("/auth/login/").content.decode()


def test_allauth_messages_are_vietnamese(client, province):
    """django-allauth ships no Vietnamese: core/thirdparty_strings.py puts its msgids in our catalogue."""
    user = make_user("snv.chuyenvien", province["snv"], full_name="Bùi Thị Mai")
    page = client.post("/auth/login/", {"login": user.username, "password": "sai-mat-khau-1"}).content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page

    response = client.post("/auth/login/", {"login": user.username, "password": TEST_PASSWORD}, follow=True)
    assert "Đã đăng nhập với tài khoản" in response.content.decode()

    page = client.get("/auth/password/change/").content.decode()
    assert "Mật khẩu hiện tại" in page
    assert "Mật khẩu mới (nhập lại)" in page


# --- catalogues ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_catalogue_is_complete_and_not_fuzzy(lang):
    entries = [entry for entry in read_po(CATALOGUES[lang]) if not entry.obsolete]
    header = next(entry for entry in entries if entry.is_header)
    fields = header_fields(header)
    assert "fuzzy" not in header.flags, "the header is fuzzy: gettext would ignore its charset and plural forms"
    assert fields["Language"] == lang
    assert "charset=UTF-8" in fields["Content-Type"]
    expected_forms = 1 if lang == "vi" else 2
    assert fields["Plural-Forms"].startswith(f"nplurals={expected_forms};")

    messages = [entry for entry in entries if not entry.is_header]
    assert len(messages) > 100
    fuzzy = [describe(entry) for entry in messages if "fuzzy" in entry.flags]
    untranslated = [describe(entry) for entry in messages if not entry.msgstr or not all(entry.msgstr.values())]
    assert not fuzzy, f"fuzzy entries in {lang}: {fuzzy}"
    assert not untranslated, f"untranslated entries in {lang}: {untranslated}"

    wrong_forms = [
        describe(entry)
        for entry in messages
        if entry.msgid_plural is not None and sorted(entry.msgstr) != list(range(expected_forms))
    ]
    assert not wrong_forms, f"plural entries without exactly {expected_forms} forms: {wrong_forms}"

    broken = []
    for entry in messages:
        for index, text in entry.msgstr.items():
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                broken.append(describe(entry))
    assert not broken, f"placeholders or HTML tags changed in {lang}: {broken}"

    if lang == "en":
        not_identity = [describe(entry) for entry in messages if entry.msgstr[0] != entry.msgid]
        assert not not_identity, f"English entries that differ from their msgid: {not_identity}"


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext tools are not installed")
@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_msgattrib_finds_nothing_untranslated_or_fuzzy(lang):
    for selection in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", selection, "--no-obsolete", str(CATALOGUES[lang])],
            capture_output=True,
            text=True,
            check=True,
        )
        # msgattrib prints nothing, or only the header entry (msgid "") when the header alone matches.
        msgids = re.findall(r'^msgid "(.*)"$', result.stdout, flags=re.MULTILINE)
        assert msgids in ([], [""]), f"msgattrib {selection} {lang}:\n{result.stdout}"


def test_vietnamese_translations_carry_diacritics():
    """Catch a catalogue saved without tone marks (or in the wrong encoding)."""
    entries = {entry.msgid: entry.msgstr[0] for entry in read_po(CATALOGUES["vi"]) if not entry.obsolete}
    assert entries["Sign in"] == "Đăng nhập"
    assert entries["Sign out"] == "Đăng xuất"
    assert entries["Password"] == "Mật khẩu"
    assert entries["Unit administrator"] == "Quản trị đơn vị"
    assert entries["System administrator"] == "Quản trị hệ thống"


# --- formats -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_dates_are_dd_mm_yyyy_hh_mm_in_both_languages(lang):
    value = datetime(2026, 3, 5, 14, 7)  # day 5, month 3: a swapped day and month would show
    with translation.override(lang):
        assert date_format(value, "SHORT_DATETIME_FORMAT") == "05/03/2026 14:07"
        assert date_format(value.date(), "SHORT_DATE_FORMAT") == "05/03/2026"
        assert date_format(value, "DATETIME_FORMAT") == "05/03/2026 14:07"
        # In templates, aware datetimes are shown in Asia/Ho_Chi_Minh (UTC+7).
        template = Template('{{ value|date:"SHORT_DATETIME_FORMAT" }}')
        assert template.render(Context({"value": datetime(2026, 3, 5, 7, 7, tzinfo=UTC)})) == "05/03/2026 14:07"
