"""The PostgreSQL index failing mid-way: its server connections terminated (as an administrator's
``pg_terminate_backend``, a server restart or a reset network would) while a corpus is written.

Every error of the backend is a storage error (``storage.index.StorageError``), so the layers
above take their "cannot store" path: ``Corpus.store`` raises it with no file left without its
row, the crawl's writer thread hands it to the jobs it could not write, and a crawl stops its
source as ``store_error`` with a summary that says so — never a crash. Real PostgreSQL
(``pg_server``), real crawl processes.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

from crawlers.store import StoreThread
from storage.corpus import FILE_RE, Corpus, NewDocument
from storage.index import IndexServerError, StorageError, public_location
from tests.conftest import write_config


def terminate(pg_server: str, url: str) -> int:
    """End every server connection to the database of ``url`` but the caller's; how many."""
    with psycopg.connect(pg_server, autocommit=True) as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                             " WHERE datname = %s AND pid <> pg_backend_pid()",
                             (urlsplit(url).path.lstrip("/"),)).fetchall()
    return len(rows)


def story(n: int) -> NewDocument:
    return NewDocument(url=f"https://site.example.org/news/{n}/", source="site", title=f"Story {n}",
                       paragraphs=[f"Story number {n} about the town council.",
                                   " ".join(f"word{n}x{k}" for k in range(40))])


def doc_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if FILE_RE.match(p.name))


def test_a_store_whose_connection_is_terminated_raises_a_storage_error(tmp_path: Path, pg_server: str,
                                                                      pg_url: str) -> None:
    corpus = Corpus(tmp_path, index=pg_url)
    kept = corpus.store(story(0)).doc.file
    assert terminate(pg_server, pg_url) == 1
    with pytest.raises(StorageError) as caught:
        corpus.store(story(1))
    assert isinstance(caught.value, IndexServerError) and isinstance(caught.value.__cause__, psycopg.Error)
    password = urlsplit(pg_url).password
    assert public_location(pg_url) in str(caught.value) and not (password and password in str(caught.value))
    corpus.close()
    assert doc_files(tmp_path) == [kept]
    with Corpus(tmp_path, index=pg_url) as again:  # a new connection: the index as it was
        assert [d.file for d in again.documents()] == [kept]
        assert again.store(story(1)).status == "new"


def test_a_batch_whose_connection_is_terminated_takes_its_files_back(tmp_path: Path, pg_server: str,
                                                                     pg_url: str) -> None:
    corpus = Corpus(tmp_path, index=pg_url)
    try:
        with pytest.raises(StorageError), corpus.batch():
            corpus.store(story(0))
            corpus.store(story(1))
            terminate(pg_server, pg_url)
            corpus.store(story(2))
    finally:
        corpus.close()
    assert doc_files(tmp_path) == []  # nothing of the batch was committed: none of its files stays
    with Corpus(tmp_path, index=pg_url) as again:
        assert again.index.count() == 0 and not (tmp_path / ".orphans").exists()
        assert again.store(story(0)).doc.num == 0


def _store_status(corpus: Corpus, doc: NewDocument) -> str:
    return corpus.store(doc).status


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def inc_value(self, key: str) -> None:
        self.values[key] = self.values.get(key, 0) + 1

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value


def test_the_store_thread_reports_a_terminated_connection_as_a_store_error(tmp_path: Path, pg_server: str,
                                                                           pg_url: str) -> None:
    stats = _Stats()
    writer = StoreThread(str(tmp_path), {}, stats=stats, index=pg_url)

    async def jobs() -> tuple[Any, BaseException | None, BaseException | None]:
        first = await writer.submit(lambda corpus: corpus.store(story(0)).status)
        terminate(pg_server, pg_url)
        errors: list[BaseException | None] = []
        for n in (1, 2):  # the connection stays broken: each later job says so too
            try:
                await writer.submit(partial(_store_status, doc=story(n)))
                errors.append(None)
            except BaseException as exc:
                errors.append(exc)
        return first, errors[0], errors[1]

    try:
        first, second, third = asyncio.run(jobs())
        writer.write(lambda corpus: corpus.index.mark_url("https://site.example.org/x", "site", "seen"))
    finally:
        writer.close()
    assert first == "new"
    assert isinstance(second, IndexServerError) and isinstance(third, IndexServerError)
    assert stats.values["harvest/store_errors"] == 1
    assert stats.values["harvest/store_error_message"].startswith("IndexServerError: PostgreSQL index ")


def test_a_crawl_whose_index_server_goes_away_stops_as_a_store_error(tmp_path: Path, pg_server: str, pg_url: str,
                                                                     wordpress_site: Any) -> None:
    """The crawl's connections are terminated once it has stored its first document: the source
    stops as ``store_error``, its summary fails as ``corpus`` and says why; no crash."""
    corpus = tmp_path / "corpus"
    config = write_config(tmp_path / "sources.yaml",
                          f"  - name: site\n    url: {wordpress_site.url}/en/\n    delay: 0.5\n")
    summary_path = tmp_path / "summary.json"
    env = {**os.environ, "HARVEST_INDEX": pg_url}
    proc = subprocess.Popen([sys.executable, "-m", "crawlers.run", "site", "--config", str(config), "--corpus",
                             str(corpus), "--summary", str(summary_path)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    output: dict[str, str] = {}
    reader = threading.Thread(target=lambda: output.update(zip(("out", "err"), proc.communicate(timeout=300))))
    reader.start()
    terminated = 0
    deadline = time.monotonic() + 120
    with psycopg.connect(pg_url, autocommit=True) as watch:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                row = watch.execute("SELECT COUNT(*) FROM documents WHERE url IS NOT NULL").fetchone()
            except psycopg.errors.UndefinedTable:
                row = (0,)
            if row is not None and row[0] >= 1:
                terminated = terminate(pg_server, pg_url)  # this watcher's own connection stays
                break
            time.sleep(0.05)
    reader.join(300)
    assert terminated >= 1, "the crawl ended before its connections could be terminated"
    assert proc.returncode == 1, output.get("err", "")[-3000:]
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["status"] == "failed" and summary["error_kind"] == "corpus", summary
    assert summary["finish_reason"] == "store_error"
    assert "could not be stored: IndexServerError: PostgreSQL index " in summary["error"]
    assert "Unhandled error in Deferred" not in output["err"] and "crashed" not in output["err"]
    # What was committed before the server went away is whole: every row has its file.
    with Corpus(corpus, index=pg_url) as again:
        rows = sorted(d.file for d in again.documents())
    assert rows == doc_files(corpus) and len(rows) >= 1
    assert not (corpus / ".orphans").exists()
