import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from storage.corpus import Corpus, NewDocument, file_name
from storage.ids import canonical_url, doc_id

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
        assert corpus.index.get(dup.doc.id).meta["aliases"] == ["https://example.org/other-url/"]
        assert len(list(corpus.files())) == 1


def test_changed_item_is_rewritten_in_place_with_revision(tmp_path: Path) -> None:
    with Corpus(tmp_path) as corpus:
        first = corpus.store(new("https://example.org/a/"))
        second = corpus.store(new("https://example.org/a/", PARAS + ["An added paragraph of text."]))
        assert second.status == "updated"
        assert second.doc.file == first.doc.file
        assert "An added paragraph" in (tmp_path / first.doc.file).read_text(encoding="utf-8")
        assert second.doc.meta["revisions"][0]["content_hash"] == first.doc.content_hash


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
    db = sqlite3.connect(tmp_path / "index.sqlite")
    rows = {r[0] for r in db.execute("SELECT file FROM documents")}
    assert rows == {f.name for f in files}
