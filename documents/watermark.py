"""Watermarks for restricted documents (Điều 6.1b): who is looking, from which unit, and when.

The line "<full name> · <unit> · dd/mm/yyyy HH:MM" (Vietnam time) is burned into every page a
restricted document shows or hands out — into the pixels of page images (Pillow) and onto every
page of a downloaded PDF (an fpdf2 page stamped on with pypdf) — diagonal, semi-transparent and
repeated, so a photo or a crop of any part of a page still says whose copy it was.
"""

from __future__ import annotations

import io
import math
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

import pypdf
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from core.nd30 import FontsMissing, font_dir

if TYPE_CHECKING:
    from accounts.models import OrgUnit

FONT_FILE = "LiberationSans-Regular.ttf"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
ANGLE = 30  # degrees, counter-clockwise: the text climbs from bottom left to top right
COLOUR = (150, 30, 30)
OPACITY = 0.3
FOOTER_COLOUR = (90, 90, 90)


class Reader(Protocol):
    """Whom a watermark names: a signed-in account (accounts.models.User)."""

    @property
    def display_name(self) -> str: ...

    @property
    def unit(self) -> OrgUnit | None: ...


def watermark_line(user: Reader, at: datetime) -> str:
    """The text of the watermark. The time is always Vietnam time, whatever the server's zone."""
    parts = [user.display_name]
    if user.unit is not None:
        parts.append(user.unit.name)
    parts.append(at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M"))
    return " · ".join(parts)


def _font_path() -> Path:
    path = font_dir() / FONT_FILE
    if not path.is_file():
        raise FontsMissing(
            f"Watermarks need the Liberation Sans font ({FONT_FILE}) in {path.parent}. "
            "Install the Debian package fonts-liberation2, or set PDF_FONT_DIR to a directory holding it."
        )
    return path


@lru_cache(maxsize=32)
def _image_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def stamp_image(image: Image.Image, line: str) -> Image.Image:
    """A copy of `image` (RGB) with `line` repeated diagonally over all of it.

    The rows are drawn level onto an alpha mask large enough to cover the image at any angle,
    the mask is turned, and the colour is blended through it — one rotation, not one per copy.
    """
    width, height = image.size
    size = max(12, round(min(width, height) / 26))
    font = _image_font(str(_font_path()), size)
    step_x = font.getlength(line) + size * 3
    step_y = size * 5
    side = math.ceil(math.hypot(width, height))
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)
    alpha = round(255 * OPACITY)
    for row, y in enumerate(range(0, side, step_y)):
        x = -((row * step_x / 2) % step_x)  # each row shifted half a copy, so no column lines up
        while x < side:
            draw.text((x, y), line, font=font, fill=alpha)
            x += step_x
    mask = mask.rotate(ANGLE, resample=Image.Resampling.BILINEAR)
    left, top = (side - width) // 2, (side - height) // 2
    mask = mask.crop((left, top, left + width, top + height))
    stamped = image.convert("RGB")
    stamped.paste(COLOUR, mask=mask)
    return stamped


def _stamp_page(width: float, height: float, line: str) -> pypdf.PageObject:
    """One transparent PDF page of the given size (points) carrying the watermark."""
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_font("WatermarkSans", "", str(_font_path()))
    pdf.add_page()
    size = max(10.0, min(width, height) / 28)
    pdf.set_font("WatermarkSans", size=size)
    pdf.set_text_color(*COLOUR)
    step_x = pdf.get_string_width(line) + size * 3
    step_y = size * 5
    diagonal = math.hypot(width, height)
    with pdf.local_context(fill_opacity=OPACITY), pdf.rotation(ANGLE, x=width / 2, y=height / 2):
        row, y = 0, height / 2 - diagonal / 2
        while y < height / 2 + diagonal / 2:
            x = width / 2 - diagonal / 2 - (row * step_x / 2) % step_x
            while x < width / 2 + diagonal / 2:
                pdf.text(x, y, line)
                x += step_x
            row, y = row + 1, y + step_y
    # A small level line at the foot of the page as well: easy to read, and it survives a crop
    # of the page margins.
    pdf.set_font("WatermarkSans", size=7)
    pdf.set_text_color(*FOOTER_COLOUR)
    pdf.text(12, height - 8, line)
    return pypdf.PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0]


def stamp_pdf(source: IO[bytes], line: str, target: IO[bytes]) -> None:
    """Write `source` to `target` with the watermark on every page.

    Page rotation is moved into the content first, so the stamp sits level with the page as
    it is shown; one stamp page is made per distinct page size.
    """
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(source))
    stamps: dict[tuple[float, float], pypdf.PageObject] = {}
    for page in writer.pages:
        page.transfer_rotation_to_content()
        box = page.mediabox
        key = (round(float(box.width), 2), round(float(box.height), 2))
        if key not in stamps:
            stamps[key] = _stamp_page(*key, line)
        page.merge_transformed_page(stamps[key], pypdf.Transformation().translate(float(box.left), float(box.bottom)))
    writer.write(target)
