"""The difference between two versions of a body, computed on the server: each body becomes its
text blocks (headings, paragraphs, list items, table rows; from the sanitised HTML), the blocks
are compared with difflib, and a changed block is compared again word by word, so the page can
highlight exactly what was removed and added."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import lxml.html
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLOCK_TAGS = ("h2", "h3", "h4", "p", "li", "tr", "blockquote")
PREFIX = {"h2": "## ", "h3": "### ", "h4": "#### ", "li": "• ", "tr": "| "}


def blocks(html: str) -> list[str]:
    """The body's text blocks in reading order (nested blocks give their own text once)."""
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    result: list[str] = []
    for element in root.iter(*BLOCK_TAGS):
        if element.tag == "tr":
            text = " | ".join(" ".join(cell.text_content().split()) for cell in element.iter("td", "th"))
        elif element.tag in ("li", "blockquote"):
            # The item's own text, without the text of a nested list (those are blocks of their own).
            own = [element.text or ""]
            for child in element:
                if child.tag not in ("ul", "ol", "p", "table"):
                    own.append(child.text_content())
                own.append(child.tail or "")
            text = " ".join("".join(own).split())
        elif element.getparent() is not None and element.getparent().tag in ("li", "td", "th", "blockquote"):
            continue  # already part of its container's line
        else:
            text = " ".join(element.text_content().split())
        if text:
            result.append(PREFIX.get(element.tag, "") + text)
    return result


@dataclass
class DiffRow:
    kind: str  # "same", "removed", "added", "changed"
    html: SafeString


def _words(old: str, new: str) -> SafeString:
    a, b = old.split(), new.split()
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(out))  # noqa: S308 - every piece escaped above


def diff(old_html: str, new_html: str) -> list[DiffRow]:
    old, new = blocks(old_html), blocks(new_html)
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [DiffRow("same", escape(line)) for line in old[i1:i2]]
        elif tag == "replace":
            # Blocks edited in place are shown word by word; what is left over was removed or added.
            paired = min(i2 - i1, j2 - j1)
            for a, b in zip(old[i1 : i1 + paired], new[j1 : j1 + paired], strict=True):
                if difflib.SequenceMatcher(a=a.split(), b=b.split(), autojunk=False).ratio() >= 0.5:
                    rows.append(DiffRow("changed", _words(a, b)))
                else:
                    rows.append(DiffRow("removed", mark_safe(f"<del>{escape(a)}</del>")))  # noqa: S308
                    rows.append(DiffRow("added", mark_safe(f"<ins>{escape(b)}</ins>")))  # noqa: S308
            rows += [DiffRow("removed", mark_safe(f"<del>{escape(line)}</del>")) for line in old[i1 + paired : i2]]  # noqa: S308
            rows += [DiffRow("added", mark_safe(f"<ins>{escape(line)}</ins>")) for line in new[j1 + paired : j2]]  # noqa: S308
        else:
            rows += [DiffRow("removed", mark_safe(f"<del>{escape(line)}</del>")) for line in old[i1:i2]]  # noqa: S308
            rows += [DiffRow("added", mark_safe(f"<ins>{escape(line)}</ins>")) for line in new[j1:j2]]  # noqa: S308
    return rows
