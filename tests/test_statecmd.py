"""`harvest state SOURCE` and `harvest sources --verbose`: a source's crawl state, read from a real
corpus written through the index's own methods, without writing to it."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import main
from storage.corpus import Corpus, NewDocument
from storage.index import INDEX_NAME, crawl_state
from tests.conftest import write_config

pytestmark = pytest.mark.backends  # each test on SQLite and on PostgreSQL (tests/conftest.py)

SITE = "https://wp.example"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus with two runs of source ``wp`` (the first complete), one stored item, a 404 found
    dead twice, a redirect, a rejected page and two discovery pages (one missing)."""
    folder = tmp_path / "corpus"
    with Corpus(folder) as c:
        stored = c.store(NewDocument(url=f"{SITE}/news/a", source="wp", title="A", language="en",
                                     paragraphs=["A paragraph about municipal cooperation in the region.",
                                                 "Another paragraph on the new library of the city."]))
        index = c.index
        with index.write():
            index.record_run("wp", "2026-11-01T10:00:00Z", "ok", {}, complete=True)
            index.record_run("wp", "2026-11-02T10:00:00Z", "ok", {}, complete=False)
            index.mark_url(f"{SITE}/news/a", "wp", "stored", doc_id=stored.doc.id)
            index.dead_end(f"{SITE}/gone", "wp", "http_404", 2)
            index.dead_end(f"{SITE}/gone", "wp", "http_404", 3)
            index.dead_end(f"{SITE}/moved", "wp", "redirect", 2, target=f"{SITE}/news/a")
            index.dead_end(f"{SITE}/events", "wp", "calendar", 2, status="rejected", etag='"e1"')
            index.mark_resource(f"{SITE}/robots.txt", "wp", "robots", "ok", run=2)
            index.mark_resource(f"{SITE}/sitemap.xml", "wp", "sitemap", "missing", run=2)
            index.record_run("other", "2026-11-02T11:00:00Z", "ok", {}, complete=True)
    return folder


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path / "sources.yaml", f"  - name: wp\n    url: {SITE}/\n",
                        "  - name: fresh\n    url: https://fresh.example/\n")


def harvest(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _fingerprint(folder: Path) -> dict[str, str]:
    """The hashes of the corpus's files (SQLite's shared-memory file of a WAL index aside: a reader
    makes it; and an empty write-ahead log is no write)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.endswith("-shm") and not (p.name.endswith("-wal") and not p.stat().st_size)}


def test_state_text(corpus: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _fingerprint(corpus)
    code, out, err = harvest(capsys, "state", "wp", "--corpus", str(corpus), "--config", str(config))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:8] == [
        "source: wp",
        "next run: 3 (2 recorded)",
        "last complete run: run 1, started 2026-11-01T10:00:00Z",
        "documents stored: 1 (item 1)",
        "seen URLs: dead 2, rejected 1, stored 1",
        "dead ends: 2 (http_404 1, redirect 1)",
        "rejected: 1 (calendar 1)",
        "discovery pages: 2; robots ok 1; sitemap missing 1",
    ]
    assert all(line.startswith("  ") for line in lines[8:10] + lines[11:])
    fields = [line.strip().split("  ") for line in lines[8:]]
    assert [f[:3] for f in fields[:2]] == [["robots", "ok", f"{SITE}/robots.txt"],
                                         ["sitemap", "missing", f"{SITE}/sitemap.xml"]]
    assert fields[0][3].startswith("checked 20") and len(fields[0]) == 4  # an ok page is not left alone
    assert fields[1][4] == "skipped until run 4 (backoff 1)"
    assert lines[10] == "dead ends and rejected pages:"
    rows = {f[2]: f for f in fields[3:]}
    assert list(rows) == sorted(rows) and len(rows) == 3
    gone, moved, events = rows[f"{SITE}/gone"], rows[f"{SITE}/moved"], rows[f"{SITE}/events"]
    assert gone[:2] == ["dead", "http_404"]
    assert gone[3] == "skipped until run 6 (backoff 2)"  # found dead twice: the backoff doubled
    assert gone[4].startswith("last seen 20") and len(gone) == 5
    assert moved[:2] == ["dead", "redirect"] and moved[-1] == f"-> {SITE}/news/a"
    assert events[:2] == ["rejected", "calendar"] and events[3] == "skipped until run 4 (backoff 1)"
    assert _fingerprint(corpus) == before  # read only


def test_state_json(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = harvest(capsys, "state", "wp", "--corpus", str(corpus), "--json")
    assert code == 0, err
    state = json.loads(out)
    assert (state["source"], state["next_run"], state["runs"]) == ("wp", 3, 2)
    assert state["last_complete_run"]["number"] == 1
    assert state["last_complete_run"]["started_at"] == "2026-11-01T10:00:00Z"
    assert state["counts"] == {
        "documents": 1, "items": 1, "dead_ends": 2, "dead_ends_by_reason": {"http_404": 1, "redirect": 1},
        "rejected": 1, "rejected_by_reason": {"calendar": 1},
        "discovery_pages": {"robots": {"ok": 1}, "sitemap": {"missing": 1}},
        "discovery_missing": 1, "discovery_failing": 0,
    }
    dead = {r["url"]: r for r in state["dead_ends"]}
    assert list(dead) == sorted(dead)
    assert {k: dead[f"{SITE}/gone"][k] for k in ("status", "reason", "backoff", "recheck_run", "target")} == \
        {"status": "dead", "reason": "http_404", "backoff": 2, "recheck_run": 6, "target": None}
    assert dead[f"{SITE}/moved"]["target"] == f"{SITE}/news/a"
    assert dead[f"{SITE}/events"]["etag"] == '"e1"'
    assert [(r["kind"], r["status"], r["backoff"], r["recheck_run"]) for r in state["resources"]] == \
        [("robots", "ok", None, None), ("sitemap", "missing", 1, 4)]


def test_state_of_a_source_not_crawled_yet_or_no_longer_configured(corpus: Path, config: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = harvest(capsys, "state", "fresh", "--corpus", str(corpus), "--config", str(config))
    assert code == 0
    assert out.splitlines()[:3] == ["source: fresh", "next run: 1 (0 recorded)", "last complete run: none"]
    # Not in the sources file, but the corpus remembers it.
    code, out, _ = harvest(capsys, "state", "other", "--corpus", str(corpus), "--config", str(config))
    assert code == 0 and out.splitlines()[1] == "next run: 2 (1 recorded)"


@pytest.mark.parametrize("argv,words", [
    (["state", "nope"], "unknown source(s): nope (known: wp, fresh)"),
    (["state", "wp", "--corpus", "/nonexistent/x"], "/nonexistent/x: --corpus: no such corpus folder"),
])
def test_state_errors(corpus: Path, config: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                      words: str) -> None:
    if "--corpus" not in argv:
        argv = [*argv, "--corpus", str(corpus)]
    code, out, err = harvest(capsys, *argv, "--config", str(config))
    assert code == 2 and out == "" and err.splitlines() == [f"harvest: {words}"]


def test_state_of_a_folder_that_is_no_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = harvest(capsys, "state", "wp", "--corpus", str(tmp_path / "empty"))
    assert code == 2 and "--corpus: not a corpus" in err


def test_state_through_the_command(corpus: Path, config: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    run = subprocess.run([sys.executable, "-m", "flows.cli", "state", "wp", "--corpus", str(corpus), "--json"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["counts"]["dead_ends"] == 2
    run = subprocess.run([sys.executable, "-m", "flows.cli", "state", "nope", "--corpus", str(corpus),
                          "--config", str(config)], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2 and run.stderr.startswith("harvest: unknown source(s): nope")


def test_sources_verbose(corpus: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = harvest(capsys, "sources", "--config", str(config), "--corpus", str(corpus), "--verbose")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1].startswith("wp ") and lines[3].startswith("fresh ")
    assert lines[2] == "  state: 1 stored, 2 dead ends, 1 rejected, 1 discovery pages missing"
    assert lines[4] == "  state: nothing in the corpus yet"
    code, out, _ = harvest(capsys, "sources", "--config", str(config), "--corpus", str(corpus))
    assert code == 0 and "state:" not in out and len(out.splitlines()) == 3


@pytest.mark.sqlite_only("reads an index.sqlite from before the crawl state columns, as a file")
def test_crawl_state_of_an_index_from_before_the_crawl_state_columns(tmp_path: Path) -> None:
    """An index written before the dead-end and resource columns existed is read as it is (None
    where a column is missing), not upgraded: the view writes nothing."""
    path = tmp_path / INDEX_NAME
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE urls (url TEXT PRIMARY KEY, source TEXT NOT NULL, doc_id TEXT, status TEXT NOT NULL,"
        " reason TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);"
        "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, started_at TEXT NOT NULL,"
        " finished_at TEXT, status TEXT NOT NULL, summary TEXT NOT NULL DEFAULT '{}');"
        "INSERT INTO urls VALUES('https://a.example/x', 'a', NULL, 'dead', 'http_404', '2020-01-01', '2020-01-02');"
        "INSERT INTO runs(source, started_at, status) VALUES('a', '2020-01-01T00:00:00Z', 'ok');")
    db.commit()
    db.close()
    before = path.read_bytes()
    state = crawl_state(path, "a")
    assert (state["next_run"], state["last_complete_run"], state["documents"], state["resources"]) == (2, None, {}, [])
    assert state["dead_ends"] == [{"url": "https://a.example/x", "status": "dead", "reason": "http_404",
                                   "backoff": None, "recheck_run": None, "target": None,
                                   "last_seen": "2020-01-02", "etag": None, "last_modified": None}]
    assert path.read_bytes() == before
    assert crawl_state(tmp_path / "missing.sqlite", "a")["runs"] == 0
