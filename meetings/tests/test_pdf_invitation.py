"""The giấy mời follows Nghị định 30/2020/NĐ-CP: A4, the authority and national title in the
header, Vietnamese text with its diacritics, local times, and the answer deadline of Điều 6.3."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from conftest import login
from core.nd30 import FontsMissing, place_and_date
from meetings import rules
from meetings.actions.registration import Guest
from meetings.invitation_pdf import render_invitation_pdf
from meetings.tests.conftest import approved, create

A4_POINTS = ("595.28", "841.89")


# --- reading the text back: fpdf2 writes glyph ids, the ToUnicode maps turn them into text ----


def _unicode_map(stream: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for low, high, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(int(dst, 16) + offset)
    return mapping


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    while i < len(raw):
        if raw[i] != 0x5C:
            out.append(raw[i])
            i += 1
            continue
        following = raw[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += escapes.get(following, following)
            i += 2
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """All text shown on the pages of an uncompressed fpdf2 PDF, whitespace removed (line
    breaks and justification split words anywhere)."""
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}
    fonts: dict[bytes, dict[int, str]] = {}
    for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", pdf):
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)])
        if to_unicode:
            fonts[name] = _unicode_map(objects[int(to_unicode.group(1))])
    chunks: list[str] = []
    for body in objects.values():
        if b"stream" not in body or b"BT" not in body:
            continue
        current: dict[int, str] = {}
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)", body, re.S):
            if token.group(1):
                current = fonts.get(token.group(1), {})
                continue
            raw = _unescape(token.group(2))
            chunks.append(
                "".join(current.get(int.from_bytes(raw[i : i + 2], "big"), "?") for i in range(0, len(raw) - 1, 2))
            )
    return "".join("".join(chunks).split())


def squeeze(text: str) -> str:
    return "".join(text.split())


def assert_shows(text: str, *expected: str) -> None:
    for phrase in expected:
        assert squeeze(phrase) in text, phrase


# --- the letter -------------------------------------------------------------------------------


def test_invitation_is_an_a4_pdf(organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    pdf = render_invitation_pdf(meeting)
    assert pdf.startswith(b"%PDF-")
    media_boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert media_boxes and all((w.decode(), h.decode()) == A4_POINTS for w, h in media_boxes)


def test_letter_has_the_decree_header_title_and_signer(organiser, leader, attendee, colleague, room) -> None:
    meeting = approved(organiser, leader, [attendee, colleague], room=room, place="")
    text = pdf_text(render_invitation_pdf(meeting, compress=False))
    assert_shows(
        text,
        "UBND TỈNH NINH BÌNH",  # the supervising authority, abbreviated as the decree allows
        "SỞ NỘI VỤ",
        "Số: /GM-SNV",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        place_and_date(timezone.localtime(meeting.decided_at).date()),
        "GIẤY MỜI",
        "Về việc: Họp giao ban tháng 12",
        "Sở Nội vụ trân trọng kính mời đại biểu tham dự cuộc họp",
        "Địa điểm: Phòng họp tầng 3 – Số 2 Lê Hồng Phong.",
        "Chủ trì: đồng chí Vũ Thị Hồng, Giám đốc Sở.",
        "Thành phần: 2 cán bộ, công chức được mời",
        "5.1. Báo cáo tình hình (trình bày: Văn phòng Sở; 20 phút);",
        "5.2. Thảo luận (40 phút).",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT.",
        "GIÁM ĐỐC SỞ",
        "Vũ Thị Hồng",
    )
    assert "Dựthảo" not in text  # approved: no draft note


def test_times_and_answer_deadline_are_in_ho_chi_minh_time(organiser, leader, attendee) -> None:
    start = (timezone.now() + timedelta(days=10)).astimezone(UTC).replace(hour=1, minute=30, second=0, microsecond=0)
    meeting = approved(
        organiser, leader, [attendee], start=start, end=start + timedelta(hours=2), start_in=timedelta(days=10)
    )
    text = pdf_text(render_invitation_pdf(meeting, compress=False))
    local = timezone.localtime(start)
    assert local.hour == 8  # UTC+7
    deadline = timezone.localtime(rules.answer_deadline(meeting))
    assert_shows(
        text,
        f"Thời gian: từ 08:30 đến 10:30, {['thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy', 'Chủ nhật'][local.weekday()]}, ngày {local:%d/%m/%Y}.",
        f"Đề nghị đại biểu xác nhận tham dự trên Hệ thống eCabinet trước {deadline:%H:%M} ngày {deadline:%d/%m/%Y}.",
    )
    assert "01:30" not in text


def test_attendees_summary_counts_officials_units_and_guests(organiser, leader, attendee, province) -> None:
    meeting = approved(
        organiser,
        leader,
        [attendee],
        attendee_units=[province["stc"]],
        guests=[Guest("Ông Nguyễn Văn An", "Báo Ninh Bình"), Guest("Bà Lê Thị Bình")],
        content="Đánh giá kết quả công tác năm.",
    )
    text = pdf_text(render_invitation_pdf(meeting, compress=False))
    assert_shows(
        text,
        "1 cán bộ, công chức được mời; đại diện 1 đơn vị (Sở Tài chính); 2 khách mời",
        "Nội dung: Đánh giá kết quả công tác năm.",
    )


def test_the_text_check_can_fail(organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    text = pdf_text(render_invitation_pdf(meeting, compress=False))
    assert "SởTàichính" not in text and "kháchmời" not in text
    assert "GIẤYMỜI" in text


def test_online_meeting_gives_the_link(organiser, leader, attendee) -> None:
    link = "https://hop.ninhbinh.gov.vn/snv/giao-ban"
    meeting = approved(organiser, leader, [attendee], format="hybrid", online_link=link)
    text = pdf_text(render_invitation_pdf(meeting, compress=False))
    assert_shows(text, "Địa điểm: Hội trường Sở Nội vụ, kết hợp trực tuyến.", f"Đường dẫn họp trực tuyến: {link}")


def test_a_draft_is_marked_and_signed_by_the_chair(organiser, leader, attendee, colleague) -> None:
    meeting = create(organiser, colleague, [attendee])
    text = pdf_text(render_invitation_pdf(meeting, compress=False))
    assert_shows(text, "(Dự thảo – cuộc họp chưa được phê duyệt)", "Lý Thị Hoa")


def test_long_agenda_continues_on_numbered_pages(organiser, leader, attendee) -> None:
    from meetings.actions.registration import AgendaLine

    agenda = [
        AgendaLine(f"Báo cáo chuyên đề số {n} về cải cách hành chính và chuyển đổi số của tỉnh", "Phòng Tổng hợp", 10)
        for n in range(1, 30)
    ]
    meeting = approved(organiser, leader, [attendee], agenda=agenda)
    pdf = render_invitation_pdf(meeting, compress=False)
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 2
    assert_shows(pdf_text(pdf), "5.29. Báo cáo chuyên đề số 29", "Vũ Thị Hồng")


def test_missing_fonts_name_the_debian_package(organiser, leader, attendee, settings, tmp_path) -> None:
    meeting = approved(organiser, leader, [attendee])
    settings.PDF_FONT_DIR = str(tmp_path)
    with pytest.raises(FontsMissing, match="fonts-liberation2"):
        render_invitation_pdf(meeting)


def test_invitation_pdf_download(client, organiser, leader, attendee) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, attendee)
    response = client.get(f"/meetings/{meeting.pk}/invitation.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="giay-moi-{meeting.pk}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")


def test_outsider_gets_404_for_the_pdf(client, organiser, leader, attendee, stc_member) -> None:
    meeting = approved(organiser, leader, [attendee])
    login(client, stc_member)
    assert client.get(f"/meetings/{meeting.pk}/invitation.pdf").status_code == 404
    assert client.get("/meetings/999999/invitation.pdf").status_code == 404
