"""Where the corpus index is (HARVEST_INDEX, --index): the corpus folder's index.sqlite, or a
PostgreSQL database and the folder's marker naming it; a location that is none, cannot be
opened or is not the folder's is one line and exit status 2, and never starts a second index."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from flows.cli import main
from storage.corpus import Corpus, NewDocument
from storage.index import INDEX_NAME, LOCATION_NAME, Index, IndexLocationError, open_index, public_location

PARAS = ["A first paragraph about the new municipal library and its opening hours.",
         "A second paragraph about the reading programme for children in the summer."]


def new(url: str, text: str = "") -> NewDocument:
    return NewDocument(url=url, source="s", title="A title", paragraphs=[p + text for p in PARAS])


def harvest(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_public_location_has_no_password() -> None:
    assert public_location("postgresql://harvest:s3cret@db.example:5432/corpus") == \
        "postgresql://harvest@db.example:5432/corpus"
    assert public_location("postgresql://db.example/corpus?password=s3cret&sslmode=require") == \
        "postgresql://db.example/corpus?sslmode=require"
    assert public_location("postgresql://db.example/corpus") == "postgresql://db.example/corpus"


def test_an_empty_location_is_the_folders_index_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HARVEST_INDEX", raising=False)
    for location in (None, "", "  "):
        index = open_index(tmp_path, location)
        assert isinstance(index, Index) and index.path == tmp_path / INDEX_NAME
        index.close()
    assert not (tmp_path / LOCATION_NAME).exists()


@pytest.mark.parametrize("location", ["sqlite:///corpus/index.sqlite", "mysql://u:s3cret@db/corpus", "corpus.db"])
def test_a_location_that_is_none_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch, location: str) -> None:
    folder = tmp_path / "c"
    Corpus(folder, index="").close()
    for argv in (["check"], ["export"], ["state", "s"], ["crawl"]):
        code, out, err = harvest(capsys, *argv, "--corpus", str(folder), "--index", location)
        assert code == 2 and out == "", argv
        assert err.startswith("harvest: not an index location") and len(err.splitlines()) == 1, err
        assert "s3cret" not in err
    monkeypatch.setenv("HARVEST_INDEX", location)  # the environment's, the same
    code, _, err = harvest(capsys, "export", "--corpus", str(folder))
    assert code == 2 and err.startswith("harvest: not an index location")


def test_a_database_that_cannot_be_opened_is_one_line_without_its_password(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "c"
    Corpus(folder, index="").close()
    url = f"postgresql://harvest:s3cret@127.0.0.1:{closed_port()}/corpus"
    code, _, err = harvest(capsys, "check", "--corpus", str(folder), "--index", url)
    assert code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith(f"harvest: cannot open the index at {public_location(url)}: ") and "s3cret" not in err
    assert not (folder / LOCATION_NAME).exists()


def test_a_folder_indexed_in_postgresql_is_marked_and_not_opened_with_another_index(
        tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "c"
    with Corpus(folder, index=pg_url) as corpus:
        stored = corpus.store(new("https://example.org/a"))
    assert (folder / LOCATION_NAME).read_text(encoding="utf-8").strip() == public_location(pg_url)
    assert not (folder / INDEX_NAME).exists()
    # Without the location (SQLite), or with another database: an error, and no second index.
    with pytest.raises(IndexLocationError, match="its index is in PostgreSQL"):
        Corpus(folder, index="")
    other = pg_url.rsplit("/", 1)[0] + "/another"
    with pytest.raises(IndexLocationError, match="not at"):
        Corpus(folder, index=other)
    code, out, err = harvest(capsys, "export", "--corpus", str(folder), "--index", "")
    assert code == 2 and out == "" and LOCATION_NAME in err and len(err.splitlines()) == 1
    assert not (folder / INDEX_NAME).exists()
    # With it: the folder is a corpus, its documents there.
    code, out, err = harvest(capsys, "export", "--corpus", str(folder), "--index", pg_url)
    assert code == 0, err
    assert [json.loads(line)["id"] for line in out.splitlines()] == [stored.doc.id]


def test_a_folder_whose_index_sqlite_holds_documents_is_not_opened_with_an_empty_database(
        tmp_path: Path, pg_url: str) -> None:
    folder = tmp_path / "c"
    with Corpus(folder, index="") as corpus:
        corpus.store(new("https://example.org/a"))
    with pytest.raises(IndexLocationError) as raised:
        Corpus(folder, index=pg_url)
    assert INDEX_NAME in str(raised.value) and public_location(pg_url) in str(raised.value)
    assert not (folder / LOCATION_NAME).exists()
    with Corpus(folder, index="") as corpus:  # still the folder's own index
        assert corpus.index.count() == 1
    # An index.sqlite without documents does not stand in the way.
    empty = tmp_path / "e"
    Corpus(empty, index="").close()
    with Corpus(empty, index=pg_url) as corpus:
        assert corpus.index.count() == 0
    assert (empty / LOCATION_NAME).exists()


def test_check_and_repair_of_an_index_in_postgresql(tmp_path: Path, pg_url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "c"
    with Corpus(folder, index=pg_url) as corpus:
        a = corpus.store(new("https://example.org/a", " One."))
        b = corpus.store(new("https://example.org/b", " Two."))
    (folder / b.doc.file).unlink()
    (folder / a.doc.file).write_text("A title\n\nedited by hand\n", encoding="utf-8")
    code, out, _ = harvest(capsys, "check", "--corpus", str(folder), "--index", pg_url)
    assert code == 1 and f"rows without file: 1: {b.doc.file}" in out and "content hash mismatches: 1" in out
    code, out, _ = harvest(capsys, "check", "--corpus", str(folder), "--index", pg_url, "--repair")
    assert code == 0 and out.splitlines()[-1].endswith("consistent"), out
    with Corpus(folder, index=pg_url) as corpus:
        assert [d.file for d in corpus.documents()] == [a.doc.file]
    assert not list(folder.glob(f"{INDEX_NAME}*"))


@pytest.mark.slow
def test_crawl_with_index_reaches_the_crawl_processes(tmp_path: Path, seeded_corpus: Path, wordpress_site: Any,
                                                      pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``harvest crawl --index URL`` without HARVEST_INDEX: the flow and the crawl process store into
    the database, and the folder gets no index.sqlite."""
    from tests.conftest import write_config
    from tests.test_crawl_e2e import expected, site_entry
    from tests.test_crawl_e2e import harvest as harvest_command

    monkeypatch.delenv("HARVEST_INDEX", raising=False)
    config = write_config(tmp_path / "sources.yaml", site_entry("mewa-like", f"{wordpress_site.url}/en/"))
    run = harvest_command("crawl", "--config", str(config), "--corpus", str(seeded_corpus), "--index", pg_url,
                          cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert not list(seeded_corpus.glob(f"{INDEX_NAME}*"))
    assert (seeded_corpus / LOCATION_NAME).read_text(encoding="utf-8").strip() == public_location(pg_url)
    with Corpus(seeded_corpus, index=pg_url) as corpus:
        crawled = [d for d in corpus.documents() if d.url]
        assert len(crawled) == len(expected("wordpress")["articles"])
        assert corpus.index.run_number("mewa-like") == 2
