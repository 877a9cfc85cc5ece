"""Hostile input to the sources file and the corpus folder: numbers that are not finite, a
damaged index, symbolic links and other non-files named like documents, a very large sources
file. Real files, real SQLite, the real CLI (``python -m flows.cli``) and crawl processes."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from crawlers import sources as sources_mod
from crawlers.sources import ConfigError, load_sources
from storage.corpus import FILE_RE, Corpus, NewDocument, split_text
from storage.ids import canonical_url, content_hash, doc_id
from tests.conftest import SEEDS, write_config


def harvest(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_HOME": str(cwd / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def crawl_process(source: str, config: Path, corpus: Path, summary: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawlers.run", source, "--config", str(config), "--corpus",
                           str(corpus), "--summary", str(summary)], capture_output=True, text=True, timeout=300)


def seeded(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted(SEEDS.glob("[0-9][0-9][0-9]_*.txt")):
        shutil.copy(seed, folder / seed.name)
    return folder


def story(url: str, words: str) -> NewDocument:
    """An item whose words are its own (no two stories are near-duplicates)."""
    return NewDocument(url=url, source="site", title=f"About {words}",
                       paragraphs=[f"A story about {words}.",
                                   " ".join(f"{w}{k}" for k in range(30) for w in words.split())])


def doc_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if FILE_RE.match(p.name))


# 10. numbers that are not finite ------------------------------------------------------------

SOURCE = "sources:\n  - name: a\n    url: https://a.org/\n"


@pytest.mark.parametrize("text,line,key,shown", [
    (SOURCE + "    delay: .nan\n", 4, "sources[0].delay", "nan"),
    (SOURCE + "    delay: .NaN\n", 4, "sources[0].delay", "nan"),
    (SOURCE + "    delay: .inf\n", 4, "sources[0].delay", "inf"),
    (SOURCE + "    delay: -.inf\n", 4, "sources[0].delay", "-inf"),
    (SOURCE + "    delay: 1.0e+400\n", 4, "sources[0].delay", "inf"),
    (SOURCE + "    revisit_days: .inf\n", 4, "sources[0].revisit_days", "inf"),
    (SOURCE + "    revisit_days: .nan\n", 4, "sources[0].revisit_days", "nan"),
    ("defaults:\n  delay: .nan\n" + SOURCE, 2, "defaults.delay", "nan"),
    ("defaults:\n  schedule: '0 6 * * *'\n  revisit_days: -.inf\n" + SOURCE, 3, "defaults.revisit_days", "-inf"),
])
def test_numbers_that_are_not_finite_are_refused(tmp_path: Path, text: str, line: int, key: str, shown: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert (err.value.line, err.value.key) == (line, key)
    assert str(err.value) == f"{path}:{line}: {key}: must be a finite number, not {shown}"


@pytest.mark.parametrize("command", [["sources"], ["crawl"], ["reset", "a"]])
def test_a_nan_delay_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "bad.yaml").write_text(SOURCE + "    max_pages: 5\n    delay: .nan\n", encoding="utf-8")
    seeded(tmp_path / "corpus")
    run = harvest(*command, "--config", "bad.yaml", cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert run.stderr.splitlines()[-1:] == ["harvest: bad.yaml:5: sources[0].delay: must be a finite number, not nan"]
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert not (tmp_path / "corpus" / "index.sqlite").exists()


def test_a_crawl_process_refuses_a_nan_delay(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("defaults:\n  delay: .nan\n" + SOURCE, encoding="utf-8")
    run = crawl_process("a", config, tmp_path / "corpus", tmp_path / "summary.json")
    assert run.returncode == 2
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["error_kind"] == "config"
    assert summary["error"] == f"{config}:2: defaults.delay: must be a finite number, not nan"


# 14. a large sources file: parsed once per load, loaded once per process --------------------

class CountingLoader(sources_mod._Loader):  # type: ignore[misc, valid-type]
    made = 0

    def __init__(self, stream: Any) -> None:
        type(self).made += 1
        super().__init__(stream)


def big_sources(count: int, last: str = "") -> str:
    lines = ["defaults:\n  max_pages: 100\n  schedule: '35 */6 * * *'\nsources:\n"]
    for i in range(count):
        lines.append(f"  - name: src-{i:05d}\n    url: https://city-{i}.example.org/news/\n"
                     f"    hosts: [www.city-{i}.example.org]\n    allow: ['^https://city-{i}\\.example\\.org/news/.+']\n"
                     f"    group: g{i % 7}\n    notes: 'a municipality of the test network, number {i}'\n")
    return "".join(lines) + last


def test_a_load_parses_once_and_a_process_loads_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources_mod, "_Loader", CountingLoader)
    monkeypatch.setattr(CountingLoader, "made", 0)
    for name in ("safe_load", "load", "compose", "full_load"):  # no second parse of the same text
        monkeypatch.setattr(yaml, name, lambda *a, **k: pytest.fail("the YAML was parsed twice"))
    path = tmp_path / "sources.yaml"
    path.write_text(big_sources(50), encoding="utf-8")
    first = load_sources(path)
    assert CountingLoader.made == 1 and len(first) == 50
    assert first[7].max_pages == 100 and first[7].hosts == ["www.city-7.example.org"]
    # Again, under other spellings of the same file: no new parse, the same values.
    link = tmp_path / "link.yaml"
    link.symlink_to(path)
    monkeypatch.chdir(tmp_path)
    for spelling in (path, str(path), "sources.yaml", link):
        assert load_sources(spelling) == first
    assert CountingLoader.made == 1
    # A changed file is read again, even rewritten at once with the same size; a file only
    # touched is not.
    path.write_text(big_sources(51), encoding="utf-8")
    assert len(load_sources(path)) == 51 and CountingLoader.made == 2
    path.write_text(big_sources(51).replace("src-00050", "src-99999"), encoding="utf-8")
    assert load_sources(path)[-1].name == "src-99999" and CountingLoader.made == 3
    later = time.time() + 5
    os.utime(path, (later, later))
    assert len(load_sources(path)) == 51 and CountingLoader.made == 3
    # Errors are not kept: a broken file is reported each time, and once fixed it loads.
    path.write_text(big_sources(3, last="  - name: broken\n"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ConfigError, match="missing required key 'url'"):
            load_sources(path)
    path.write_text(big_sources(3), encoding="utf-8")
    assert len(load_sources(path)) == 3


def test_errors_deep_in_a_large_file_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    text = big_sources(4000, last="  - name: last\n    url: https://last.example.org/\n    delay: .inf\n")
    path.write_text(text, encoding="utf-8")
    line = text.count("\n")
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert str(err.value) == f"{path}:{line}: sources[4000].delay: must be a finite number, not inf"
    # The same file without the bad line: every source, listed by the CLI.
    path.write_text(big_sources(4000), encoding="utf-8")
    run = harvest("sources", "--config", str(path), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == 4001 and "src-03999" in run.stdout


# 11. a damaged index ---------------------------------------------------------------------------

def corrupt(index: Path, kind: str) -> str:
    """Damage ``index`` as ``kind`` says; return SQLite's word for it."""
    if kind == "garbage":
        index.write_bytes(b"this is not a database, it was overwritten by something else\n" * 200)
        return "file is not a database"
    db = sqlite3.connect(index)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    size = index.stat().st_size
    with open(index, "r+b") as fh:
        fh.truncate(max(4096, size // 2 // 4096 * 4096))
    return "database disk image is malformed"


@pytest.fixture
def stored_corpus(tmp_path: Path) -> Path:
    """Seeds plus three crawled items, and a sources file naming their source."""
    folder = seeded(tmp_path / "corpus")
    with Corpus(folder) as corpus:
        for i, words in enumerate(("water", "housing", "gender equality")):
            corpus.store(story(f"https://site.example.org/news/{i}/", words))
    write_config(tmp_path / "sources.yaml", "  - name: site\n    url: https://site.example.org/news/\n")
    return folder


def rows_of(index: Path) -> dict[str, tuple]:
    db = sqlite3.connect(index)
    try:
        return {r[0]: r[1:] for r in db.execute("SELECT file, id, num, title, content_hash, url FROM documents")}
    finally:
        db.close()


def one_line(kind: str) -> str:
    detail = "file is not a database" if kind == "garbage" else "database disk image is malformed"
    return (f"harvest: corpus/index.sqlite is not a readable index ({detail}): "
            "run 'harvest check --repair' to rebuild it from the files")


@pytest.mark.parametrize("kind", ["garbage", "truncated"])
def test_a_damaged_index_is_one_line_and_exit_1(stored_corpus: Path, kind: str) -> None:
    cwd = stored_corpus.parent
    corrupt(stored_corpus / "index.sqlite", kind)
    damaged = (stored_corpus / "index.sqlite").read_bytes()
    for command in (["check"], ["export"], ["export", "--format", "parquet", "-o", "out.parquet"],
                    ["reset", "site", "--config", "sources.yaml"]):
        run = harvest(*command, "--corpus", "corpus", cwd=cwd)
        assert (run.returncode, run.stderr.splitlines(), run.stdout) == (1, [one_line(kind)], ""), command
    # Nothing was changed by trying.
    assert (stored_corpus / "index.sqlite").read_bytes() == damaged
    assert not (cwd / "out.parquet").exists()


@pytest.mark.parametrize("kind", ["garbage", "truncated"])
def test_check_repair_rebuilds_the_index_from_the_files(stored_corpus: Path, kind: str) -> None:
    cwd = stored_corpus.parent
    index = stored_corpus / "index.sqlite"
    before = rows_of(index)
    corrupt(index, kind)
    (stored_corpus / "index.sqlite-wal").write_bytes(b"\x00" * 1000)
    (stored_corpus / "index.sqlite-shm").write_bytes(b"\x01" * 1000)
    damaged = index.read_bytes()
    files = doc_files(stored_corpus)
    run = harvest("check", "--repair", "--corpus", "corpus", cwd=cwd)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout.splitlines()[-1].startswith(f"after repair: {len(files)} files, {len(files)} index rows")
    assert run.stdout.splitlines()[-1].endswith("consistent") and "INCONSISTENT" not in run.stdout
    # The bad index is kept aside, with its log and shared memory.
    (aside,) = [p for p in stored_corpus.iterdir() if re.fullmatch(r"index\.sqlite\.corrupt-\d{8}T\d{6}Z", p.name)]
    assert aside.read_bytes() == damaged
    assert Path(f"{aside}-wal").read_bytes() == b"\x00" * 1000 and Path(f"{aside}-shm").exists()
    assert aside.name in run.stdout
    # Every file registered with what the file tells: number and id from its name, title from
    # its first line (when it is a heading: the seeds start with a paragraph), the hash of its
    # body — as the index had them. The files are untouched.
    assert doc_files(stored_corpus) == files
    rows = rows_of(index)
    assert sorted(rows) == files
    for name in files:
        num, ident = FILE_RE.match(name).groups()
        text = (stored_corpus / name).read_text(encoding="utf-8")
        row_id, row_num, title, digest, url = rows[name]
        assert (row_id, row_num, title, digest) == before[name][:4]
        assert row_id == ident and row_num == int(num) and url is None
        assert digest == content_hash(split_text(text, title))
        if before[name][4] is not None:  # a crawled item
            assert title == text.splitlines()[0]
    # The repaired corpus checks, exports and stores.
    assert harvest("check", "--corpus", "corpus", cwd=cwd).returncode == 0
    export = harvest("export", "--corpus", "corpus", cwd=cwd)
    assert export.returncode == 0 and len(export.stdout.splitlines()) == len(files)
    with Corpus(stored_corpus) as corpus:
        again = corpus.store(story("https://site.example.org/news/1/", "housing"))
        assert again.status == "new" and again.doc.file in files  # its row filled in, same file
        assert corpus.store(story("https://site.example.org/news/9/", "parks")).doc.num == len(files)


def test_a_crawl_on_a_damaged_index_fails_in_one_line_and_works_after_repair(tmp_path: Path,
                                                                                wordpress_site: Any) -> None:
    corpus = seeded(tmp_path / "corpus")
    config = write_config(tmp_path / "sources.yaml",
                          f"  - name: site\n    url: {wordpress_site.url}/en/\n    delay: 0\n")
    first = crawl_process("site", config, corpus, tmp_path / "1.json")
    assert first.returncode == 0, first.stderr[-3000:]
    stored = json.loads((tmp_path / "1.json").read_text(encoding="utf-8"))
    assert stored["new"] > 0
    files = doc_files(corpus)
    db = sqlite3.connect(corpus / "index.sqlite")
    urls = {r[0]: r[1] for r in db.execute("SELECT file, url FROM documents WHERE url IS NOT NULL")}
    db.close()

    corrupt(corpus / "index.sqlite", "garbage")
    failed = crawl_process("site", config, corpus, tmp_path / "2.json")
    assert failed.returncode == 1
    summary = json.loads((tmp_path / "2.json").read_text(encoding="utf-8"))
    message = (f"{corpus}/index.sqlite is not a readable index (file is not a database): "
               "run 'harvest check --repair' to rebuild it from the files")
    assert summary["status"] == "failed" and summary["error_kind"] == "corpus"
    assert summary["error"].endswith(message) and summary["requests"] == 0
    assert "Traceback" not in failed.stderr
    assert doc_files(corpus) == files

    assert harvest("check", "--repair", "--corpus", "corpus", cwd=tmp_path).returncode == 0
    again = crawl_process("site", config, corpus, tmp_path / "3.json")
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads((tmp_path / "3.json").read_text(encoding="utf-8"))["status"] == "ok"
    # The items got their rows back, in their own files, under their own numbers.
    assert doc_files(corpus) == files
    db = sqlite3.connect(corpus / "index.sqlite")
    assert {r[0]: r[1] for r in db.execute("SELECT file, url FROM documents WHERE url IS NOT NULL")} == urls
    db.close()
    check = harvest("check", "--corpus", "corpus", cwd=tmp_path)
    assert check.returncode == 0 and check.stdout.splitlines()[-1] == "consistent", check.stdout


# 12. symbolic links and other non-files named like documents ---------------------------------

@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "passwd"
    path.parent.mkdir()
    path.write_text("root:x:0:0:root:/root:/bin/bash\nsecret-line-that-must-not-leak\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("target", ["secret", "/etc/passwd"])
def test_a_symlink_named_like_a_document_is_never_registered_or_exported(tmp_path: Path, secret: Path,
                                                                        target: str) -> None:
    corpus = seeded(tmp_path / "corpus")
    aim = secret if target == "secret" else Path(target)
    link = corpus / "902_0123456789abcdef.txt"
    link.symlink_to(aim)
    before = aim.read_bytes()
    with Corpus(corpus) as store:
        assert store.index.count() == 5 and store.index.get("0123456789abcdef") is None
        assert all(not p.is_symlink() for _, _, p in store.files())
    export = harvest("export", "--corpus", "corpus", cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    assert len(export.stdout.splitlines()) == 5
    assert "root:" not in export.stdout and "902_" not in export.stdout
    check = harvest("check", "--corpus", "corpus", cwd=tmp_path)
    assert check.returncode == 1
    assert "symbolic links: 1: 902_0123456789abcdef.txt" in check.stdout.splitlines()
    repair = harvest("check", "--repair", "--corpus", "corpus", cwd=tmp_path)
    assert repair.returncode == 0, repair.stdout + repair.stderr
    moved = corpus / ".orphans" / link.name
    assert moved.is_symlink() and os.readlink(moved) == str(aim)  # the link itself, not its target
    assert not os.path.lexists(link) and aim.read_bytes() == before
    assert harvest("check", "--corpus", "corpus", cwd=tmp_path).returncode == 0


def test_a_registered_file_replaced_by_a_symlink(tmp_path: Path, secret: Path) -> None:
    from storage.check import check, repair
    from storage.export import write_jsonl

    corpus = seeded(tmp_path / "corpus")
    url = "https://site.example.org/news/a/"
    with Corpus(corpus) as store:
        doc = store.store(story(url, "water")).doc
        with store.index.write():
            store.index.mark_url(canonical_url(url), "site", "stored", doc_id=doc.id)
    path = corpus / doc.file
    path.unlink()
    path.symlink_to(secret)
    before = secret.read_bytes()
    with Corpus(corpus) as store:
        out = tmp_path / "export.jsonl"
        with open(out, "w", encoding="utf-8") as fh:
            assert write_jsonl(store, fh) == 5
        assert "secret-line" not in out.read_text(encoding="utf-8")
        with pytest.raises(OSError):
            store.read_body(doc)
    report = check(corpus)
    assert report.problems["symbolic links"] == [doc.file]
    assert report.problems["rows without file"] == [doc.file]
    # A new version of the item replaces the link; the link's target is never written.
    with Corpus(corpus) as store:
        assert store.store(story(url, "water and wells")).status == "updated"
    assert secret.read_bytes() == before
    assert not path.is_symlink() and "water and wells" in path.read_text(encoding="utf-8")
    path.unlink()
    path.symlink_to(secret)
    assert repair(corpus).ok
    assert (corpus / ".orphans" / doc.file).is_symlink() and secret.read_bytes() == before
    with Corpus(corpus) as store:
        assert store.index.get(doc.id) is None and store.index.url_status(canonical_url(url)) is None


def test_a_fifo_or_folder_named_like_a_document(tmp_path: Path) -> None:
    corpus = seeded(tmp_path / "corpus")
    fifo = corpus / "903_00000000000000ff.txt"
    os.mkfifo(fifo)
    (corpus / "904_00000000000000fe.txt").mkdir()
    run = harvest("export", "--corpus", "corpus", cwd=tmp_path, timeout=60)  # does not block on the FIFO
    assert run.returncode == 0 and len(run.stdout.splitlines()) == 5
    check = harvest("check", "--corpus", "corpus", cwd=tmp_path, timeout=60)
    assert check.returncode == 1
    assert "not regular files: 2: 903_00000000000000ff.txt, 904_00000000000000fe.txt" in check.stdout
    assert harvest("check", "--repair", "--corpus", "corpus", cwd=tmp_path, timeout=60).returncode == 0
    assert sorted(p.name for p in (corpus / ".orphans").iterdir()) == [fifo.name, "904_00000000000000fe.txt"]


def test_a_symlinked_corpus_folder_is_fine(tmp_path: Path) -> None:
    real = seeded(tmp_path / "real")
    (tmp_path / "corpus").symlink_to(real, target_is_directory=True)
    export = harvest("export", "--corpus", "corpus", cwd=tmp_path)
    assert export.returncode == 0 and len(export.stdout.splitlines()) == 5
    with Corpus(tmp_path / "corpus") as store:
        doc = store.store(story("https://site.example.org/news/a/", "water")).doc
        assert "water" in store.read_body(doc)
    assert (real / doc.file).is_file() and doc.id == doc_id(canonical_url("https://site.example.org/news/a/"))
    check = harvest("check", "--corpus", "corpus", cwd=tmp_path)
    assert check.returncode == 0 and check.stdout.splitlines()[-1] == "consistent"


def test_a_crawl_on_a_damaged_index_is_one_line_before_anything_starts(stored_corpus: Path) -> None:
    cwd = stored_corpus.parent
    corrupt(stored_corpus / "index.sqlite", "garbage")
    run = harvest("crawl", "--config", "sources.yaml", "--corpus", "corpus", cwd=cwd)
    line = one_line("garbage").replace("corpus/index.sqlite", str(stored_corpus / "index.sqlite"))
    assert (run.returncode, run.stderr.splitlines(), run.stdout) == (1, [line], ""), run.stderr


def test_a_crawl_process_handed_its_source_reads_no_sources_file(tmp_path: Path, wordpress_site) -> None:
    """The flow reads the sources file once and hands each crawl process its entry: the crawl
    runs even where the file is no longer readable."""
    from crawlers.sources import Source
    from flows.runner import run_source

    source = Source(name="wp", url=f"{wordpress_site.url}/en/", delay=0)
    summary = run_source("wp", seeded(tmp_path / "corpus"), tmp_path / "gone.yaml", timeout=120, source=source)
    assert summary["status"] == "ok" and summary["new"] > 0, summary
