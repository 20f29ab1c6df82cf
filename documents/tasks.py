"""Processing an uploaded version in the background (Điều 3.1đ): office files to PDF, page count,
text for search (per page, scans read by OCR, sheet names and slide titles added), a thumbnail of
the first page.

The original file is only ever read. Everything derived is made in a temporary directory and
stored at the end, so a failure leaves the version as it was uploaded, with a reason and a
retry button.
"""

from __future__ import annotations

import ctypes
import io
import logging
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from PIL import Image, ImageOps

from documents import ocr
from documents.conversion import OFFICE_TYPES, ConversionError, ConversionTimeout, ConverterUnavailable, get_converter
from documents.models import Document, DocumentVersion, ProcessingState
from documents.outline import outline_text
from documents.sanitize import OOXML_TYPES, SanitizeError, sanitize_ooxml, strip_pdf_links
from documents.search import fold

logger = logging.getLogger("documents.tasks")

IMAGE_TYPES = frozenset({"jpg", "png"})
TEXT_LIMIT = 2_000_000  # characters of extracted text kept for search
THUMBNAIL_WIDTH = 300
THUMBNAIL_MAX_HEIGHT = 1200  # a very tall page or image is scaled to fit this instead


@dataclass
class Extracted:
    """What processing reads from a version: its page count, the text of each page (page 1 first),
    the 1-based numbers of the pages read by OCR, and text that belongs to no page."""

    pages: int
    page_texts: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    extra: str = ""

    @property
    def text(self) -> str:
        """Everything searchable: the pages in order, then the extra text."""
        parts = [*self.page_texts, self.extra] if self.extra else self.page_texts
        return "\n".join(parts)[:TEXT_LIMIT]


class ProcessingFailed(Exception):
    """A failure with its reason for the organiser (built in the site language when stored)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def schedule_processing(version_id: int) -> None:
    """Enqueue `process_version` once the caller's transaction commits (the actions that add a
    version or retry one call this)."""
    transaction.on_commit(partial(process_version.enqueue, version_id), robust=True)


def _claim(version_id: int) -> bool:
    """queued/failed → processing; true for exactly one caller."""
    return bool(
        DocumentVersion.objects.filter(
            pk=version_id, state__in=[ProcessingState.QUEUED, ProcessingState.FAILED]
        ).update(state=ProcessingState.PROCESSING, progress=10, error="")
    )


def _progress(version_id: int, percent: int) -> None:
    DocumentVersion.objects.filter(pk=version_id, state=ProcessingState.PROCESSING).update(progress=percent)


@task()
def process_version(version_id: int) -> str:
    """Process one version; returns its new state, or "skipped" when it is not ours to process."""
    if not _claim(version_id):
        return "skipped"
    version = DocumentVersion.objects.select_related("document").get(pk=version_id)
    # No transaction around the conversion: minutes of LibreOffice must not hold database locks.
    # Reasons are stored as text in the site language, whatever a previous request activated.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with tempfile.TemporaryDirectory(prefix="ecabinet-doc-") as work:
                return _process(version, Path(work))
        except ProcessingFailed as exc:
            logger.warning("Version %s (%s) failed: %s", version_id, version.file_type, exc.detail or exc.reason)
            return _fail(version_id, exc.reason)
        except Exception:
            logger.exception("Version %s (%s) failed unexpectedly", version_id, version.file_type)
            return _fail(version_id, _("Processing stopped because of an unexpected error. Try again later."))


def _fail(version_id: int, reason: str) -> str:
    DocumentVersion.objects.filter(pk=version_id, state=ProcessingState.PROCESSING).update(
        state=ProcessingState.FAILED, error=reason
    )
    return ProcessingState.FAILED


def _process(version: DocumentVersion, work: Path) -> str:
    file_type = version.file_type
    pdf_path: Path | None = None
    converted = False
    if file_type in IMAGE_TYPES:
        image_path = _local_path(version.file, work)
        thumbnail = _image_thumbnail(image_path)
        extracted = _read_image(image_path, work)
        _progress(version.pk, 70)
    elif file_type in OFFICE_TYPES or file_type == "pdf":
        extra = ""
        if file_type == "pdf":
            pdf_path = _local_path(version.file, work)
        else:
            pdf_path, extra = _convert(version, work)
            converted = True
        _progress(version.pk, 40)
        extracted = _read_pdf(pdf_path, work)
        extracted.extra = extra
        _progress(version.pk, 70)
        thumbnail = _pdf_thumbnail(pdf_path)
    else:
        raise ProcessingFailed(_("Files of type %(type)s cannot be processed.") % {"type": file_type or "?"})
    _progress(version.pk, 90)

    # A PDF upload is its own PDF: `pdf` names the original file, which is never deleted here.
    pdf_name = version.file.name if file_type == "pdf" else ""
    stored: list[tuple[FieldFile, str]] = []
    finished = 0
    try:
        if converted and pdf_path is not None:
            with pdf_path.open("rb") as handle:
                pdf_name = version.pdf.storage.save(f"documents/pdf/{secrets.token_hex(16)}.pdf", File(handle))
            stored.append((version.pdf, pdf_name))
        thumbnail_name = version.thumbnail.storage.save(
            f"documents/thumbs/{secrets.token_hex(16)}.png", ContentFile(thumbnail)
        )
        stored.append((version.thumbnail, thumbnail_name))
        with transaction.atomic():
            finished = DocumentVersion.objects.filter(pk=version.pk, state=ProcessingState.PROCESSING).update(
                state=ProcessingState.DONE,
                progress=100,
                error="",
                pdf=pdf_name,
                thumbnail=thumbnail_name,
                page_count=extracted.pages,
                text=extracted.text,
                page_texts=extracted.page_texts,
                ocr_pages=extracted.ocr_pages,
                processed_at=timezone.now(),
            )
            if finished:
                _refresh_search_text(version)
    finally:
        if not finished:  # failed half-way, or the row is no longer ours: leave no orphan files
            for field, name in stored:
                field.storage.delete(name)
    return ProcessingState.DONE if finished else "skipped"


def _refresh_search_text(version: DocumentVersion) -> None:
    """Caller is atomic. Only the current version's text is searched."""
    document = Document.objects.select_for_update(of=("self",)).filter(pk=version.document_id).first()
    if document is not None and document.current_version_id == version.pk:
        text = DocumentVersion.objects.filter(pk=version.pk).values_list("text", flat=True).get()
        Document.objects.filter(pk=document.pk).update(search_text=fold(f"{document.title} {text}"))


def _local_path(field: FieldFile, work: Path) -> Path:
    """A path to read the stored file from: the file itself on disk, else a copy in `work`."""
    try:
        path = Path(field.path)
    except NotImplementedError:  # storage without local paths (object storage)
        pass
    else:
        if not path.is_file():
            raise ProcessingFailed(_("The uploaded file is missing from storage. Upload it again."), str(path))
        return path
    name = field.name or ""
    target = work / f"original.{Path(name).suffix.lstrip('.') or 'bin'}"
    try:
        with field.storage.open(name, "rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
    except FileNotFoundError as exc:
        raise ProcessingFailed(_("The uploaded file is missing from storage. Upload it again."), str(exc)) from exc
    return target


def _convert(version: DocumentVersion, work: Path) -> tuple[Path, str]:
    """The converted PDF, with nothing in it that reaches outside (documents.sanitize), and the
    labelled sheet names or slide titles of the original (documents.outline)."""
    # LibreOffice gets a copy: it never sees (or leaves lock files next to) the original.
    source = work / f"source.{version.file_type}"
    original = _local_path(version.file, work)
    unreadable = _(
        "The file could not be opened for conversion: it may be damaged, password-protected or not a real %(type)s file."
    ) % {"type": version.file_type.upper()}
    if version.file_type in OOXML_TYPES:
        try:
            report = sanitize_ooxml(original, source)
        except SanitizeError as exc:
            raise ProcessingFailed(unreadable, f"sanitize: {exc}") from exc
        if report.changed:
            logger.info("Version %s: links to outside removed before conversion: %s", version.pk, report)
    elif original.parent == work:
        original.rename(source)
    else:
        shutil.copyfile(original, source)
    target = work / "converted.pdf"
    try:
        get_converter().convert(source, target, file_type=version.file_type)
    except ConverterUnavailable as exc:
        raise ProcessingFailed(
            _(
                "The server cannot convert office files at the moment (LibreOffice is missing or does not start). Tell the administrator; the file is kept and can be processed again."
            ),
            str(exc),
        ) from exc
    except ConversionTimeout as exc:
        raise ProcessingFailed(
            _(
                "Conversion took longer than %(seconds)s seconds and was stopped. The file may be too large or too complex."
            )
            % {"seconds": settings.DOCUMENT_CONVERSION_TIMEOUT},
            str(exc),
        ) from exc
    except ConversionError as exc:
        raise ProcessingFailed(unreadable, str(exc)) from exc
    if not target.is_file() or target.stat().st_size == 0:
        raise ProcessingFailed(_("LibreOffice produced no PDF for this file."), "empty output")
    try:
        removed = strip_pdf_links(target)
    except Exception as exc:
        raise ProcessingFailed(
            _("The PDF could not be read: it may be damaged or password-protected."), f"strip links: {exc}"
        ) from exc
    if removed:
        logger.info("Version %s: %s links to outside removed from the PDF", version.pk, removed)
    return target, outline_text(source, version.file_type)


def _read_pdf(path: Path, work: Path) -> Extracted:
    """Page count (pypdf) and the text of each page (pdfium's text layer, or OCR for a page that
    is a scanned image without one), at most TEXT_LIMIT characters in all."""
    unreadable = _("The PDF could not be read: it may be damaged or password-protected.")
    try:
        pages = len(pypdf.PdfReader(path).pages)
    except Exception as exc:
        raise ProcessingFailed(unreadable, f"pypdf: {type(exc).__name__}: {exc}") from exc
    if pages == 0:
        raise ProcessingFailed(unreadable, "no pages")
    extracted = Extracted(pages)
    reader = ocr.OcrSession(work)
    size = 0
    try:
        pdf = pdfium.PdfDocument(path)
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                part = page_text(textpage)
                textpage.close()
                if ocr.needs_ocr(part) and reader.available() and _has_image(page):
                    read = _ocr_page(page, reader, index + 1)
                    if read:
                        part = f"{part}\n{read}".strip()
                        extracted.ocr_pages.append(index + 1)
                page.close()
                part = part[: max(TEXT_LIMIT - size, 0)]
                extracted.page_texts.append(part)
                size += len(part) + 1
                if size >= TEXT_LIMIT:
                    break
        finally:
            pdf.close()
    except pdfium.PdfiumError as exc:
        raise ProcessingFailed(unreadable, f"pdfium: {exc}") from exc
    if reader.pages_done:
        logger.info("OCR of %s pages took %.1f s", reader.pages_done, reader.spent)
    return extracted


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))


def _ocr_page(page: pdfium.PdfPage, reader: ocr.OcrSession, number: int) -> str | None:
    width, height = page.get_size()
    scale = ocr.render_scale(width, height)
    image = page.render(scale=scale, grayscale=True).to_pil()
    return reader.read(image, label=f"page {number}", dpi=round(72 * scale))


def _read_image(path: Path, work: Path) -> Extracted:
    """An image is one page; its text is what OCR reads in it."""
    reader = ocr.OcrSession(work)
    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened)
            if image.width * image.height > ocr.MAX_PIXELS:
                factor = (ocr.MAX_PIXELS / (image.width * image.height)) ** 0.5
                image = image.resize((int(image.width * factor), int(image.height * factor)))
            text = reader.read(image, label="image") or ""
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ProcessingFailed(_("The image could not be read: it may be damaged."), str(exc)) from exc
    return Extracted(1, page_texts=[text[:TEXT_LIMIT]], ocr_pages=[1] if text else [])


def page_text(textpage: pdfium.PdfTextPage) -> str:
    """The text of a page in reading order, line by line.

    pdfium returns characters in content-stream order. LibreOffice writes the glyphs a font lacks
    (ạ, ổ, ứ... in Cambria's stand-in Caladea) in a separate run after the line, so that order
    reads "ho ch ... ạ". Characters are therefore grouped into runs on one baseline, in stream
    order, and each run is put in left-to-right order. pdfium's generated spaces mark the holes
    such glyphs leave, so they are dropped and spaces are put back from the gaps between glyphs.
    """
    handle = textpage.raw
    count = pdfium_c.FPDFText_CountChars(handle)
    text = textpage.get_text_range()
    if len(text) != count:  # characters outside the BMP: ask pdfium one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(handle, index)) for index in range(count))
    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    runs: list[tuple[float, list[tuple[float, float, float, str]]]] = []  # (font size, glyphs)
    baseline: float | None = None
    tolerance = 0.0
    for index, char in enumerate(text):
        if char in "\r\n\x00\ufffe\uffff" or 0xD800 <= ord(char) <= 0xDFFF:
            continue  # lines are told apart by their baselines, not by pdfium's line breaks
        if char.isspace() and pdfium_c.FPDFText_IsGenerated(handle, index) == 1:
            continue
        pdfium_c.FPDFText_GetCharOrigin(handle, index, x, y)
        if baseline is None or abs(y.value - baseline) > tolerance:
            size = pdfium_c.FPDFText_GetFontSize(handle, index) or 10.0
            runs.append((size, []))
            baseline, tolerance = y.value, 0.35 * size
        pdfium_c.FPDFText_GetCharBox(handle, index, left, right, bottom, top)
        runs[-1][1].append((x.value, left.value, right.value, char))
    lines = []
    for size, run in runs:
        run.sort(key=lambda glyph: glyph[0])  # stable: ties keep stream order
        out: list[str] = []
        end: float | None = None
        for _origin, start, stop, char in run:
            if end is not None and out and not out[-1].isspace() and not char.isspace() and start - end > 0.2 * size:
                out.append(" ")
            out.append(char)
            end = max(stop, start) if end is None or not char.isspace() else max(end, stop)
        lines.append("".join(out).strip())
    return "\n".join(line for line in lines if line)


def _pdf_thumbnail(path: Path) -> bytes:
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[0]
        width, height = page.get_size()
        scale = min(THUMBNAIL_WIDTH / width, THUMBNAIL_MAX_HEIGHT / height)
        image = page.render(scale=scale).to_pil()
        page.close()
    finally:
        pdf.close()
    return _png(image)


def _image_thumbnail(path: Path) -> bytes:
    try:
        with Image.open(path) as opened:
            opened.draft("RGB", (THUMBNAIL_WIDTH, THUMBNAIL_MAX_HEIGHT))  # JPEG: decode at a reduced size
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_MAX_HEIGHT))
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            return _png(image)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ProcessingFailed(_("The image could not be read: it may be damaged."), str(exc)) from exc


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
