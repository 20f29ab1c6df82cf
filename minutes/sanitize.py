"""The one gate every minutes and notice body passes before it is stored: an allow-list of tags
(headings, paragraphs, emphasis, lists, tables) and no attributes but a table cell's span.
Scripts, styles, event handlers, links, images and comments are dropped (nh3, the Ammonia
sanitiser); what the browser's editor sends is never stored as it came."""

from __future__ import annotations

import html as htmllib
import re

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4", "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# Dropped with what they contain (not just unwrapped): their text is code, not content.
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "template", "iframe", "object", "noscript", "textarea", "select"})
MAX_BODY_CHARS = 1_000_000

_BLANK = re.compile(r"[\s\u00a0]+")


_DIV = re.compile(r"<(/?)div\b[^>]*>", re.IGNORECASE)


def sanitize_html(html: str) -> str:
    # Browsers' editors separate lines with <div>: those become paragraphs, not run-together text.
    html = _DIV.sub(lambda m: f"<{m.group(1)}p>", html or "")
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        strip_comments=True,
        link_rel=None,
    ).strip()


def plain_text(html: str) -> str:
    return _BLANK.sub(" ", htmllib.unescape(strip_tags(html))).strip()


def clean_body(html: str) -> str:
    """The sanitised body, or a ValidationError in Vietnamese when nothing readable is left."""
    if len(html or "") > MAX_BODY_CHARS:
        raise ValidationError(_("The text is too long."), code="too_long")
    clean = sanitize_html(html)
    if not plain_text(clean):
        raise ValidationError(_("The text is empty. Write the content before saving."), code="empty")
    return clean
