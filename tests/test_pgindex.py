"""What the PostgreSQL index (``storage.pgindex.PgIndex``) promises besides the behaviour it shares
with the SQLite one (tests/test_gateway.py): numbers unique and gapless with several writers on
one database, taken back with the transaction that took them; one writer at a time; the schema
created safely by processes opening a new database at once; near-duplicate look-ups through the
index on (band, value); the same tables and columns as SQLite's, and the same read-only views.

Each test has a database of its own on the session's server (``pg_url``, tests/pgserver.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pgserver
import psycopg
import pytest
from psycopg.rows import dict_row

from storage import index as sqlite_index
from storage.corpus import Corpus
from storage.index import INDEX_NAME, DocumentRow, Index, IndexServerError, StorageError
from storage.pgindex import PgIndex, near_query

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def server_error(cause: type[psycopg.Error]) -> Iterator[None]:
    """Expects the storage error of the index (``IndexServerError``, one of ``StorageError``)
    raised from the driver's error ``cause``."""
    with pytest.raises(IndexServerError) as caught:
        yield
    assert isinstance(caught.value, StorageError) and isinstance(caught.value.__cause__, cause)

# A writer process: opens the index, waits at the start line (a shared advisory lock the test
# holds exclusively), then stores documents one write transaction each, taking the next number
# as the corpus does; every 7th transaction fails after taking its number (rolled back).
WRITER = """
import sys
import psycopg
from storage.index import DocumentRow
from storage.pgindex import PgIndex

url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
index = PgIndex(url)
with psycopg.connect(url, autocommit=True) as start:
    start.execute("SELECT pg_advisory_lock_shared(%s)", (START_LINE,))
stored = 0
attempt = 0
while stored < count:
    attempt += 1
    try:
        with index.write():
            num = index.next_num()
            index.set_next_num(num + 1)
            ident = f"{int(name):x}{attempt:015x}"
            index.upsert(DocumentRow(id=ident, num=num, file=f"{num:03d}_{ident}.txt",
                                     url=f"https://example.org/{name}/{attempt}", source=name))
            if attempt % 7 == 0:
                raise RuntimeError("taken back")
        stored += 1
    except RuntimeError:
        pass
index.close()
"""
START_LINE = 4242


def _doc(ident: str, num: int, source: str = "s") -> DocumentRow:
    return DocumentRow(id=ident, num=num, file=f"{num:03d}_{ident}.txt", url=f"https://example.org/{ident}",
                       source=source)


def _take_number(index: PgIndex, ident: str) -> int:
    """Store a document under the next number, as ``Corpus`` does (inside ``write()``)."""
    num = index.next_num()
    index.set_next_num(num + 1)
    index.upsert(_doc(ident, num))
    return num


def _waiting_for_lock(url: str, key: int) -> int:
    """How many sessions wait for the advisory lock ``key`` (shared or exclusive)."""
    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                         " AND objid = %s", (key,)).fetchone()
    return int(row[0]) if row else 0


def _together(url: str, code: str, *argvs: list[str]) -> None:
    """Run one Python process per argument list (``code`` with ``START_LINE`` in it), released
    together once every one waits at the start line; each must succeed."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    code = code.replace("START_LINE", str(START_LINE))
    with psycopg.connect(url, autocommit=True) as gate:
        gate.execute("SELECT pg_advisory_lock(%s)", (START_LINE,))
        procs = [subprocess.Popen([sys.executable, "-c", code, *argv], env=env, stderr=subprocess.PIPE, text=True)
                 for argv in argvs]
        deadline = time.monotonic() + 60
        while _waiting_for_lock(url, START_LINE) < len(procs) and time.monotonic() < deadline:
            assert all(p.poll() is None for p in procs), [p.communicate()[1] for p in procs]
            time.sleep(0.05)
        gate.execute("SELECT pg_advisory_unlock(%s)", (START_LINE,))
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err


def test_two_writer_processes_get_unique_gapless_numbers(pg_url: str) -> None:
    per_writer = 150
    _together(pg_url, WRITER, [pg_url, "1", str(per_writer)], [pg_url, "2", str(per_writer)])
    index = PgIndex(pg_url)
    try:
        docs = list(index.documents())
    finally:
        index.close()
    nums = [d.num for d in docs]
    assert nums == list(range(2 * per_writer))  # each number once, none skipped by the rolled-back ones
    assert sorted(d.source or "" for d in docs) == ["1"] * per_writer + ["2"] * per_writer
    turns = sum(1 for a, b in zip(docs, docs[1:]) if a.source != b.source)
    assert turns > 1  # the two wrote at the same time, not one after the other


# A crawl process storing articles into a corpus indexed in PostgreSQL, from the start line on.
STORER = """
import sys
import psycopg
from storage.corpus import Corpus, NewDocument

folder, url, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with Corpus(folder, index=url) as corpus:
    with psycopg.connect(url, autocommit=True) as start:
        start.execute("SELECT pg_advisory_lock_shared(%s)", (START_LINE,))
    for i in range(count):
        result = corpus.store(NewDocument(url=f"https://example.org/{name}/{i}", source=name, title=f"{name} {i}",
                                          paragraphs=[f"Council story {name}-{i}."]))
        assert result.status == "new", result
"""


def test_two_crawl_processes_store_into_one_corpus(pg_url: str, tmp_path: Path) -> None:
    folder, per_writer = tmp_path / "corpus", 60
    Corpus(folder, index=pg_url).close()
    _together(pg_url, STORER, *([str(folder), pg_url, name, str(per_writer)] for name in ("a", "b")))
    with Corpus(folder, index=pg_url) as corpus:
        docs = list(corpus.documents())
        files = sorted((num, ident) for num, ident, _ in corpus.files())
        assert [(d.num, d.id) for d in docs] == files  # every row has its file, every file its row
        assert [d.num for d in docs] == list(range(2 * per_writer))
        assert all(corpus.read_body(d) == f"Council story {d.title.replace(' ', '-')}." for d in docs if d.title)


def test_a_second_writer_waits_for_the_first_and_takes_the_next_number(pg_url: str) -> None:
    first, second = PgIndex(pg_url), PgIndex(pg_url)
    taken: list[int] = []
    try:
        with first.write():
            assert _take_number(first, "0000000000000001") == 0

            def write() -> None:
                with second.write():
                    taken.append(_take_number(second, "0000000000000002"))

            thread = threading.Thread(target=write)
            thread.start()
            time.sleep(0.5)
            assert thread.is_alive() and taken == []  # waiting for the write lock
        thread.join(30)
        assert taken == [1]
        assert first.next_num() == 2 and second.next_num() == 2
    finally:
        first.close()
        second.close()


def test_a_rolled_back_number_is_handed_out_again(pg_url: str) -> None:
    index = PgIndex(pg_url)
    try:
        with index.write():
            assert _take_number(index, "0000000000000001") == 0
        with pytest.raises(RuntimeError), index.write():
            assert _take_number(index, "0000000000000002") == 1
            raise RuntimeError("boom")
        assert index.next_num() == 1 and index.count() == 1
        with index.write():
            with pytest.raises(RuntimeError), index.write():  # a savepoint gives its number back too
                assert _take_number(index, "0000000000000003") == 1
                raise RuntimeError("boom")
            assert _take_number(index, "0000000000000004") == 1
        assert [(d.num, d.id) for d in index.documents()] == [(0, "0000000000000001"), (1, "0000000000000004")]
    finally:
        index.close()


def test_a_failed_statement_takes_back_only_its_savepoint(pg_url: str) -> None:
    """As the crawl's store thread does: each job in a savepoint, a job's database error taken back
    alone, the batch committed."""
    index = PgIndex(pg_url)
    calls: list[str] = []
    try:
        with index.write():
            index.on_commit(lambda: calls.append("committed"))
            index.mark_url("https://example.org/a", "s", "stored")
            with server_error(psycopg.errors.NotNullViolation), index.write():
                index.on_rollback(lambda: calls.append("job rolled back"))
                index.mark_url("https://example.org/b", "s", "stored")
                index.mark_url("https://example.org/c", None, "stored")  # type: ignore[arg-type]
            index.mark_url("https://example.org/d", "s", "stored")
        assert calls == ["job rolled back", "committed"]
        assert [index.url_status(f"https://example.org/{u}") is not None for u in "abcd"] == [True, False, False, True]
    finally:
        index.close()


def test_a_failed_statement_caught_inside_a_write_is_not_committed_silently(pg_url: str) -> None:
    index = PgIndex(pg_url)
    calls: list[str] = []
    try:
        with server_error(psycopg.errors.InFailedSqlTransaction), index.write():
            index.on_rollback(lambda: calls.append("rolled back"))
            index.mark_url("https://example.org/a", "s", "stored")
            with server_error(psycopg.errors.NotNullViolation):
                index.mark_url("https://example.org/b", None, "stored")  # type: ignore[arg-type]
        assert calls == ["rolled back"]
        assert index.url_status("https://example.org/a") is None and not index.in_transaction
        with index.write():  # the connection is usable again
            index.mark_url("https://example.org/a", "s", "stored")
            # Nested, the same takes back the savepoint only.
            with server_error(psycopg.errors.InFailedSqlTransaction), index.write():
                index.on_rollback(lambda: calls.append("savepoint rolled back"))
                index.mark_url("https://example.org/b", "s", "stored")
                with server_error(psycopg.errors.NotNullViolation):
                    index.mark_url("https://example.org/c", None, "stored")  # type: ignore[arg-type]
            index.mark_url("https://example.org/d", "s", "stored")
        assert calls == ["rolled back", "savepoint rolled back"]
        assert [index.url_status(f"https://example.org/{u}") is not None for u in "abcd"] == [True, False, False, True]
    finally:
        index.close()


def _open_at_once(url: str, count: int) -> tuple[list[PgIndex], list[BaseException]]:
    """Open ``count`` indexes of ``url`` from as many threads released at the same moment."""
    start = threading.Barrier(count)
    opened: list[PgIndex] = []
    errors: list[BaseException] = []

    def open_index() -> None:
        start.wait()
        try:
            opened.append(PgIndex(url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_index) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return opened, errors


def test_two_connections_create_the_schema_at_once(pg_server: str) -> None:
    for _ in range(3):  # without the lock, CREATE TABLE IF NOT EXISTS races fail nearly every time
        url = pgserver.create_database(pg_server)
        try:
            opened, errors = _open_at_once(url, 4)
            for index in opened:
                index.close()
            assert errors == [] and len(opened) == 4
            with psycopg.connect(url) as db:
                rows = db.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
            assert rows == [("next_num", "0"), ("schema_version", str(sqlite_index.SCHEMA_VERSION))]
        finally:
            pgserver.drop_database(pg_server, url)


def test_near_duplicate_look_ups_use_the_band_index(pg_url: str) -> None:
    PgIndex(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as db:
        # 5,000 crawled documents with four 16-bit bands each, then the planner's statistics.
        db.execute("INSERT INTO documents(id, num, file, url, simhash) SELECT lpad(to_hex(i), 16, '0'), i,"
                   " lpad(i::text, 3, '0') || '_' || lpad(to_hex(i), 16, '0') || '.txt',"
                   " 'https://example.org/' || i, i FROM generate_series(0, 4999) AS i")
        db.execute("INSERT INTO bands(band, value, doc_id) SELECT b, (i * 7919 + b * 104729) % 65536,"
                   " lpad(to_hex(i), 16, '0') FROM generate_series(0, 4999) AS i, generate_series(0, 3) AS b")
        db.execute("ANALYZE")
        # The probes of document 1234's four bands, each value and its one-bit variants.
        probes = [(b, [v] + [v ^ (1 << j) for j in range(16)])
                  for b in range(4) for v in [(1234 * 7919 + b * 104729) % 65536]]
        query, params = near_query(probes)
        plan = "\n".join(str(r[0]) for r in db.execute(f"EXPLAIN {query}", params).fetchall())
    assert "bands_lookup" in plan and "Seq Scan on bands" not in plan, plan
    index = PgIndex(pg_url)
    try:
        assert (f"{1234:016x}", 1234, 1234) in index.near_candidates(probes)
        assert (f"{1234:016x}", 1234, 1234) in index.near_candidates(probes[2:3])
    finally:
        index.close()


def _columns_sqlite(path: Path) -> dict[str, list[str]]:
    index = Index(path)
    try:
        tables = [r[0] for r in index.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                                 " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: [r[1] for r in index.db.execute(f"PRAGMA table_info({t})")] for t in tables}
    finally:
        index.close()


def test_the_tables_and_columns_are_the_sqlite_ones(pg_url: str, tmp_path: Path) -> None:
    PgIndex(pg_url).close()
    with psycopg.connect(pg_url) as db:
        rows = db.execute("SELECT table_name, column_name FROM information_schema.columns"
                          " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position").fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        if column != "seq":  # the order of insertion, where SQLite has its rowid
            columns.setdefault(table, []).append(column)
    assert columns == _columns_sqlite(tmp_path / INDEX_NAME)


def _fill(index: Any) -> None:
    """The same crawl state and runs, written through either backend."""
    with index.write():
        index.upsert(DocumentRow(id="0123456789abcdef", num=0, file="000_0123456789abcdef.txt",
                                 url="https://example.org/a", source="s", kind="item"))
        index.upsert(DocumentRow(id="fedcba9876543210", num=1, file="001_fedcba9876543210.txt", source="s"))
        index.mark_url("https://example.org/a", "s", "stored", doc_id="0123456789abcdef")
        index.dead_end("https://example.org/gone", "s", "http_404", 1)
        index.dead_end("https://example.org/no", "s", "listing", 1, status="rejected", content_hash="c")
        index.mark_resource("https://example.org/feed", "s", "feed", "ok", run=1, etag='"e"')
        index.mark_resource("https://example.org/sitemap.xml", "s", "sitemap", "missing", run=1)
        for started, status, complete in (("1", "ok", True), ("2", "failed", False), ("3", "ok", True),
                                          ("4", "ok", False)):
            index.record_run("s", started, status, {"started_at": started}, complete=complete)
        index.record_run("t", "5", "ok", {"started_at": "5"}, complete=True)


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: None if k in ("first_seen", "last_seen", "checked_at", "finished_at") else _without_times(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def test_the_read_only_views_are_the_sqlite_ones(pg_url: str, tmp_path: Path) -> None:
    sqlite, pg = Index(tmp_path / INDEX_NAME), PgIndex(pg_url)
    try:
        _fill(sqlite)
        _fill(pg)
        assert [d.as_record() for d in pg.documents()] == [d.as_record() for d in sqlite.documents()]
    finally:
        sqlite.close()
    try:
        for source in ("s", "t", "u"):
            expected = sqlite_index.crawl_state(tmp_path / INDEX_NAME, source)
            assert _without_times(pg.crawl_state(source)) == _without_times(expected)
        assert pg.ok_run_summaries() == sqlite_index.ok_run_summaries(tmp_path / INDEX_NAME)
    finally:
        pg.close()


def test_upsert_replaces_a_row_holding_the_same_number_or_file_as_sqlite_does(pg_url: str, tmp_path: Path) -> None:
    for index in (Index(tmp_path / INDEX_NAME), PgIndex(pg_url)):
        try:
            with index.write():
                index.upsert(_doc("0000000000000001", 0))
                index.upsert(_doc("0000000000000002", 1))
                index.upsert(_doc("0000000000000003", 0))  # number 0 again: the first row goes
            assert [(d.num, d.id) for d in index.documents()] == [(0, "0000000000000003"), (1, "0000000000000002")]
        finally:
            index.close()


def test_rows_read_by_name_are_dicts(pg_url: str) -> None:
    index = PgIndex(pg_url)
    try:
        with index.write():
            index.mark_url("https://example.org/a", "s", "stored")
        row = index.url_status("https://example.org/a")
        assert isinstance(row, dict) and row["status"] == "stored"
        assert index.db.row_factory is dict_row
    finally:
        index.close()


def _terminate(pg_server: str, url: str) -> int:
    """End every server connection to the database of ``url`` (as an administrator's
    ``pg_terminate_backend``, a server restart or a reset network would); how many."""
    from urllib.parse import urlsplit

    with psycopg.connect(pg_server, autocommit=True) as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                             " WHERE datname = %s AND pid <> pg_backend_pid()",
                             (urlsplit(url).path.lstrip("/"),)).fetchall()
    return len(rows)


def test_every_error_of_a_terminated_connection_is_a_storage_error(pg_server: str, pg_url: str) -> None:
    """The server gone mid-way: reads, writes, commits, savepoints and closing raise the storage
    error the layers above catch (``StorageError``), from the driver's error, never psycopg's own."""
    index = PgIndex(pg_url)
    with index.write():
        index.mark_url("https://example.org/a", "s", "stored")
    assert _terminate(pg_server, pg_url) == 1
    calls = [
        lambda: index.url_status("https://example.org/a"),
        lambda: index.count(),
        lambda: list(index.documents()),
        lambda: index.near_candidates([(0, [1, 2])]),
        lambda: index.set_bands("0123456789abcdef", [1, 2, 3, 4]),
        lambda: index.learn_boilerplate("s", {"h": "a paragraph"}, cap=10, trim_every=5),
        lambda: index.record_run("s", "2024-01-01T00:00:00Z", "ok", {}),
    ]
    for call in calls:
        with pytest.raises(IndexServerError) as caught:
            call()
        assert isinstance(caught.value, StorageError) and isinstance(caught.value.__cause__, psycopg.Error)
        assert not index.in_transaction
    with pytest.raises(IndexServerError), index.write():
        index.mark_url("https://example.org/b", "s", "stored")
    index.close()


def test_a_connection_terminated_inside_a_write_fails_it_as_a_storage_error(pg_server: str, pg_url: str) -> None:
    index = PgIndex(pg_url)
    calls: list[str] = []
    try:
        with pytest.raises(IndexServerError) as caught, index.write():
            index.on_rollback(lambda: calls.append("rolled back"))
            index.mark_url("https://example.org/a", "s", "stored")
            with index.write():  # a savepoint whose connection is gone
                index.on_rollback(lambda: calls.append("savepoint rolled back"))
                _terminate(pg_server, pg_url)
                index.mark_url("https://example.org/b", "s", "stored")
        assert isinstance(caught.value.__cause__, psycopg.OperationalError)
        assert calls == ["savepoint rolled back", "rolled back"] and not index.in_transaction
    finally:
        index.close()
    again = PgIndex(pg_url)
    try:  # nothing of the failed transaction was committed
        assert again.url_status("https://example.org/a") is None
    finally:
        again.close()


def test_the_write_lock_waited_for_too_long_is_a_storage_error(pg_url: str) -> None:
    from storage.pgindex import WRITE_LOCK

    index = PgIndex(pg_url)
    try:
        index._run("SET lock_timeout = '200ms'")  # instead of LOCK_TIMEOUT's minute
        with psycopg.connect(pg_url, autocommit=True) as holder:
            holder.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))  # another writer, in its transaction
            with server_error(psycopg.errors.LockNotAvailable), index.write():
                index.mark_url("https://example.org/a", "s", "stored")
        assert not index.in_transaction
        with index.write():  # the lock free again, the connection usable
            index.mark_url("https://example.org/a", "s", "stored")
        assert index.url_status("https://example.org/a") is not None
    finally:
        index.close()


def test_boilerplate_counts_do_not_wait_for_the_writers_lock(pg_url: str) -> None:
    """The crawl judges a page (its boilerplate counts) outside the corpus's writers' lock: while
    another connection holds that lock, learn_boilerplate still commits, and a write that does
    take the lock times out meanwhile."""
    holder, other = PgIndex(pg_url), PgIndex(pg_url)
    try:
        other._run("SET lock_timeout = '2s'")
        with holder.write():
            seen, counts = other.learn_boilerplate("s", {"h1": "Share this", "h2": "Menu"}, cap=10, trim_every=5)
            with pytest.raises(IndexServerError):
                with other.write():
                    pass
        assert (seen, counts) == (1, {"h1": 1, "h2": 1})
        assert other.pages_seen("s") == 1 and holder.pages_seen("s") == 1
    finally:
        holder.close()
        other.close()
