"""End to end: `harvest crawl` (a real Prefect flow, real crawl processes) against the local
WordPress-like and Drupal-like sites, asserting on the stored files and the index."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storage.corpus import Corpus
from tests.conftest import SITES, write_config

pytestmark = [pytest.mark.slow, pytest.mark.backends]  # backends: on SQLite and on PostgreSQL


def harvest(*args: str, cwd: Path, env_extra: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_HOME": str(cwd / "prefect-home"), **(env_extra or {})}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def site_entry(name: str, url: str, extra: str = "") -> str:
    return f"  - name: {name}\n    url: {url}\n    delay: 0\n{extra}"


def expected(site: str) -> dict:
    return json.loads((SITES / site / "expected.json").read_text(encoding="utf-8"))


def norm(text: str) -> str:
    text = text.strip()
    text = text[2:] if text.startswith(("- ", "• ")) else text
    return " ".join(text.split())


def stored_docs(corpus: Path, base: str) -> dict[str, dict[str, Any]]:
    """The columns of the corpus's documents whose URL starts with ``base``, by the rest of their URL
    (read through the corpus: its index wherever HARVEST_INDEX says)."""
    with Corpus(corpus) as store:
        return {doc.url[len(base):]: doc.as_record() for doc in store.documents()
                if doc.url and doc.url.startswith(base)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_site(corpus: Path, base: str, site: str) -> None:
    """Exactly the site's articles are stored, once each, with their text and metadata."""
    exp = expected(site)
    docs = stored_docs(corpus, base)
    assert sorted(docs) == sorted(a["canonical_path"] for a in exp["articles"])
    for article in exp["articles"]:
        doc = docs[article["canonical_path"]]
        text = (corpus / doc["file"]).read_text(encoding="utf-8")
        title, *paragraphs = text.rstrip("\n").split("\n\n")
        assert title == article["title"]
        assert [norm(p) for p in paragraphs] == [norm(p) for p in article["body"]], article["canonical_path"]
        assert (doc["title"], doc["date"], doc["language"]) == (article["title"], article["date"], article["language"])
        if article.get("author"):
            assert doc["author"] == article["author"]
        assert doc["source"] and doc["fetched_at"] and doc["content_hash"]
        body = " ".join(article["body"]).lower()
        for phrase in exp["chrome_phrases"]:
            if phrase.lower() not in body and phrase.lower() not in article["title"].lower():
                assert phrase.lower() not in text.lower(), (phrase, doc["file"])
    for path in exp["not_items"]:
        assert path not in docs


@pytest.fixture
def project(tmp_path: Path, seeded_corpus: Path, wordpress_site, drupal_site) -> dict:
    dead = free_port()
    config = write_config(
        tmp_path / "sources.yaml",
        site_entry("mewa-like", f"{wordpress_site.url}/en/"),
        site_entry("uclg-like", f"{drupal_site.url}/en/"),
        site_entry("unreachable", f"http://127.0.0.1:{dead}/en/", "    enabled: false\n"),
    )
    return {"dir": tmp_path, "config": config, "corpus": seeded_corpus,
            "wp": wordpress_site.url, "drupal": drupal_site.url}


def test_crawl_stores_every_article_once_beside_the_seeds(project: dict) -> None:
    cwd, corpus = project["dir"], project["corpus"]
    run = harvest("crawl", "--config", str(project["config"]), "--corpus", str(corpus), cwd=cwd)
    assert run.returncode == 0, run.stdout + run.stderr
    check_site(corpus, project["wp"], "wordpress")
    check_site(corpus, project["drupal"], "drupal")
    # Numbering continues after the seeds; every file has its row and every row its file.
    files = sorted(p.name for p in corpus.glob("*.txt"))
    numbers = sorted(int(name.split("_")[0]) for name in files)
    n_articles = len(expected("wordpress")["articles"]) + len(expected("drupal")["articles"])
    assert numbers == list(range(5 + n_articles))
    with Corpus(corpus) as store:
        assert {name for _, name in store.index.document_files()} == set(files)
    # The summary table names both sources with their counts.
    lines = {line.split()[0]: line.split() for line in run.stdout.splitlines() if line.strip()}
    assert lines["mewa-like"][1] == "ok" and lines["mewa-like"][4] == str(len(expected("wordpress")["articles"]))
    assert lines["uclg-like"][1] == "ok" and lines["uclg-like"][4] == str(len(expected("drupal")["articles"]))

    # A second crawl of the unchanged sites stores nothing and requests no known article again.
    again = harvest("crawl", "--config", str(project["config"]), "--corpus", str(corpus), "--json", cwd=cwd)
    assert again.returncode == 0, again.stderr
    summaries = json.loads(again.stdout[again.stdout.index("["):])
    assert [s["new"] for s in summaries] == [0, 0]
    assert sorted(p.name for p in corpus.glob("*.txt")) == files

    # Export: one record per document, seeds included, text without the title.
    out = harvest("export", "--corpus", str(corpus), cwd=cwd)
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == len(files)
    article = next(r for r in records if r["url"] and "cooperation-protocol" in r["url"])
    assert list(article)[:9] == ["id", "file", "url", "source", "title", "date", "language", "fetched_at", "text"]
    assert article["title"] not in article["text"] and article["text"].startswith("A Cooperation Protocol was signed")
    parquet = cwd / "corpus.parquet"
    exported = harvest("export", "--corpus", str(corpus), "--format", "parquet", "-o", str(parquet), cwd=cwd)
    assert exported.returncode == 0
    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    assert table.num_rows == len(files) and "text" in table.column_names


def test_failing_source_does_not_stop_the_others(project: dict) -> None:
    cwd, corpus = project["dir"], project["corpus"]
    run = harvest("crawl", "mewa-like", "unreachable", "--config", str(project["config"]), "--corpus", str(corpus),
                  "--retries", "0", cwd=cwd)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "unreachable: FAILED" in run.stdout
    assert "ConnectionRefusedError" in run.stdout or "Connection" in run.stdout
    docs = stored_docs(corpus, project["wp"])
    assert len(docs) == len(expected("wordpress")["articles"])


@pytest.mark.parametrize("args,words", [
    (["crawl", "no-such-source"], "unknown source(s): no-such-source"),
    (["crawl", "--jobs", "0"], "--jobs must be at least 1"),
])
@pytest.mark.sqlite_only("the command stops before it opens an index")
def test_usage_errors_exit_2(project: dict, args: list[str], words: str) -> None:
    run = harvest(*args, "--config", str(project["config"]), cwd=project["dir"])
    assert run.returncode == 2
    assert words in run.stderr


@pytest.mark.sqlite_only("the command stops before it opens an index")
def test_bad_yaml_exits_2_naming_file_line_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - name: a\n    url: https://a.org/\n    deny: ['([']\n", encoding="utf-8")
    run = harvest("crawl", "--config", str(bad), cwd=tmp_path)
    assert run.returncode == 2
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(f"harvest: {bad}:4: sources[0].deny[0]: bad regular expression")


def test_sources_lists_declared_and_found_discovery(project: dict) -> None:
    cwd, corpus = project["dir"], project["corpus"]
    crawled = harvest("crawl", "mewa-like", "--config", str(project["config"]), "--corpus", str(corpus), cwd=cwd)
    assert crawled.returncode == 0
    run = harvest("sources", "--config", str(project["config"]), "--corpus", str(corpus), cwd=cwd)
    assert run.returncode == 0
    row = next(line for line in run.stdout.splitlines() if line.startswith("mewa-like"))
    assert "feeds=1" in row.split("feeds=0")[-1] and "wp-api=yes" in row
    assert "(not crawled yet)" in next(line for line in run.stdout.splitlines() if line.startswith("uclg-like"))


def test_scrapy_list_and_crawl_keep_working(project: dict) -> None:
    env = {**os.environ, "HARVEST_CONFIG": str(project["config"])}
    root = Path(__file__).resolve().parent.parent
    listed = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=root, env=env, capture_output=True, text=True,
                            timeout=120)
    assert listed.stdout.split() == ["mewa-like", "uclg-like", "unreachable"]
    corpus = project["dir"] / "scrapy-corpus"
    crawled = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "uclg-like", "-s", f"HARVEST_CORPUS={corpus}",
                              "-s", "LOG_LEVEL=WARNING"],
                             cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert crawled.returncode == 0, crawled.stderr
    assert len(list(corpus.glob("*.txt"))) == len(expected("drupal")["articles"])
