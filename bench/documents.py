"""Benchmark of the document pipeline (issue 4). A script, not a test:

    .venv/bin/python bench/documents.py [--pages 100] [--ocr-pages 5] [--upload-mb 200] [--only ocr]

Prints
- conversion time of a DOCX of --pages pages made with python-docx: cold (the first file, which
  starts LibreOffice) and warm (the next file through the same long-lived converter);
- text extraction and thumbnail time on the resulting PDF (what the processing task adds);
- pages rendered per second with pypdfium2 at 1.5x scale (bitmap only, and bitmap + JPEG);
- OCR (issue 10): tesseract time per scanned A4 page (300 dpi, about 30 lines of Vietnamese), and
  the text step of the processing task on --ocr-pages image-only pages, with and without OCR; the
  same for a DOCX whose pages are scans (conversion + text step);
- peak memory (RSS high-water mark, reset before each step) of a --upload-mb MB PDF sent through
  the project's chunked upload endpoints (PUT chunks, then finish: check by content, store,
  sha256), in a child process with its own SQLite database and media directory, so conversion
  and rendering do not count. The body is made on the fly and fed to the test client's handler
  as wsgi.input: the test client itself would build each body in memory, a real server does not.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecabinet.settings")
os.environ.setdefault("DEBUG", "1")

CHUNK = 64 * 1024
PARAGRAPH = (
    "Căn cứ Luật Tổ chức chính quyền địa phương, Ủy ban nhân dân tỉnh Ninh Bình ban hành kế hoạch "
    "triển khai nhiệm vụ phát triển kinh tế - xã hội, bảo đảm quốc phòng, an ninh; các sở, ban, ngành "
    "và Ủy ban nhân dân các huyện, thành phố chủ động tổ chức thực hiện, báo cáo kết quả đúng hạn."
)


def make_docx(pages: int) -> bytes:
    import docx

    document = docx.Document()
    for page in range(1, pages + 1):
        document.add_heading(f"Phần {page}. Kế hoạch thực hiện", level=1)
        for _ in range(6):
            document.add_paragraph(PARAGRAPH)
        if page < pages:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """The RSS high-water mark: /proc's VmHWM (resettable), else getrusage's ru_maxrss (KB on Linux)."""
    return _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    return _status_mb("VmRSS")


def reset_peak_rss() -> bool:
    """Start the high-water mark again from the current RSS (Linux >= 4.0), so start-up's peak
    (imports, django.setup) does not hide the upload's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def bench_conversion(pages: int, work: Path) -> Path:
    import pypdf
    import pypdfium2 as pdfium

    from documents.conversion import Converter
    from documents.tasks import _pdf_thumbnail, _read_pdf

    source = work / "bench.docx"
    started = time.perf_counter()
    source.write_bytes(make_docx(pages))
    print(
        f"DOCX of {pages} pages made with python-docx in {time.perf_counter() - started:.2f} s ({source.stat().st_size / 1024:.0f} KB)"
    )

    converter = Converter()
    try:
        started = time.perf_counter()
        lo_pages = converter.convert(source, work / "cold.pdf", file_type="docx")
        cold = time.perf_counter() - started
        started = time.perf_counter()
        converter.convert(source, work / "warm.pdf", file_type="docx")
        warm = time.perf_counter() - started
    finally:
        converter.close()
    pdf = work / "warm.pdf"
    with pdf.open("rb") as handle:
        counted = len(pypdf.PdfReader(handle).pages)
    print(f"Conversion to PDF (LibreOffice {counted} pages; bridge counted {lo_pages}):")
    print(f"  cold (starts soffice with a fresh profile): {cold:6.2f} s")
    print(f"  warm (same long-lived converter):           {warm:6.2f} s  ({counted / warm:.0f} pages/s)")

    started = time.perf_counter()
    extracted = _read_pdf(pdf, work)
    count, text = extracted.pages, extracted.text
    extract = time.perf_counter() - started
    started = time.perf_counter()
    _pdf_thumbnail(pdf)
    thumbnail = time.perf_counter() - started
    print(f"Page count + text extraction: {extract:.2f} s ({count / extract:.0f} pages/s, {len(text):,} characters)")
    print(f"Thumbnail of page 1: {thumbnail * 1000:.0f} ms")

    document = pdfium.PdfDocument(pdf)
    try:
        for label, encode in (("bitmap only", False), ("bitmap + JPEG q80", True)):
            started = time.perf_counter()
            for index in range(len(document)):
                page = document[index]
                image = page.render(scale=1.5).to_pil()
                if encode:
                    image.save(io.BytesIO(), format="JPEG", quality=80)
                page.close()
            elapsed = time.perf_counter() - started
            print(
                f"pypdfium2 render at 1.5x ({image.width}x{image.height}), {label}: "
                f"{len(document) / elapsed:.1f} pages/s ({elapsed:.2f} s for {len(document)} pages)"
            )
    finally:
        document.close()
    return pdf


def scanned_a4(number: int) -> Any:
    """A4 at 300 dpi as a scanner gives it: grey paper, dark ink, a slight tilt."""
    import textwrap

    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44)
    page = Image.new("L", (2480, 3508), 238)
    draw = ImageDraw.Draw(page)
    lines = [f"Phần {number}. Kế hoạch thực hiện", *textwrap.wrap(PARAGRAPH * 5, 80)]
    for row, line in enumerate(lines[:32]):
        draw.text((220, 260 + row * 92), line, font=font, fill=40)
    return page.rotate(0.5, fillcolor=238).filter(ImageFilter.GaussianBlur(0.7))


def bench_ocr(pages: int, work: Path) -> None:
    import docx
    import pypdf

    from documents import ocr
    from documents.conversion import Converter
    from documents.tasks import _read_pdf

    if ocr.shutil.which(ocr.TESSERACT) is None:
        print("OCR: tesseract is not installed (scripts/system-deps.sh installs it); skipped")
        return
    images = [scanned_a4(number) for number in range(1, pages + 1)]
    session = ocr.OcrSession(work)
    times = []
    for image in images:
        started = time.perf_counter()
        session.read(image, label="bench", dpi=300)
        times.append(time.perf_counter() - started)
    print(
        f"OCR of one scanned A4 page at 300 dpi (tesseract -l vie, 1 thread): mean {sum(times) / len(times):.2f} s, "
        f"min {min(times):.2f} s, max {max(times):.2f} s over {len(times)} pages"
    )

    scan_pdf = work / "scans.pdf"
    images[0].save(scan_pdf, format="PDF", resolution=300, save_all=True, append_images=images[1:])

    def text_step(pdf: Path, *, with_ocr: bool) -> tuple[float, int]:
        binary = ocr.TESSERACT
        ocr.TESSERACT = binary if with_ocr else "ecabinet-no-tesseract"
        try:
            started = time.perf_counter()
            extracted = _read_pdf(pdf, work)
            return time.perf_counter() - started, len(extracted.ocr_pages)
        finally:
            ocr.TESSERACT = binary

    without, _ = text_step(scan_pdf, with_ocr=False)
    with_ocr, read = text_step(scan_pdf, with_ocr=True)
    print(
        f"Text step on a {pages}-page image-only PDF: without OCR {without:.2f} s, with OCR {with_ocr:.2f} s "
        f"({read} pages read, {with_ocr / pages:.2f} s/page)"
    )

    document = docx.Document()
    for index, image in enumerate(images):
        picture = work / f"scan{index}.jpg"
        image.save(picture, quality=75)  # a grey scan pasted into Word
        document.add_picture(str(picture), width=docx.shared.Cm(16))
    source = work / "scans.docx"
    document.save(str(source))
    converter = Converter()
    try:
        converter.convert(source, work / "warmup.pdf", file_type="docx")  # start LibreOffice first
        started = time.perf_counter()
        converter.convert(source, work / "scans-docx.pdf", file_type="docx")
        conversion = time.perf_counter() - started
    finally:
        converter.close()
    converted = work / "scans-docx.pdf"
    count = len(pypdf.PdfReader(converted).pages)
    without, _ = text_step(converted, with_ocr=False)
    with_ocr, read = text_step(converted, with_ocr=True)
    print(
        f"DOCX of {count} scanned pages: conversion {conversion:.2f} s; + text step without OCR "
        f"{conversion + without:.2f} s, with OCR {conversion + with_ocr:.2f} s ({read} pages read)"
    )


class BigPdf:
    """A valid one-page PDF of exactly `size` bytes, made on the fly: its bulk is one unreferenced
    stream object of random bytes, so neither side of the benchmark ever holds the file."""

    def __init__(self, size: int) -> None:
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length 0 >>\nstream\n\nendstream",
        ]
        head = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(head))
            head += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        offsets.append(len(head))
        opening = b"5 0 obj\n<< /Length %010d >>\nstream\n"
        closing = b"\nendstream\nendobj\n"

        def tail_for(filler: int) -> bytes:
            xref_at = len(head) + len(opening % 0) + filler + len(closing)
            table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
            return (
                closing
                + b"xref\n0 6\n0000000000 65535 f \n"
                + table
                + b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
            )

        filler = size - len(head) - len(opening % 0) - len(tail_for(0))
        filler -= len(tail_for(filler)) - len(tail_for(0))
        self.head = bytes(head) + opening % filler
        self.filler = filler
        self.tail = tail_for(filler)
        self.size = len(self.head) + filler + len(self.tail)
        assert self.size == size, (self.size, size)
        self.block = os.urandom(CHUNK)

    def read_at(self, position: int, length: int) -> bytes:
        parts = []
        end = position + length
        head_end, filler_end = len(self.head), len(self.head) + self.filler
        if position < head_end:
            parts.append(self.head[position : min(end, head_end)])
            position = min(end, head_end)
        while position < min(end, filler_end):
            offset = (position - head_end) % CHUNK
            take = min(CHUNK - offset, min(end, filler_end) - position)
            parts.append(self.block[offset : offset + take])
            position += take
        if position < end:
            parts.append(self.tail[position - filler_end : end - filler_end])
        return b"".join(parts)


class RangeStream:
    """wsgi.input for one chunk: bytes start..start+length of a BigPdf, read as the server asks."""

    def __init__(self, source: BigPdf, start: int, length: int) -> None:
        self.source, self.position, self.end = source, start, start + length

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.end - self.position
        size = min(size, self.end - self.position)
        data = self.source.read_at(self.position, size)
        self.position += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        return self.read(size if size and size > 0 else CHUNK)


def upload_child(megabytes: int) -> None:
    """Runs in a fresh process with its own SQLite database and media directory: upload a
    `megabytes` MB PDF through the project's chunked upload endpoints, then finish it."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.client import ClientHandler
    from django.urls import reverse

    from conftest import make_user  # the test suite's account helper
    from documents import upload
    from documents.models import Document
    from meetings.tests.conftest import create

    call_command("migrate", verbosity=0)
    from accounts.actions import units as accounts
    from accounts.models import Right, UnitKind

    root = accounts.do_create_unit(None, code="UBND37", name="Ủy ban nhân dân tỉnh Ninh Bình", kind=UnitKind.PROVINCE)
    unit = accounts.do_create_unit(None, code="SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=root)
    organiser = make_user("bench.daumoi", unit, Right.ORGANISER, full_name="Hoàng Anh Dũng")
    leader = make_user("bench.giamdoc", unit, Right.LEADER, full_name="Vũ Thị Hồng")
    meeting = create(organiser, leader, [])

    client = Client()
    client.force_login(organiser)
    size = megabytes * 1024 * 1024
    pdf = BigPdf(size)
    response = client.post(
        reverse("documents:upload_start", args=[meeting.pk]),
        {"filename": "Báo cáo tổng hợp.pdf", "size": size},
        content_type="application/json",
    )
    if response.status_code != 201:
        raise SystemExit(f"upload start refused: {response.status_code} {response.content[:300]!r}")
    started = response.json()
    chunk_size = started["chunk_size"]

    # The test client's own handler, fed a lazy wsgi.input: the client would otherwise build each
    # request body in memory, which a real server does not do.
    handler = ClientHandler(enforce_csrf_checks=False)
    cookie = (
        f"{django.conf.settings.SESSION_COOKIE_NAME}={client.cookies[django.conf.settings.SESSION_COOKIE_NAME].value}"
    )

    def put(start: int, length: int) -> None:
        environ = {
            "REQUEST_METHOD": "PUT",
            "PATH_INFO": started["url"],
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "testserver",
            "HTTP_COOKIE": cookie,
            "HTTP_CONTENT_RANGE": f"bytes {start}-{start + length - 1}/{size}",
            "CONTENT_TYPE": "application/octet-stream",
            "CONTENT_LENGTH": str(length),
            "wsgi.input": RangeStream(pdf, start, length),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        response: Any = handler(environ)
        if response.status_code != 200:
            raise SystemExit(f"chunk at {start} refused: {response.status_code} {response.content[:300]!r}")
        response.close()

    put(0, chunk_size)  # the first chunk warms up imports and URL resolution; not measured
    resettable = reset_peak_rss()
    before = current_rss_mb()
    began = time.perf_counter()
    for start in range(chunk_size, size, chunk_size):
        put(start, min(chunk_size, size - start))
    chunks_time, chunks_peak = time.perf_counter() - began, peak_rss_mb()
    temp_file = upload.temp_path(upload.Upload.objects.get(pk=started["id"]))
    assert temp_file.stat().st_size == size

    reset_peak_rss()
    finish_before = current_rss_mb()
    began = time.perf_counter()
    response = client.post(
        started["finish_url"],
        {"title": "Báo cáo tổng hợp", "kind": "report", "security": "all", "allow_download": "on"},
    )
    finish_time, finish_peak = time.perf_counter() - began, peak_rss_mb()
    if response.status_code != 201:
        raise SystemExit(f"finish refused: {response.status_code} {response.content[:300]!r}")
    version = Document.objects.get(pk=response.json()["document"]).current_version
    assert version is not None and version.size == size

    how = "peak" if resettable else "process peak (the high-water mark could not be reset)"
    print(
        f"  {size // chunk_size} PUT chunks of {chunk_size // (1024 * 1024)} MB through the upload endpoint (documents.actions.uploads.do_append_chunk; the first one warms up and is not measured):"
    )
    print(
        f"    RSS before {before:.0f} MB, {how} {chunks_peak:.0f} MB "
        f"(+{(chunks_peak - before) * 1024:.0f} KB while streaming {megabytes} MB), {megabytes / chunks_time:.0f} MB/s"
    )
    print("  finish (check by content with pypdf on the open file, copy to storage with sha256):")
    print(
        f"    RSS before {finish_before:.0f} MB, {how} {finish_peak:.0f} MB "
        f"(+{(finish_peak - finish_before) * 1024:.0f} KB), {finish_time:.2f} s; stored {version.size:,} bytes, sha256 {version.sha256[:12]}…"
    )


def bench_upload(megabytes: int) -> None:
    print(f"Peak memory of a {megabytes} MB upload through the project's upload path (separate process):")
    with tempfile.TemporaryDirectory(prefix="ecabinet-bench-") as work:
        env = {
            **os.environ,
            "BENCH_WORK": work,
            "DATABASE_URL": f"sqlite:///{work}/bench.sqlite3",
            "MEDIA_ROOT": f"{work}/media",
            "DOCUMENT_UPLOAD_TEMP_DIR": f"{work}/uploads",
            "DOCUMENT_MAX_UPLOAD_BYTES": str((megabytes + 1) * 1024 * 1024),
        }
        subprocess.run(  # noqa: S603  (this interpreter, this script)
            [sys.executable, __file__, "--upload-child", str(megabytes)], check=True, env=env
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--upload-mb", type=int, default=200)
    parser.add_argument("--ocr-pages", type=int, default=5)
    parser.add_argument("--only", choices=["conversion", "ocr", "upload"], help="run one part only")
    parser.add_argument("--upload-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.upload_child:
        upload_child(args.upload_child)
        return

    import django

    django.setup()
    print(f"eCabinet document benchmark — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="ecabinet-bench-") as work:
        if args.only in (None, "conversion"):
            bench_conversion(args.pages, Path(work))
        if args.only in (None, "ocr"):
            bench_ocr(args.ocr_pages, Path(work))
    if args.only in (None, "upload"):
        bench_upload(args.upload_mb)


if __name__ == "__main__":
    main()
