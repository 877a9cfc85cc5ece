"""Only new items: a WordPress-like site in two states, crawled three times.

State 2 = state 1 plus two new articles, one edited article, one article republished under
another URL, and listing links carrying tracking parameters. The test server logs every
request with its conditional headers."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from storage.corpus import Corpus
from tests.conftest import SITES, write_config
from tests.test_crawl_e2e import free_port, site_entry

sys.path.insert(0, str(SITES))
import sitegen  # noqa: E402
import theme_wordpress  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.backends]  # backends: on SQLite and on PostgreSQL

NEW_TOPICS = [
    ("Water Security", "water security and drought resilience", "groundwater management, the reuse of "
     "treated wastewater and the protection of wetlands around growing cities"),
    ("Inclusive Public Spaces", "inclusive and safe public spaces", "street lighting, accessible parks, "
     "safe routes to school and the participation of older people and women in the design of squares"),
]
NEW_BODY = [
    "UCLG-MEWA and the municipalities of the region launched a call for local projects on water "
    "security and drought resilience. The call is open to member municipalities of every size.",
    "Selected projects will receive technical assistance from experts of the network and will be "
    "presented at the next Executive Bureau meeting, together with a report on lessons learnt.",
    "The call was announced during an online session attended by representatives of thirty "
    "municipalities, who discussed groundwater management, the reuse of treated wastewater and the "
    "protection of wetlands around growing cities.",
]


def build_state2(root: Path, now: datetime) -> dict[str, Any]:
    """Generate state 2 from the articles of state 1; return what changed."""
    content = copy.deepcopy(sitegen.load_content())
    posts = content["wordpress"]
    stamp = now.isoformat()
    edited = posts[1]
    edited["body"] = list(edited["body"]) + ["Update: the meeting report is now available to members."]
    edited["modified"] = stamp
    republished = copy.deepcopy(posts[2])
    republished.update(id=9001, slug="republished-" + posts[2]["slug"][:40], published=stamp, modified=stamp)
    fresh = []
    for i, (title, topic, details) in enumerate(NEW_TOPICS):
        body = [p.replace("water security and drought resilience", topic).replace(
            "groundwater management, the reuse of treated wastewater and the protection of wetlands around "
            "growing cities", details) for p in NEW_BODY]
        fresh.append({"id": 9100 + i, "slug": f"call-for-local-projects-{i + 1}", "published": stamp,
                      "modified": stamp, "title": f"Call for Local Projects on {title}",
                      "author": "UCLG-MEWA", "tags": ["climate"], "body": body})
    posts.extend(fresh + [republished])
    theme_wordpress.build_mewa(content, root)
    # Listing links as a newsletter would send them.
    listing = root / "en" / "news" / "index.html"
    html = listing.read_text(encoding="utf-8")
    listing.write_text(re.sub(r'href="(\{\{BASE\}\}/en/[^"/]+/)"', r'href="\1?utm_source=newsletter&utm_medium=email"',
                              html), encoding="utf-8")
    return {"edited": f"/en/{edited['slug']}/", "republished": f"/en/{republished['slug']}/",
            "new": [f"/en/{p['slug']}/" for p in fresh]}


def crawl(config: Path, corpus: Path) -> dict[str, Any]:
    out = corpus.parent / "summary.json"
    run = subprocess.run([sys.executable, "-m", "crawlers.run", "site", "--config", str(config), "--corpus",
                          str(corpus), "--summary", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def article_requests(site: Any, paths: set[str]) -> list[Any]:
    return [r for r in site.requests if unquote(r.path.split("?")[0]) in paths]


def test_three_crawls_bring_exactly_what_is_new(tmp_path: Path, seeded_corpus: Path) -> None:
    from testing.localsite import LocalSite

    port = free_port()
    config = write_config(tmp_path / "sources.yaml", site_entry("site", f"http://127.0.0.1:{port}/en/"))
    expected1 = json.loads((SITES / "wordpress" / "expected.json").read_text(encoding="utf-8"))
    paths1 = {unquote(a["path"]) for a in expected1["articles"]}

    with LocalSite(SITES / "wordpress", port=port) as site:
        first = crawl(config, seeded_corpus)
        assert first["new"] == len(paths1)
        assert len(article_requests(site, paths1)) == len(paths1)
        files1 = {p.name: p.read_bytes() for p in seeded_corpus.glob("*.txt")}
        site.requests.clear()
        second = crawl(config, seeded_corpus)
        # Unchanged site: no article downloaded again, nothing written.
        assert article_requests(site, paths1) == []
        assert second["new"] == second["updated"] == 0
        assert {p.name: p.read_bytes() for p in seeded_corpus.glob("*.txt")} == files1
        assert second["requests"] < first["requests"]

    state2 = tmp_path / "state2"
    changes = build_state2(state2, datetime.now(UTC) + timedelta(seconds=2))
    with LocalSite(state2, port=port) as site:
        third = crawl(config, seeded_corpus)
        fetched = article_requests(site, paths1 | set(changes["new"]) | {changes["republished"]})
        plain = sorted(unquote(r.path.split("?")[0]) for r in fetched if "If-None-Match" not in r.headers)
        conditional = [r for r in fetched if "If-None-Match" in r.headers]
        # New and republished URLs fetched once each; the edited one re-checked conditionally.
        assert plain == sorted(changes["new"] + [changes["republished"]])
        assert [unquote(r.path) for r in conditional] == [changes["edited"]]
        assert conditional[0].status == 200
    assert third["new"] == 2 and third["updated"] == 1 and third["duplicate"] == 1
    files3 = {p.name: p.read_bytes() for p in seeded_corpus.glob("*.txt")}
    changed = {name for name in files1 if files1[name] != files3[name]}
    assert len(files3) == len(files1) + 2 and len(changed) == 1
    with Corpus(seeded_corpus) as corpus:
        edited = changed.pop()
        (doc,) = [d for d in corpus.documents() if d.file == edited]
        assert len(corpus.index.revisions(doc.id)) == 2
        aliases = [d.meta.get("aliases", []) for d in corpus.documents()]
    assert [a["url"].split(str(port))[1] for group in aliases for a in group] == [changes["republished"]]


def test_reset_forces_a_full_recrawl(tmp_path: Path, seeded_corpus: Path) -> None:
    from testing.localsite import LocalSite

    port = free_port()
    config = write_config(tmp_path / "sources.yaml", site_entry("site", f"http://127.0.0.1:{port}/en/"))
    with LocalSite(SITES / "wordpress", port=port) as site:
        crawl(config, seeded_corpus)
        reset = subprocess.run([sys.executable, "-m", "flows.cli", "reset", "site", "--config", str(config),
                                "--corpus", str(seeded_corpus)], capture_output=True, text=True, timeout=60)
        assert reset.returncode == 0, reset.stderr
        assert "forgot" in reset.stdout
        site.requests.clear()
        again = crawl(config, seeded_corpus)
        expected = json.loads((SITES / "wordpress" / "expected.json").read_text())
        paths = {unquote(a["path"]) for a in expected["articles"]}
        assert len(article_requests(site, paths)) == len(paths)
        assert again["new"] == 0 and again["unchanged"] == len(paths)
