import json
import multiprocessing
import os
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crawlers.summary import RunSummary
from storage.corpus import HOST, TEMP_STALE, Corpus, NewDocument, file_name, render_text
from storage.fingerprint import FINGERPRINT_SCHEME, simhash
from storage.ids import canonical_url, doc_id

pytestmark = pytest.mark.backends  # each test on SQLite and on PostgreSQL (tests/conftest.py)

PARAS = ["First paragraph of a story about municipal cooperation and the SDGs.",
         "Second paragraph with more words about gender equality in cities."]


def new(url: str, paragraphs: list[str] | None = None, title: str = "A title") -> NewDocument:
    return NewDocument(url=url, source="test", title=title, paragraphs=paragraphs or PARAS,
                       date="2020-09-04", language="en")


@pytest.mark.parametrize("a,b", [
    ("http://www.uclg-mewa.org/en/story/", "https://uclg-mewa.org/en/story"),
    ("https://uclg-mewa.org/en/story/#top", "https://uclg-mewa.org/en/story"),
    ("https://uclg-mewa.org/en/story/?utm_source=x&fbclid=1&gclid=2", "https://uclg-mewa.org/en/story"),
    ("https://uclg-mewa.org/strasbourg-execut%c4%b1ve/", "https://uclg-mewa.org/strasbourg-execut%C4%B1ve"),
    ("https://uclg-mewa.org/strasbourg-executıve/", "https://uclg-mewa.org/strasbourg-execut%C4%B1ve"),
    ("https://EXAMPLE.org:443/a/amp/", "https://example.org/a"),
    ("https://example.org/list?page=2&b=1", "https://example.org/list?b=1&page=2"),
])
def test_canonical_url_variants(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


def test_canonical_url_host_aliases() -> None:
    aliases = {"cglu.org": "uclg.org", "old.uclg.org": "uclg.org"}
    assert canonical_url("http://www.cglu.org/en/x", aliases) == canonical_url("https://uclg.org/en/x", aliases)
    assert canonical_url("https://other.org/en/x", aliases) != canonical_url("https://uclg.org/en/x", aliases)


def test_file_names_follow_seed_naming() -> None:
    assert file_name(5, "0123456789abcdef") == "005_0123456789abcdef.txt"
    assert file_name(1000, "0123456789abcdef") == "1000_0123456789abcdef.txt"
    with pytest.raises(ValueError):
        file_name(1, "../../etc/passwd")


def test_seeds_are_imported_and_numbering_continues(seeded_corpus: Path) -> None:
    with Corpus(seeded_corpus) as corpus:
        assert corpus.index.count() == 5
        result = corpus.store(new("https://uclg-mewa.org/en/a-new-story/"))
        assert result.status == "new"
        assert result.doc.file == f"005_{doc_id(canonical_url('https://uclg-mewa.org/en/a-new-story/'))}.txt"
        text = (seeded_corpus / result.doc.file).read_text(encoding="utf-8")
        assert text == "A title\n\n" + "\n\n".join(PARAS) + "\n"
        assert corpus.index.count() == 6


def test_same_item_twice_is_stored_once(tmp_path: Path) -> None:
    with Corpus(tmp_path) as corpus:
        assert corpus.store(new("https://example.org/a/")).status == "new"
        assert corpus.store(new("http://www.example.org/a?utm_medium=x")).status == "unchanged"
        dup = corpus.store(new("https://example.org/other-url/"))
        assert dup.status == "duplicate"
        assert [a["url"] for a in corpus.index.get(dup.doc.id).meta["aliases"]] == ["https://example.org/other-url/"]
        assert len(list(corpus.files())) == 1


def test_changed_item_is_rewritten_in_place_with_revision(tmp_path: Path) -> None:
    with Corpus(tmp_path) as corpus:
        first = corpus.store(new("https://example.org/a/"))
        second = corpus.store(new("https://example.org/a/", PARAS + ["An added paragraph of text."]))
        assert second.status == "updated"
        assert second.doc.file == first.doc.file
        assert "An added paragraph" in (tmp_path / first.doc.file).read_text(encoding="utf-8")
        revisions = corpus.index.revisions(first.doc.id)
        assert [r["content_hash"] for r in revisions] == [first.doc.content_hash, second.doc.content_hash]
        again = corpus.store(new("https://example.org/a/", PARAS + ["An added paragraph of text."]))
        assert again.status == "unchanged"
        assert len(corpus.index.revisions(first.doc.id)) == 2


def test_orphan_file_is_adopted_by_its_url(tmp_path: Path) -> None:
    """A crash after the file's rename but before its row: the next store of that URL fills the row."""
    ident = doc_id(canonical_url("https://example.org/a/"))
    (tmp_path / f"007_{ident}.txt").write_text("A title\n\nhalf a story\n", encoding="utf-8")
    with Corpus(tmp_path) as corpus:
        assert corpus.index.get(ident).url is None
        result = corpus.store(new("https://example.org/a/"))
        assert result.status == "new" and result.doc.file == f"007_{ident}.txt"
        assert corpus.index.get(ident).url == "https://example.org/a/"
        assert corpus.store(new("https://example.org/b/", ["Something else entirely, long enough."])).doc.num == 8


def test_stale_temp_files_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".tmp-999999999-001_0123456789abcdef.txt").write_text("partial", encoding="utf-8")
    Corpus(tmp_path).close()
    assert not list(tmp_path.glob(".tmp-*"))


def _store_many(folder: str, worker: int, count: int) -> None:
    with Corpus(folder) as corpus:
        for i in range(count):
            corpus.store(new(f"https://example.org/{worker}/{i}", [f"Story {worker}-{i} with its own text."]))


def test_two_processes_never_share_a_number(tmp_path: Path) -> None:
    Corpus(tmp_path).close()
    procs = [multiprocessing.get_context("spawn").Process(target=_store_many, args=(str(tmp_path), w, 25))
             for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    files = sorted(tmp_path.glob("*.txt"))
    numbers = [int(f.name.split("_")[0]) for f in files]
    assert len(files) == 50 and len(set(numbers)) == 50
    with Corpus(tmp_path) as corpus:
        rows = {name for _, name in corpus.index.document_files()}
    assert rows == {f.name for f in files}


STORY = (
    "The network of municipalities signed a cooperation protocol on women's participation in local "
    "decision-making. Mayors and councillors from twelve cities attended the ceremony and discussed how "
    "equality units, gender-responsive budgets and training for women candidates can change local politics. "
    "The protocol foresees joint advocacy, exchanges between member cities and a yearly report on the share "
    "of women among elected officials, municipal staff and the heads of municipal companies in the region."
).split(". ")


def test_near_duplicate_is_linked_and_the_kept_copy_does_not_depend_on_order(tmp_path: Path,
                                                                              new_index: Callable[[], str]) -> None:
    original = NewDocument(url="https://network-a.org/news/protocol/", source="a", title="Protocol signed",
                           paragraphs=[". ".join(STORY)], date="2021-05-04")
    republished = NewDocument(url="https://network-b.org/2021/05/protocol-signed/", source="b",
                              title="Protocol signed", date="2021-05-06",
                              paragraphs=["PRESS RELEASE – Barcelona, 6 May 2021", ". ".join(STORY)])
    kept_urls = []
    for order in ((original, republished), (republished, original)):
        folder = tmp_path / str(len(kept_urls))
        with Corpus(folder, index=new_index()) as corpus:  # each order in a corpus of its own
            results = [corpus.store(doc) for doc in order]
            assert sorted(r.status for r in results) == ["near_duplicate", "new"]
            docs = list(corpus.documents())
            assert len(docs) == 1 and len(list(corpus.files())) == 1
            kept_urls.append(docs[0].url)
            assert [a["url"] for a in docs[0].meta["aliases"]] == [republished.url]
            assert docs[0].meta["aliases"][0]["kind"] == "near_duplicate"
            assert docs[0].num == 0
    assert kept_urls == [original.url, original.url]


def test_different_stories_are_not_near_duplicates(tmp_path: Path) -> None:
    other = ("The city council approved its climate adaptation plan, which includes green corridors, "
             "flood defences along the river and a programme to plant ten thousand trees in school yards "
             "and public squares over the next five years, financed partly by a regional fund.")
    with Corpus(tmp_path) as corpus:
        corpus.store(NewDocument(url="https://a.org/1", source="a", title="A", paragraphs=[". ".join(STORY)]))
        second = corpus.store(NewDocument(url="https://a.org/2", source="a", title="B", paragraphs=[other]))
        assert second.status == "new"


def test_seed_documents_are_not_deduplicated_against(seeded_corpus: Path) -> None:
    seed = next(seeded_corpus.glob("000_*.txt")).read_text(encoding="utf-8")
    with Corpus(seeded_corpus) as corpus:
        result = corpus.store(NewDocument(url="https://uclg-mewa.org/en/x/", source="m", title="T",
                                          paragraphs=seed.split("\n\n")))
        assert result.status == "new" and result.doc.num == 5


def test_untracked_file_with_a_used_number_is_set_aside(tmp_path: Path) -> None:
    with Corpus(tmp_path) as corpus:
        kept = corpus.store(new("https://example.org/a/"))
    clash = tmp_path / f"{kept.doc.num:03d}_0123456789abcdef.txt"
    clash.write_text("left over\n", encoding="utf-8")
    with Corpus(tmp_path) as corpus:
        assert corpus.index.count() == 1
    assert not clash.exists() and (tmp_path / ".orphans" / clash.name).exists()


def test_reset_forgets_crawl_state_not_documents(tmp_path: Path) -> None:
    with Corpus(tmp_path) as corpus:
        stored = corpus.store(new("https://example.org/a/"))
        with corpus.index.write():
            corpus.index.mark_url("https://example.org/a", "test", "stored", doc_id=stored.doc.id)
            corpus.index.record_run("test", "2024-01-01T00:00:00Z", "ok", {"new": 1})
        assert corpus.reset("test") == (1, 1)
        assert corpus.index.url_status("https://example.org/a") is None
        assert corpus.index.count() == 1


def test_check_finds_and_repairs_inconsistencies(tmp_path: Path) -> None:
    from storage.check import check, repair

    with Corpus(tmp_path) as corpus:
        a = corpus.store(new("https://example.org/a/", ["Text of the first story, long enough."]))
        b = corpus.store(new("https://example.org/b/", ["Text of the second story, long enough."]))
        c = corpus.store(new("https://example.org/c/", ["Text of the third story, long enough."]))
        with corpus.index.write():
            corpus.index.mark_url("https://example.org/b", "test", "stored", doc_id=b.doc.id)
    assert check(tmp_path).ok
    (tmp_path / b.doc.file).unlink()                                     # a row without its file
    (tmp_path / a.doc.file).write_text("A title\n\nedited by hand\n")     # hash mismatch
    (tmp_path / f"{c.doc.num:03d}_00000000000000aa.txt").write_text("x")  # a second file with c's number
    (tmp_path / ".tmp-999999999-x").write_text("partial")
    report = check(tmp_path)
    assert not report.ok
    assert report.problems["rows without file"] == [b.doc.file]
    assert report.problems["content hash mismatches"] == [a.doc.file]
    assert len(report.problems["duplicate numbers"]) == 1 and report.problems["temporary files"]
    after = repair(tmp_path)
    assert after.ok, after.lines()
    with Corpus(tmp_path) as corpus:
        assert corpus.index.url_status("https://example.org/b") is None


def record_run(index: Any, source: str, started_at: str, status: str, summary: dict[str, Any]) -> None:
    """Record a run as ``crawlers.run`` does: complete as the crawl policy judges its summary."""
    index.record_run(source, started_at, status, summary, complete=RunSummary.from_dict(summary).complete)


def test_only_budget_cuts_make_a_run_partial(tmp_path: Path) -> None:
    """Trap defences (link depth, repeating paths) cut every crawl of a site whose articles link
    to each other; such a run is still complete and becomes the next run's watermark."""
    with Corpus(tmp_path / "c") as corpus:
        index = corpus.index
        with index.write():
            record_run(index, "s", "2024-01-01T00:00:00Z", "ok", {"started_at": "2024-01-01T00:00:00Z", "cut": {}})
            record_run(index, "s", "2024-02-01T00:00:00Z", "ok",
                       {"started_at": "2024-02-01T00:00:00Z", "cut": {"link_depth": 91, "repeating_path": 2}})
        assert index.last_good_run("s")["started_at"] == "2024-02-01T00:00:00Z"
        with index.write():
            record_run(index, "s", "2024-03-01T00:00:00Z", "ok",
                       {"started_at": "2024-03-01T00:00:00Z", "cut": {"page_budget": 3, "link_depth": 1}})
            record_run(index, "s", "2024-04-01T00:00:00Z", "failed", {"started_at": "2024-04-01T00:00:00Z", "cut": {}})
        assert index.last_good_run("s")["started_at"] == "2024-02-01T00:00:00Z"


def test_last_good_run_is_the_last_ok_run_recorded_complete(tmp_path: Path) -> None:
    """The index does not judge a run: it reads the flag the crawler recorded (a run without
    one is partial), among the source's last 20 successful runs."""
    with Corpus(tmp_path / "c") as corpus:
        index = corpus.index
        with index.write():
            index.record_run("s", "2024-01-01T00:00:00Z", "ok", {"started_at": "2024-01-01"}, complete=True)
            index.record_run("s", "2024-02-01T00:00:00Z", "ok", {"started_at": "2024-02-01", "cut": {}})
            index.record_run("s", "2024-03-01T00:00:00Z", "ok",
                             {"started_at": "2024-03-01", "cut": {"page_budget": 1}}, complete=True)
            index.record_run("s", "2024-04-01T00:00:00Z", "failed", {"started_at": "2024-04-01"}, complete=True)
            index.record_run("t", "2024-05-01T00:00:00Z", "ok", {"started_at": "2024-05-01"}, complete=True)
        assert index.last_good_run("s") == {"started_at": "2024-03-01", "cut": {"page_budget": 1}}
        assert index.last_good_run("u") is None
        with index.write():
            for month in range(1, 21):
                index.record_run("s", f"2025-{month:02d}-01T00:00:00Z", "ok", {"started_at": f"2025-{month:02d}"},
                                 complete=False)
        assert index.last_good_run("s") is None


@pytest.mark.sqlite_only("an index.sqlite from before runs.complete, upgraded by SQLite's migration")
def test_runs_recorded_before_the_complete_flag_keep_their_verdict(tmp_path: Path) -> None:
    """An index whose runs table has no ``complete`` column gets it when opened: a run whose
    summary's cut names a budget or a size cap is partial, any other run (trap defences, no cut,
    no summary keys at all) complete, as the index judged them before the flag existed."""
    folder = tmp_path / "c"
    folder.mkdir()
    db = sqlite3.connect(folder / "index.sqlite")
    db.executescript(
        "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, started_at TEXT NOT NULL,"
        " finished_at TEXT, status TEXT NOT NULL, summary TEXT NOT NULL DEFAULT '{}');"
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO settings VALUES('schema_version', '2');")
    summaries = [
        ("ok", {"started_at": "1", "cut": {}}, 1),
        ("ok", {"started_at": "2", "cut": {"link_depth": 91, "repeating_path": 2, "sitemap_depth": 1}}, 1),
        ("ok", {"started_at": "3"}, 1),
        ("ok", {"started_at": "4", "cut": None}, 1),
        ("ok", {"started_at": "5", "cut": {"page_budget": 3, "link_depth": 1}}, 0),
        ("ok", {"started_at": "6", "cut": {"listing_budget": 1}}, 0),
        ("ok", {"started_at": "7", "cut": {"sitemap_budget": 1}}, 0),
        ("ok", {"started_at": "8", "cut": {"sitemap_size": 0}}, 0),
        ("ok", {"started_at": "9", "cut": {"feed_size": 2}}, 0),
        ("failed", {"started_at": "10", "cut": {}}, 1),
    ]
    db.executemany("INSERT INTO runs(source, started_at, status, summary) VALUES('s', 'x', ?, ?)",
                   [(status, json.dumps(summary)) for status, summary, _ in summaries])
    db.commit()
    db.close()
    with Corpus(folder) as corpus:
        index = corpus.index
        flags = [row[0] for row in index.db.execute("SELECT complete FROM runs ORDER BY id")]
        assert flags == [expected for _, _, expected in summaries]
        assert flags == [int(RunSummary.from_dict(summary).complete) for _, summary, _ in summaries]
        assert index.last_good_run("s") == {"started_at": "4", "cut": None}


@pytest.mark.sqlite_only("an index.sqlite of the first release, upgraded by SQLite's migration")
def test_an_index_from_before_dead_ends_and_discovery_pages_gets_them_and_keeps_its_rows(tmp_path: Path) -> None:
    """An index whose urls table has the columns of the first release (and no resources table)
    gets the columns of exact change detection and dead ends, and the table of discovery pages,
    when opened; the URLs and runs it holds stay as they were."""
    folder = tmp_path / "c"
    folder.mkdir()
    db = sqlite3.connect(folder / "index.sqlite")
    db.executescript(
        "CREATE TABLE urls (url TEXT PRIMARY KEY, source TEXT NOT NULL, doc_id TEXT, status TEXT NOT NULL,"
        " reason TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);"
        "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, started_at TEXT NOT NULL,"
        " finished_at TEXT, status TEXT NOT NULL, summary TEXT NOT NULL DEFAULT '{}');"
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO settings VALUES('schema_version', '2');"
        "INSERT INTO urls VALUES('https://example.org/a', 's', '0123456789abcdef', 'stored', NULL,"
        " '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z');"
        "INSERT INTO urls VALUES('https://example.org/b', 's', NULL, 'rejected', 'too_short',"
        " '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');"
        "INSERT INTO runs(source, started_at, status) VALUES('s', '2024-01-01T00:00:00Z', 'ok');")
    db.commit()
    db.close()
    with Corpus(folder) as corpus:
        index = corpus.index
        columns = {r[1] for r in index.db.execute("PRAGMA table_info(urls)")}
        assert {"etag", "last_modified", "checked_at", "listed", "target", "backoff", "recheck_run"} <= columns
        assert {r[1] for r in index.db.execute("PRAGMA table_info(resources)")} == {
            "url", "source", "kind", "status", "etag", "last_modified", "listed", "content_hash", "first_seen",
            "checked_at", "backoff", "recheck_run", "children"}
        row = index.url_status("https://example.org/a")
        assert row is not None
        assert (row["doc_id"], row["status"], row["first_seen"], row["last_seen"]) == \
            ("0123456789abcdef", "stored", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")
        assert (row["listed"], row["target"], row["backoff"], row["recheck_run"]) == (None, None, None, None)
        row = index.url_status("https://example.org/b")
        assert row is not None and (row["status"], row["reason"]) == ("rejected", "too_short")
        assert index.run_number("s") == 2 and index.resources("s") == []
        with index.write():
            assert index.dead_end("https://example.org/b", "s", "http_404", 2) == 1
            index.mark_resource("https://example.org/feed", "s", "feed", "ok", run=2)
        row = index.url_status("https://example.org/b")
        assert row is not None and (row["status"], row["first_seen"], row["recheck_run"]) == \
            ("dead", "2024-01-01T00:00:00Z", 4)
        assert [r["url"] for r in index.resources("s")] == ["https://example.org/feed"]


def test_near_duplicate_lookup_finds_every_hash_within_the_distance() -> None:
    """Multi-index hashing: any hash at most NEAR_DISTANCE bits away shares a probed band value."""
    import random

    from storage.fingerprint import NEAR_DISTANCE, bands, probes

    rnd = random.Random(5)
    for _ in range(2000):
        a = rnd.getrandbits(64)
        b = a
        for bit in rnd.sample(range(64), rnd.randint(0, NEAR_DISTANCE)):
            b ^= 1 << bit
        probe = {(band, v) for band, values in probes(a) for v in values}
        assert any((band, v) in probe for band, v in enumerate(bands(b))), (hex(a), hex(b))


def test_bands_are_rebuilt_when_the_banding_changes(tmp_path: Path) -> None:
    with Corpus(tmp_path / "c") as corpus:
        corpus.store(NewDocument(url="https://x.org/a", source="s", title="A", paragraphs=[" ".join(
            f"word{i}" for i in range(80))]))
        with corpus.index.write():
            corpus.index.db.execute("UPDATE settings SET value = 'old' WHERE key = 'band_scheme'")
            corpus.index.db.execute("DELETE FROM bands")
    with Corpus(tmp_path / "c") as corpus:
        assert corpus.index.db.execute("SELECT COUNT(*) AS n FROM bands").fetchone()["n"] == 4


def _blake2b_simhash(text: str) -> int:
    """The first fingerprint of the index (before ``FINGERPRINT_SCHEME``): the majority of the
    bits of one BLAKE2b-64 digest per word 3-shingle."""
    import hashlib
    import re

    words = re.findall(r"\w+", text.lower())
    shingles = [hashlib.blake2b(f"{a} {b} {c}".encode(), digest_size=8).digest()
                for a, b, c in zip(words, words[1:], words[2:])]
    value = sum(1 << j for j in range(64)
                if sum(int.from_bytes(d, "little") >> j & 1 for d in shingles) * 2 > len(shingles))
    return value - (1 << 64) if value >= 1 << 63 else value


def test_fingerprints_of_an_older_scheme_are_recomputed_from_the_files(tmp_path: Path) -> None:
    """An index whose fingerprints (and bands) were made by the first SimHash, as a corpus of an
    earlier release holds them: opened, every crawled document's fingerprint is the current
    ``simhash`` of its file's body and its bands follow, so a republished copy of a story stored
    then is still found as its near-duplicate; seeds keep none."""
    from storage.fingerprint import bands

    other = " ".join(f"The council of district {i} published its quarterly budget and a plan for parks."
                     for i in range(6))
    stories = [NewDocument(url="https://a.org/protocol", source="a", title="Protocol signed",
                           paragraphs=[". ".join(STORY)]),
               NewDocument(url="https://a.org/budget", source="a", title="Budgets", paragraphs=[other]),
               NewDocument(url="https://a.org/short", source="a", title="Short", paragraphs=["Too short to hash."])]
    with Corpus(tmp_path / "c") as corpus:
        ids = [corpus.store(doc).doc.id for doc in stories]
        with corpus.index.write():  # what an earlier release left: old fingerprints, their bands, no scheme
            for ident, doc in zip(ids[:2], stories[:2]):
                old = _blake2b_simhash(doc.body)
                corpus.index._exec("UPDATE documents SET simhash = ? WHERE id = ?", (old, ident))
                corpus.index.set_bands(ident, bands(old))
            corpus.index._exec("DELETE FROM settings WHERE key = 'fingerprint_scheme'")
        assert [corpus.index.get(i).simhash for i in ids[:2]] != [simhash(d.body) for d in stories[:2]]
    with Corpus(tmp_path / "c") as corpus:
        assert [corpus.index.get(i).simhash for i in ids] == [simhash(d.body) for d in stories[:2]] + [None]
        assert simhash(stories[0].body) is not None and simhash(stories[1].body) is not None
        republished = NewDocument(url="https://b.org/2021/protocol-signed", source="b", title="Protocol signed",
                                  paragraphs=["PRESS RELEASE – Barcelona, 6 May 2021", ". ".join(STORY)])
        result = corpus.store(republished)
        assert (result.status, result.doc.id) == ("near_duplicate", ids[0])
        assert corpus.store(NewDocument(url="https://b.org/budget", source="b", title="Budgets",
                                        paragraphs=[other + " Updated."])).status == "near_duplicate"
    with Corpus(tmp_path / "c") as corpus, corpus.index.write():  # recorded: not recomputed at every opening
        assert corpus.index.refingerprint(FINGERPRINT_SCHEME, lambda doc: 1) == 0


def _open_repeatedly(folder: str, done: Any, opened: Any) -> None:
    """Open and close the corpus again and again until ``done`` is set; ``opened`` counts."""
    while not done.is_set():
        Corpus(folder).close()
        with opened.get_lock():
            opened.value += 1


def test_opening_while_another_process_stores_moves_or_imports_nothing(tmp_path: Path) -> None:
    """Another process (a second worker, another machine) opens the corpus again and again while
    one stores: no document it is writing is taken for a leftover — none set aside in .orphans/,
    none registered again as a seed —, the numbers stay gapless and every row has its file."""
    count = 120
    Corpus(tmp_path).close()
    ctx = multiprocessing.get_context("spawn")
    done, opened = ctx.Event(), ctx.Value("i", 0)
    opener = ctx.Process(target=_open_repeatedly, args=(str(tmp_path), done, opened))
    writer = ctx.Process(target=_store_many, args=(str(tmp_path), 0, count))
    opener.start()
    writer.start()
    writer.join(300)
    done.set()
    opener.join(120)
    assert writer.exitcode == 0 and opener.exitcode == 0
    assert opened.value > 0
    assert not (tmp_path / ".orphans").exists()
    files = sorted(p.name for p in tmp_path.glob("*.txt"))
    with Corpus(tmp_path) as corpus:
        docs = list(corpus.documents())
    assert [d.num for d in docs] == list(range(count))  # gapless, each number once
    assert sorted(d.file for d in docs) == files  # every row's file there, and no file without its row
    assert all(d.url is not None and d.kind == "item" and "imported" not in d.meta for d in docs)
    assert sorted(d.url or "" for d in docs) == sorted(f"https://example.org/0/{i}" for i in range(count))


# Texts written before the writers' lock --------------------------------------------------------
def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".tmp-*"))


def _wait_for(what: str, predicate: Callable[[], object], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _store_when_told(folder: str, url: str, text: str, opened: Any, go: Any) -> None:
    with Corpus(folder) as corpus:
        opened.set()
        go.wait(60)
        corpus.store(new(url, [text]))


@contextmanager
def _writer_waiting_for_the_lock(tmp_path: Path, corpus: Corpus, url: str, text: str) -> Iterator[tuple[Any, str]]:
    """Start a process storing one document while ``corpus`` holds the writers' lock; return it
    once its text is in its temporary file (written before the lock it is now waiting for)."""
    ctx = multiprocessing.get_context("spawn")
    opened, go = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_store_when_told, args=(str(tmp_path), url, text, opened, go))
    proc.start()
    assert opened.wait(120), "the writer did not open the corpus"
    with corpus.index.write():
        go.set()
        _wait_for("the writer's temporary file", lambda: _temp_files(tmp_path))
        (temp,) = _temp_files(tmp_path)
        _wait_for("the whole text", lambda: (tmp_path / temp).read_text(encoding="utf-8") == render_text(
            "A title", [text]))
        yield proc, temp


def test_a_live_writers_text_survives_an_opening(tmp_path: Path) -> None:
    """A writer writes its text before it takes the writers' lock: an opening meanwhile (which
    holds the lock) leaves the file alone, and the writer then stores it, under its number."""
    text = "A story written before the lock, renamed into place after it."
    url = "https://example.org/live"
    with Corpus(tmp_path) as corpus:
        with _writer_waiting_for_the_lock(tmp_path, corpus, url, text) as (proc, temp):
            corpus._remove_stale_temp_files()  # what an opening does, under the writers' lock
            corpus._import_untracked()
            assert _temp_files(tmp_path) == [temp]
            assert corpus.index.count() == 0 and not list(tmp_path.glob("*.txt"))
        proc.join(120)
        assert proc.exitcode == 0
        (doc,) = list(corpus.documents())
    assert (doc.num, doc.url) == (0, url)
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == [doc.file]
    assert (tmp_path / doc.file).read_text(encoding="utf-8") == render_text("A title", [text])
    assert _temp_files(tmp_path) == []


def test_a_writer_killed_before_the_lock_leaves_nothing_indexed(tmp_path: Path) -> None:
    """kill -9 between the temporary file and the lock: nothing is indexed, no document file
    appears, and the next opening removes the temporary file (its process is gone)."""
    with Corpus(tmp_path) as corpus:
        with _writer_waiting_for_the_lock(tmp_path, corpus, "https://example.org/k", "Killed.") as (proc, temp):
            os.kill(proc.pid, signal.SIGKILL)
            proc.join(60)
            assert proc.exitcode == -signal.SIGKILL
        assert _temp_files(tmp_path) == [temp]  # left by the killed writer
        assert corpus.index.count() == 0
    with Corpus(tmp_path) as corpus:
        assert _temp_files(tmp_path) == []
        assert corpus.index.count() == 0 and corpus.index.next_num() == 0
        stored = corpus.store(new("https://example.org/next", ["The next story."])).doc
    assert stored.num == 0
    assert [p.name for p in tmp_path.glob("*.txt")] == [stored.file] and not (tmp_path / ".orphans").exists()


def test_an_opening_removes_only_stale_temporary_files(tmp_path: Path) -> None:
    """Removed: a dead process's of this machine, another machine's older than TEMP_STALE, one
    named as older versions did (made under the lock). Kept: a live process's of this machine,
    another machine's recent one (its writer may be waiting for the lock)."""
    Corpus(tmp_path).close()
    ident = "0123456789abcdef"
    names = {
        "live here": f".tmp-{os.getpid()}@{HOST}-0a0b0c0d-{ident}",
        "dead here": f".tmp-999999999@{HOST}-0a0b0c0d-{ident}",
        "recent elsewhere": f".tmp-1@another.host-0a0b0c0d-{ident}",
        "old elsewhere": f".tmp-1@another.host-1a1b1c1d-{ident}",
        "older naming": f".tmp-999999999-000_{ident}.txt",
    }
    for name in names.values():
        (tmp_path / name).write_text("partial", encoding="utf-8")
    old = time.time() - 2 * TEMP_STALE
    os.utime(tmp_path / names["old elsewhere"], (old, old))
    from storage.check import check

    assert sorted(check(tmp_path).problems["temporary files"]) == sorted(
        names[k] for k in ("dead here", "old elsewhere", "older naming"))
    Corpus(tmp_path).close()
    assert _temp_files(tmp_path) == sorted(names[k] for k in ("live here", "recent elsewhere"))
    assert check(tmp_path).problems["temporary files"] == []


def test_a_batch_makes_its_prepared_texts_durable_together_before_its_lock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The texts ``prepare`` writes are not fsynced one by one: the batch makes them all durable
    as it starts, before it takes the writers' lock (one ``syncfs`` where Linux 5.8+ has it, else
    an fsync each). A ``syncfs`` slower than ``SYNCFS_SLOW`` (another program writing a lot on
    that file system) makes the corpus go back to an fsync per text, and says so."""
    import storage.corpus as corpus_module

    docs = [new(f"https://example.org/{k}", [f"Story {k}, its own text."]) for k in "abcdef"]
    with Corpus(tmp_path) as corpus:
        synced: list[tuple[int, bool]] = []
        real = corpus._sync_staged

        def watched() -> None:
            synced.append((len(corpus._unsynced), corpus.index.in_transaction))
            real()

        corpus._sync_staged = watched  # type: ignore[method-assign]
        for doc in docs[:3]:
            corpus.prepare(doc)
        assert sorted(corpus._unsynced) == sorted(tmp_path / n for n in _temp_files(tmp_path))
        with corpus.batch():
            assert corpus._unsynced == []
            stored = [corpus.store(doc) for doc in docs[:3]]
        assert synced == [(3, False)]  # the three texts, before the lock
        if corpus_module._SYNCFS is None:
            pytest.skip("no syncfs reporting write errors here (Linux 5.8+): an fsync per text")
        assert corpus._syncfs is not None
        monkeypatch.setattr(corpus_module, "SYNCFS_SLOW", -1.0)  # any syncfs is too slow
        with caplog.at_level("INFO", logger="storage.corpus"):
            for doc in docs[3:]:
                corpus.prepare(doc)
            with corpus.batch():
                stored += [corpus.store(doc) for doc in docs[3:]]
        assert corpus._syncfs is None
        assert "each text is now made durable on its own" in caplog.text
        corpus.prepare(new("https://example.org/g", ["Story g, its own text."]))
        with corpus.batch():
            stored.append(corpus.store(new("https://example.org/g", ["Story g, its own text."])))
        assert [r.status for r in stored] == ["new"] * 7
        assert [corpus.read_body(r.doc) for r in stored[:6]] == [d.body for d in docs]
    assert _temp_files(tmp_path) == []


def test_unchanged_and_duplicate_texts_leave_no_temporary_file(tmp_path: Path) -> None:
    with Corpus(tmp_path) as corpus:
        assert corpus.store(new("https://example.org/a")).status == "new"
        assert corpus.store(new("https://example.org/a")).status == "unchanged"
        assert corpus.store(new("https://example.org/b")).status == "duplicate"
        with corpus.batch():
            corpus.prepare(new("https://example.org/c"))  # prepared inside: written under the lock
            assert corpus.store(new("https://example.org/c")).status == "duplicate"
    assert _temp_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == [file_name(0, doc_id(canonical_url("https://example.org/a")))]


@pytest.mark.parametrize("per_text", [False, True], ids=["syncfs", "fsync-each"])
def test_a_batch_renames_the_texts_prepared_before_it(tmp_path: Path, per_text: bool) -> None:
    """``prepare`` writes a text before the batch takes the lock; the batch's store renames that
    very file into place (same inode); a prepared text the batch does not store is removed at its
    end; a prepared file removed meanwhile is written again under the lock. The same whether the
    batch makes its texts durable by one ``syncfs`` or by an fsync each."""
    a, b, unused, gone = (new(f"https://example.org/{k}", [f"Story {k}, its own text."]) for k in "abcd")
    with Corpus(tmp_path) as corpus:
        if per_text:
            corpus._syncfs = None
        for doc in (a, b, unused, gone):
            corpus.prepare(doc)
        staged = {name.rsplit("-", 1)[1]: name for name in _temp_files(tmp_path)}
        assert len(staged) == 4
        inode = os.stat(tmp_path / staged[doc_id(canonical_url(a.url))]).st_ino
        (tmp_path / staged[doc_id(canonical_url(gone.url))]).unlink()  # taken for a leftover, say
        with corpus.batch():
            stored = [corpus.store(doc) for doc in (a, b, gone)]
            assert _temp_files(tmp_path) == [staged[doc_id(canonical_url(unused.url))]]
        assert [r.status for r in stored] == ["new", "new", "new"]
        assert [r.doc.num for r in stored] == [0, 1, 2]
        assert os.stat(tmp_path / stored[0].doc.file).st_ino == inode
        assert [corpus.read_body(r.doc) for r in stored] == [d.body for d in (a, b, gone)]
    assert _temp_files(tmp_path) == []

