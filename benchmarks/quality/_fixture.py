"""Fixture records and the fragment → expected-text conversion used by build_fixtures.py.

A hand-written fixture is a full page plus the list of HTML fragments that make up the
article as a reader sees it. Inside a fragment, ``J("...")`` wraps junk that is on the
page but is not article text (an inline "[1]" footnote marker, a repeated headline, a
share bar inside the body…): it is kept in the page and left out of the expected text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

_J_OPEN, _J_CLOSE = "<!--J-->", "<!--/J-->"


def J(markup: str) -> str:
    """Junk inside an article fragment: on the page, not in the expected body."""
    return f"{_J_OPEN}{markup}{_J_CLOSE}"


def page_markup(markup: str) -> str:
    return markup.replace(_J_OPEN, "").replace(_J_CLOSE, "")


def article_markup(markup: str) -> str:
    return re.sub(re.escape(_J_OPEN) + ".*?" + re.escape(_J_CLOSE), "", markup, flags=re.S)


@dataclass
class Fixture:
    name: str
    url: str
    html: str  # with J markers; page_markup() gives the file content
    article: list[str] = field(default_factory=list)  # fragments, with J markers
    expected: str | None = None  # set directly for copied pages

    def page(self) -> str:
        return page_markup(self.html)

    def expected_text(self) -> str:
        if self.expected is not None:
            return self.expected
        return fragments_to_text([article_markup(f) for f in self.article])


_BLOCK = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "pre", "blockquote", "dt", "dd"}
_LINE_KINDS = {"li", "tr"}  # consecutive items of these kinds are one per line, no blank line


def _norm(text: str) -> str:
    return " ".join(text.split())


def blocks(markup: str) -> list[tuple[str, str]]:
    """(kind, text) for the block elements of a fragment, in document order, outermost
    block wins (a <p> inside an <li> belongs to the item)."""
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    out: list[tuple[str, str]] = []

    def walk(el) -> None:  # type: ignore[no-untyped-def]
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag in ("ul", "ol", "table", "thead", "tbody", "div", "section", "figure"):
                walk(child)
            elif child.tag == "tr":
                cells = [_norm(c.text_content()) for c in child if isinstance(c.tag, str) and c.tag in ("td", "th")]
                out.append(("tr", " | ".join(cells)))
            elif child.tag in _BLOCK:
                if child.tag == "blockquote" and any(isinstance(c.tag, str) and c.tag in _BLOCK for c in child):
                    walk(child)
                    continue
                text = _norm(child.text_content())
                if text:
                    out.append(("li" if child.tag == "li" else child.tag, text))
            else:
                text = _norm(child.text_content())
                if text:
                    out.append(("p", text))

    walk(root)
    return out


def fragments_to_text(fragments: list[str]) -> str:
    items: list[tuple[str, str]] = []
    for frag in fragments:
        items.extend(blocks(frag))
    parts: list[str] = []
    prev = None
    for kind, text in items:
        if parts and not (kind in _LINE_KINDS and prev == kind):
            parts.append("\n\n")
        elif parts:
            parts.append("\n")
        parts.append(text)
        prev = kind
    return "".join(parts) + "\n"
