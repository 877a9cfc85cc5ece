"""Shared pieces of the site generator: content model, HTML helpers, output tree."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

HERE = Path(__file__).resolve().parent
BASE = "{{BASE}}"
LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


# -- content model ------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One body block: kind is "p", "h" (sub-heading) or "li" (list item)."""

    kind: str
    source: str

    @property
    def text(self) -> str:
        return LINK_RE.sub(lambda m: m.group(1), self.source)

    @property
    def html(self) -> str:
        return inline_html(self.source)


@dataclass
class Entry:
    """An article or static page as read from ``articles.yaml``."""

    title: str
    path: str
    body: list[Block]
    published: datetime | None = None
    modified: datetime | None = None
    author: str | None = None
    language: str = "en"
    ident: int = 0
    slug: str = ""
    tags: list[str] = field(default_factory=list)
    terms: list[int] = field(default_factory=list)
    image: str | None = None
    author_org: str | None = None

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.body]

    def excerpt(self, words: int = 55) -> str:
        """WordPress-style automatic excerpt (first ``words`` words of the text), plain text."""
        tokens = " ".join(b.text for b in self.body if b.kind == "p").split()
        if len(tokens) <= words:
            return " ".join(tokens)
        return " ".join(tokens[:words]) + " [\u2026]"

    def summary(self, limit: int = 240) -> str:
        """Drupal-style trimmed summary: whole sentences of the first paragraph."""
        first = self.body[0].text
        if len(first) <= limit:
            return first
        cut = first.rfind(". ", 0, limit)
        return first[: cut + 1] if cut > 0 else first[:limit].rsplit(" ", 1)[0] + "…"


def parse_blocks(raw: Iterable[str]) -> list[Block]:
    """Turn the YAML body strings into blocks."""
    blocks = []
    for item in raw:
        if item.startswith("## "):
            blocks.append(Block("h", item[3:].strip()))
        elif item.startswith("- "):
            blocks.append(Block("li", item[2:].strip()))
        else:
            blocks.append(Block("p", item))
    return blocks


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def load_content() -> dict[str, Any]:
    with (HERE / "articles.yaml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def wordpress_entries(raw: list[dict[str, Any]], prefix: str) -> list[Entry]:
    """WordPress posts or pages at ``<prefix>/<slug>/``, newest first."""
    entries = [
        Entry(
            title=r["title"],
            path=f"{prefix}/{r['slug']}/",
            body=parse_blocks(r["body"]),
            published=parse_time(r.get("published")),
            modified=parse_time(r.get("modified")),
            author=r.get("author"),
            ident=r["id"],
            slug=r["slug"],
            tags=r.get("tags", []),
            image=r.get("image"),
        )
        for r in raw
    ]
    return sorted(entries, key=sort_key, reverse=True)


def sort_key(entry: Entry) -> datetime:
    """Publication time, else modification time (for newest-first ordering)."""
    return entry.published or entry.modified or datetime.min.replace(tzinfo=UTC)


# -- rendering helpers --------------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def absolute(href: str) -> str:
    return BASE + href if href.startswith("/") else href


def inline_html(source: str) -> str:
    """Escape text and turn ``[text](href)`` into links."""
    out, pos = [], 0
    for m in LINK_RE.finditer(source):
        out.append(html.escape(source[pos : m.start()], quote=False))
        out.append(f'<a href="{esc(absolute(m.group(2)))}">{html.escape(m.group(1), quote=False)}</a>')
        pos = m.end()
    out.append(html.escape(source[pos:], quote=False))
    return "".join(out)


def blocks_html(blocks: list[Block]) -> str:
    """Render body blocks as <p>, <h3> and <ul><li> elements."""
    lines: list[str] = []
    in_list = False
    for block in blocks:
        if block.kind == "li" and not in_list:
            lines.append("<ul>")
            in_list = True
        elif block.kind != "li" and in_list:
            lines.append("</ul>")
            in_list = False
        if block.kind == "li":
            lines.append(f"<li>{block.html}</li>")
        elif block.kind == "h":
            lines.append(f"<h3>{block.html}</h3>")
        else:
            lines.append(f"<p>{block.html}</p>")
    if in_list:
        lines.append("</ul>")
    return "\n".join(lines)


def rfc822(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC))


def utc_iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


# -- output -------------------------------------------------------------------------------


@dataclass
class SiteTree:
    """Files of one site, written in one go."""

    root: Path
    files: dict[str, str] = field(default_factory=dict)
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, rel: str, content: str) -> None:
        if rel in self.files:
            raise ValueError(f"duplicate file {rel}")
        self.files[rel] = content

    def add_page(self, url_path: str, content: str) -> None:
        """Add an HTML page for a URL path ("/a/b/" -> a/b/index.html, "/a/b" -> a/b)."""
        rel = unquote(url_path.strip("/"))
        if url_path.endswith("/"):
            rel = f"{rel}/index.html" if rel else "index.html"
        self.add(rel, content)

    def write(self) -> None:
        if self.root.exists():
            shutil.rmtree(self.root)
        for rel, content in sorted(self.files.items()):
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        if self.routes:
            text = json.dumps(self.routes, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
            (self.root / "_routes.json").write_text(text, encoding="utf-8")


def expected_article(entry: Entry, aliases: list[str], in_feed: bool) -> dict[str, Any]:
    assert entry.published is not None
    return {
        "path": entry.path,
        "canonical_path": entry.path,
        "aliases": aliases,
        "title": entry.title,
        "date": entry.published.date().isoformat(),
        "author": entry.author,
        "language": entry.language,
        "in_feed": in_feed,
        "body": entry.paragraphs,
    }


def write_expected(root: Path, expected: dict[str, Any]) -> None:
    """Write expected.json after checking no chrome phrase leaks into a body."""
    for article in expected["articles"]:
        for phrase in expected["chrome_phrases"]:
            for para in article["body"]:
                if phrase in para:
                    raise ValueError(f"chrome phrase {phrase!r} occurs in {article['path']}")
    text = json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    (root / "expected.json").write_text(text, encoding="utf-8")
