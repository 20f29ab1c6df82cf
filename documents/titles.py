"""Document titles: what a typed title is stored as, and the title a file name gives."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from documents.validation import EXTENSIONS

_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_SLUG_HYPHEN = re.compile(r"(?<!\d)-|-(?!\d)")  # a hyphen not between two digits (keeps 12-2026)
_EDGE_PUNCTUATION = " .-_"


def normalise_title(title: str) -> str:
    """What a typed title is stored as: NFC (macOS sends decomposed accents), one space between words."""
    return " ".join(unicodedata.normalize("NFC", title or "").split())


def title_from_filename(filename: str) -> str:
    """The title a document gets when none is typed: its file name, readable.

    "Báo cáo tổng kết.docx" → "Báo cáo tổng kết" (diacritics kept, NFC); the extension goes only
    when it is one we accept ("Quyết định 12.2026.pdf" keeps its ".2026"). Names written as slugs
    read as words: underscores become spaces, and so do hyphens when the name has no space
    ("bao-cao_quy-3.pdf" → "Bao cao quy 3"), except between digits ("12-2026"). A name that arrived
    percent-encoded ("B%C3%A1o%20c%C3%A1o.pdf", as some download links save it) is decoded.
    Static/js/document-upload.js `defaultTitle` does the same in the browser.
    """
    name = unicodedata.normalize("NFC", filename or "").strip()
    if _PERCENT_ESCAPE.search(name):
        try:
            name = unicodedata.normalize("NFC", unquote(name, errors="strict"))
        except UnicodeDecodeError:
            pass
    stem, dot, extension = name.rpartition(".")
    if dot and stem and f".{extension.lower()}" in EXTENSIONS:
        name = stem
    slug = not any(ch.isspace() for ch in name)
    name = name.replace("_", " ")
    if slug:
        name = _SLUG_HYPHEN.sub(" ", name)
    title = normalise_title(name).strip(_EDGE_PUNCTUATION)
    if slug and title and title == title.lower():
        title = title[0].upper() + title[1:]
    return title[:300] or normalise_title(filename)[:300]
