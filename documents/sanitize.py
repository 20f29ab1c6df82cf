"""Nothing in a converted document reaches outside the server.

An uploaded spreadsheet whose HYPERLINK formula or cell hyperlink points to another site would
become a PDF with a live link: whoever clicks it in a meeting tells that site who they are and
when they read the document. External workbook references, WEBSERVICE, IMAGE and DDE formulas
would make LibreOffice itself try to reach out. So:

1. before conversion, `sanitize_ooxml` rewrites the copy LibreOffice gets (DOCX, XLSX, PPTX):
   every relationship with TargetMode="External" is dropped (hyperlinks, linked images, remote
   templates) and the references to it are emptied; external-link, connection and query-table
   parts are removed; in spreadsheets, formulas that reach outside become their cached value
   (as plain text), and cell hyperlinks to removed targets are removed;
2. after conversion, `strip_pdf_links` removes from the PDF every link or action that is not a
   jump inside the same document (the last line of defence, also for DOC/XLS).

The XML is edited as text with narrow regular expressions, not re-serialised: a parser would
rename namespace prefixes that mc:Ignorable refers to, and LibreOffice and Office reject that.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

logger = logging.getLogger("documents.sanitize")

OOXML_TYPES = frozenset({"docx", "xlsx", "pptx"})
MAX_PARTS = 20_000
MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # a zip bomb fails here instead of in LibreOffice

# Parts that only exist to fetch data from elsewhere.
DROPPED_PART_TYPES = ("/externalLink", "/connections", "/queryTable")
# Spreadsheet functions that reach outside the workbook (or, INDIRECT, can be made to).
OUTSIDE_FUNCTIONS = re.compile(
    r"(?<![\w.])(?:_xlfn\.|_xlws\.)?(HYPERLINK|WEBSERVICE|FILTERXML|IMAGE|RTD|CALL|REGISTER(?:\.ID)?|DDE|DDEAUTO|INDIRECT)\s*\(",
    re.IGNORECASE,
)
EXTERNAL_BOOK = re.compile(r"\[[1-9]\d*\]")  # [1]Sheet1!A1: the first external workbook
DOUBLE_QUOTED = re.compile(r'"(?:[^"]|"")*"')

RELATIONSHIP = re.compile(r"<Relationship\b[^>]*?/>|<Relationship\b[^>]*?>.*?</Relationship>", re.DOTALL)
# Sheets are usually written without a prefix (<c>), by some tools with one (<x:c>).
CELL = re.compile(r"<(?P<prefix>(?:\w+:)?)c\b(?P<attrs>[^>]*?)(?<!/)>(?P<body>.*?)</(?P=prefix)c>", re.DOTALL)
FORMULA = re.compile(r"<(?:\w+:)?f\b(?P<attrs>[^>]*?)(?:/>|>(?P<text>.*?)</(?:\w+:)?f>)", re.DOTALL)
VALUE = re.compile(r"<(?:\w+:)?v\b[^>]*>(?P<text>.*?)</(?:\w+:)?v>|<(?:\w+:)?v\s*/>", re.DOTALL)
DEFINED_NAME = re.compile(r"<definedName\b[^>]*>(?P<text>.*?)</definedName>", re.DOTALL)
SHEET_HYPERLINK = re.compile(r"<(?:\w+:)?hyperlink\b[^>]*?(?:/>|>.*?</(?:\w+:)?hyperlink>)", re.DOTALL)
RELATIONSHIP_ID = re.compile(r'\s[\w.-]+:id\s*=\s*"([^"]*)"')


class SanitizeError(Exception):
    """The file is not a readable OOXML package (or is unreasonably large once unpacked)."""


def _attribute(attrs: str, name: str) -> str | None:
    match = re.search(rf'(?<![\w:]){re.escape(name)}\s*=\s*"([^"]*)"', attrs)
    return html.unescape(match.group(1)) if match else None


def reaches_outside(formula: str) -> bool:
    """A formula that calls out (HYPERLINK, WEBSERVICE, IMAGE, DDE...) or reads another workbook."""
    code = DOUBLE_QUOTED.sub('""', formula)  # text inside string literals is only text
    return bool(OUTSIDE_FUNCTIONS.search(code) or EXTERNAL_BOOK.search(code) or "|" in code)


@dataclass
class SanitizeReport:
    relationships: int = 0  # external relationships dropped
    parts: list[str] = field(default_factory=list)  # parts removed
    formulas: int = 0  # formulas replaced by their value
    hyperlinks: int = 0  # spreadsheet cell hyperlinks removed
    names: int = 0  # defined names removed

    @property
    def changed(self) -> bool:
        return bool(self.relationships or self.parts or self.formulas or self.hyperlinks or self.names)


def sanitize_ooxml(source: Path, target: Path) -> SanitizeReport:
    """Write `source` (a DOCX, XLSX or PPTX) to `target` without anything that reaches outside."""
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
                raise SanitizeError("too many or too large parts")
            parts = {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise SanitizeError(f"{type(exc).__name__}: {exc}") from exc
    report = SanitizeReport()
    edited = _sanitize_parts(parts, report)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in infos:
            if info.filename not in edited:
                continue
            data = edited[info.filename]
            if data is parts[info.filename]:
                out.writestr(info, data)
            else:
                out.writestr(info.filename, data)
    return report


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # UTF-16 parts are legal but never written by Office; left as they are


def _sanitize_parts(parts: dict[str, bytes], report: SanitizeReport) -> dict[str, bytes]:
    edited = dict(parts)
    removed_ids: dict[str, set[str]] = {}  # part name -> relationship ids removed from its .rels
    dropped: set[str] = set()
    for name in [name for name in parts if name.endswith(".rels")]:
        text = _text(parts[name])
        if text is None:
            continue
        owner = _rels_owner(name)

        def drop(match: re.Match[str], owner: str = owner) -> str:
            element = match.group(0)
            rel_id = _attribute(element, "Id") or ""
            rel_type = _attribute(element, "Type") or ""
            if (_attribute(element, "TargetMode") or "").lower() == "external":
                report.relationships += 1
            elif rel_type.endswith(DROPPED_PART_TYPES):
                target = _attribute(element, "Target") or ""
                dropped.add(_resolve(owner, target))
            else:
                return element
            removed_ids.setdefault(owner, set()).add(rel_id)
            return ""

        new = RELATIONSHIP.sub(drop, text)
        if new != text:
            edited[name] = new.encode("utf-8")

    for part in sorted(dropped):
        for name in (part, _rels_of(part)):
            if name in edited:
                del edited[name]
                report.parts.append(name)

    for name, data in list(edited.items()):
        if name.endswith(".rels") or not name.endswith(".xml"):
            continue
        text = _text(data)
        if text is None:
            continue
        new = text
        if name in removed_ids:
            new = _empty_references(new, removed_ids[name], sheet=name.startswith("xl/worksheets/"), report=report)
        if name == "xl/workbook.xml":
            new = _sanitize_workbook(new, report)
        if name.startswith("xl/worksheets/") and "<f" in new:
            new = _sanitize_sheet(new, report)
        if name == "[Content_Types].xml" and report.parts:
            new = _drop_overrides(new, report.parts)
        if new != text:
            edited[name] = new.encode("utf-8")
    return edited


def _rels_owner(rels_name: str) -> str:
    """xl/worksheets/_rels/sheet1.xml.rels -> xl/worksheets/sheet1.xml; _rels/.rels -> ""."""
    folder, base = posixpath.split(rels_name)
    parent = posixpath.dirname(folder)
    return posixpath.join(parent, base[: -len(".rels")]) if base != ".rels" else ""


def _rels_of(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(owner: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(owner), target))


def _empty_references(text: str, ids: Iterable[str], *, sheet: bool, report: SanitizeReport) -> str:
    """Hyperlink, image and template references to removed relationships point nowhere: a sheet's
    <hyperlink> goes entirely, other references (r:id, r:link, r:embed...) become empty."""
    ids = set(ids)
    if sheet:

        def hyperlink(match: re.Match[str]) -> str:
            rel_id = RELATIONSHIP_ID.search(match.group(0))
            if rel_id is not None and html.unescape(rel_id.group(1)) in ids:
                report.hyperlinks += 1
                return ""
            return match.group(0)

        text = SHEET_HYPERLINK.sub(hyperlink, text)
        text = re.sub(r"<((?:\w+:)?)hyperlinks>\s*</\1hyperlinks>", "", text)
    pattern = "|".join(re.escape(rel_id) for rel_id in sorted(ids) if rel_id)
    if not pattern:
        return text
    return re.sub(rf'(\s[A-Za-z_][\w.-]*:[A-Za-z]+\s*=\s*")(?:{pattern})(")', r"\1\2", text)


def _sanitize_workbook(text: str, report: SanitizeReport) -> str:
    text = re.sub(r"<externalReferences\b.*?</externalReferences>|<externalReferences\s*/>", "", text, flags=re.DOTALL)

    def name(match: re.Match[str]) -> str:
        if reaches_outside(html.unescape(match.group("text"))):
            report.names += 1
            return ""
        return match.group(0)

    return DEFINED_NAME.sub(name, text)


def _sanitize_sheet(text: str, report: SanitizeReport) -> str:
    # A shared formula is written once (its master) and referred to by index in the other cells.
    outside_shared = set()
    for match in FORMULA.finditer(text):
        attrs, formula = match.group("attrs"), match.group("text")
        if formula and _attribute(attrs, "t") == "shared" and reaches_outside(html.unescape(formula)):
            outside_shared.add(_attribute(attrs, "si"))

    def cell(match: re.Match[str]) -> str:
        prefix, attrs, body = match.group("prefix"), match.group("attrs"), match.group("body")
        formula = FORMULA.search(body)
        if formula is None:
            return match.group(0)
        code = html.unescape(formula.group("text") or "")
        shared = _attribute(formula.group("attrs"), "t") == "shared"
        if not (reaches_outside(code) or (shared and _attribute(formula.group("attrs"), "si") in outside_shared)):
            return match.group(0)
        report.formulas += 1
        kind = _attribute(attrs, "t") or "n"
        value = VALUE.search(body)
        cached = html.unescape(value.group("text")) if value and value.group("text") else None
        attrs = re.sub(r'\st\s*=\s*"[^"]*"', "", attrs)
        if cached is not None and kind in ("n", "b"):
            boolean = ' t="b"' if kind == "b" else ""
            return f"<{prefix}c{attrs}{boolean}><{prefix}v>{html.escape(cached, quote=False)}</{prefix}v></{prefix}c>"
        if cached is None and kind != "e":
            cached = _friendly_name(code)
        if not cached:
            return f"<{prefix}c{attrs}/>"
        escaped = html.escape(cached, quote=False)
        inline = f'<{prefix}is><{prefix}t xml:space="preserve">{escaped}</{prefix}t></{prefix}is>'
        return f'<{prefix}c{attrs} t="inlineStr">{inline}</{prefix}c>'

    return CELL.sub(cell, text)


def _friendly_name(formula: str) -> str:
    """For a HYPERLINK formula saved without its value: the text it shows when that is a literal."""
    match = re.match(
        r'\s*=?\s*(?:_xlfn\.)?HYPERLINK\s*\(\s*"(?:[^"]|"")*"\s*[,;]\s*"((?:[^"]|"")*)"\s*\)\s*$', formula, re.I
    )
    return match.group(1).replace('""', '"') if match else ""


def _drop_overrides(text: str, parts: Iterable[str]) -> str:
    for part in parts:
        text = re.sub(rf'<Override\b[^>]*PartName="/{re.escape(part)}"[^>]*/>', "", text)
    return text


# The PDF side.

SAFE_ACTIONS = frozenset({"/GoTo"})  # a jump to a page of the same document
ACTION_KEYS = ("/A", "/AA")


def _is_safe_action(action: object) -> bool:
    action = action.get_object() if hasattr(action, "get_object") else action
    if not isinstance(action, DictionaryObject):
        return False
    if action.get("/S") not in SAFE_ACTIONS:
        return False
    chained = action.get("/Next")
    if chained is None:
        return True
    chained = chained.get_object()
    items = chained if isinstance(chained, ArrayObject) else [chained]
    return all(_is_safe_action(item) for item in items)


def strip_pdf_links(path: Path) -> int:
    """Remove from the PDF at `path`, in place, every annotation and document action that could
    open something outside it (URI, launch, remote go-to, forms, JavaScript); returns how many.
    Links to pages of the same document stay."""
    reader = pypdf.PdfReader(path)
    if not _has_actions(reader):
        return 0
    writer = pypdf.PdfWriter(clone_from=reader)
    removed = 0
    for page in writer.pages:
        annotations = page.get("/Annots")
        if annotations is None:
            continue
        annotations = annotations.get_object()
        kept = ArrayObject()
        for reference in annotations:
            annotation = reference.get_object()
            unsafe = isinstance(annotation, DictionaryObject) and (
                "/AA" in annotation or ("/A" in annotation and not _is_safe_action(annotation["/A"]))
            )
            if unsafe:
                removed += 1
            else:
                kept.append(reference)
        if len(kept) != len(annotations):
            page[NameObject("/Annots")] = kept
    root = writer.root_object
    if "/OpenAction" in root and not isinstance(root["/OpenAction"].get_object(), ArrayObject):
        if not _is_safe_action(root["/OpenAction"]):
            del root["/OpenAction"]
            removed += 1
    if "/AA" in root:
        del root["/AA"]
        removed += 1
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        del names.get_object()["/JavaScript"]
        removed += 1
    if removed:
        # The removed annotations stay in the file as unreferenced objects unless dropped here.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        with path.open("wb") as handle:
            writer.write(handle)
    return removed


def _has_actions(reader: pypdf.PdfReader) -> bool:
    root = reader.trailer["/Root"].get_object()
    if not isinstance(root, DictionaryObject):
        return False
    if "/AA" in root or "/OpenAction" in root:
        return True
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    for page in reader.pages:
        annotations = page.get("/Annots")
        for reference in annotations.get_object() if annotations is not None else ():
            annotation = reference.get_object()
            if isinstance(annotation, DictionaryObject) and any(key in annotation for key in ACTION_KEYS):
                return True
    return False
