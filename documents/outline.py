"""Names that the PDF of an office file does not show as text, for search: the sheet names of a
workbook (a PDF page of a spreadsheet has no title) and the titles of a presentation's slides
(read from the file, so a title drawn as a picture or cut off still counts).

Slide titles are read from the OOXML package with the standard library: python-pptx is a
development dependency only.
"""

from __future__ import annotations

import logging
import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from django.utils.translation import gettext as _

logger = logging.getLogger("documents.outline")

MAX_PART_BYTES = 50 * 1024 * 1024
NS = {
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
TITLE_PLACEHOLDERS = frozenset({"title", "ctrTitle"})


def outline_text(path: Path, file_type: str) -> str:
    """ "Sheets: …" for an XLSX, "Slide titles: …" for a PPTX, "" otherwise or when the file
    cannot be read that way (the conversion has read it already; this is only extra text)."""
    try:
        if file_type == "xlsx":
            names = sheet_names(path)
            return _("Sheets: %(names)s") % {"names": "; ".join(names)} if names else ""
        if file_type == "pptx":
            titles = slide_titles(path)
            return _("Slide titles: %(titles)s") % {"titles": "; ".join(titles)} if titles else ""
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        logger.warning("No sheet names or slide titles read from %s: %s", path.name, exc)
    return ""


def sheet_names(path: Path) -> list[str]:
    """The names of the visible sheets, in workbook order."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, keep_links=False)
    try:
        return [sheet.title for sheet in workbook.worksheets if getattr(sheet, "sheet_state", "visible") == "visible"]
    finally:
        workbook.close()


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise ValueError(f"{name} is too large")
    data = archive.read(info)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # never in OOXML; entity expansion is an attack
        raise ValueError(f"{name} declares a DTD")
    return ElementTree.fromstring(data)  # noqa: S314  (DTDs refused above)


def slide_titles(path: Path) -> list[str]:
    """The title placeholder's text of each shown slide, in presentation order."""
    with zipfile.ZipFile(path) as archive:
        presentation = _xml(archive, "ppt/presentation.xml")
        relationships = _xml(archive, "ppt/_rels/presentation.xml.rels")
        targets = {
            rel.get("Id"): posixpath.normpath(posixpath.join("ppt", rel.get("Target") or ""))
            for rel in relationships.findall("rel:Relationship", NS)
        }
        titles = []
        for slide_id in presentation.iterfind("p:sldIdLst/p:sldId", NS):
            name = targets.get(slide_id.get(f"{{{NS['r']}}}id"))
            if name is None or name not in archive.namelist():
                continue
            slide = _xml(archive, name)
            if slide.get("show") in ("0", "false"):
                continue  # hidden slides are not in the PDF either
            title = _slide_title(slide)
            if title:
                titles.append(title)
        return titles


def _slide_title(slide: ElementTree.Element) -> str:
    for shape in slide.iterfind(".//p:sp", NS):
        placeholder = shape.find("p:nvSpPr/p:nvPr/p:ph", NS)
        if placeholder is None or placeholder.get("type") not in TITLE_PLACEHOLDERS:
            continue
        paragraphs = [
            "".join(run.text or "" for run in paragraph.iterfind(".//a:t", NS))
            for paragraph in shape.iterfind("p:txBody/a:p", NS)
        ]
        return re.sub(r"\s+", " ", " ".join(paragraphs)).strip()
    return ""
