"""The storage gateway (``storage.gateway``): the SQLite ``Index`` and ``Corpus`` satisfy its
protocols, the crawl and the flows ask the index for nothing the protocols do not declare, the
SQLite sections keep to their own tables, and each protocol does what it promises.

The type-level check is mypy's: ``.venv/bin/mypy storage tests/test_gateway.py`` checks the
assignments of ``test_sqlite_classes_satisfy_the_protocols`` (and of its PostgreSQL twin) to the
protocol types. The behaviour tests take their index or corpus from the ``backend`` and
``document_store`` fixtures and use it through the protocol type only: each backend is one param
there. The PostgreSQL ones run on the session's server (``pg_url``, tests/pgserver.py).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from storage import index as sqlite_index
from storage import pgindex
from storage.corpus import Corpus, NewDocument
from storage.gateway import CrawlState, DocumentIndex, DocumentStore, IndexBackend, RunLog
from storage.ids import doc_id
from storage.index import INDEX_NAME, DocumentRow, Index
from storage.pgindex import PgIndex

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ["sqlite", "postgresql"]
INDEX_PROTOCOLS = (DocumentIndex, CrawlState, RunLog, IndexBackend)


def _open_backend(kind: str, folder: Path, url: str = "") -> IndexBackend:
    """An index of backend ``kind``: in ``folder`` (SQLite) or at ``url`` (PostgreSQL)."""
    if kind == "sqlite":
        return Index(folder / INDEX_NAME)
    if kind == "postgresql":
        return PgIndex(url)
    raise ValueError(f"no such backend: {kind}")


def _open_store(kind: str, folder: Path, url: str = "") -> DocumentStore:
    """A corpus in ``folder`` with its index in the folder (SQLite) or at ``url`` (PostgreSQL)."""
    if kind == "sqlite":
        return Corpus(folder, index="")
    if kind == "postgresql":
        return Corpus(folder, index=url)
    raise ValueError(f"no such backend: {kind}")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IndexBackend]:
    """An empty index of each backend (PostgreSQL: in a new database of the session's server)."""
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else ""
    index = _open_backend(request.param, tmp_path, url)
    yield index
    index.close()


@pytest.fixture(params=BACKENDS)
def document_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DocumentStore]:
    """An empty corpus over each backend."""
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else ""
    with _open_store(request.param, tmp_path / "corpus", url) as store:
        yield store


def _declared(*protocols: type) -> set[str]:
    """The names the protocols (and the protocols they extend) declare."""
    return {name for proto in protocols for cls in proto.__mro__ if cls is not object
            for name in vars(cls) if not name.startswith("_") or name in ("__enter__", "__exit__")}


def _public_methods(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}


# the protocols are satisfied --------------------------------------------------------------
def test_sqlite_classes_satisfy_the_protocols(tmp_path: Path) -> None:
    index = Index(tmp_path / INDEX_NAME)
    try:
        backend: IndexBackend = index  # mypy: structurally, with the signatures
        documents: DocumentIndex = index
        crawl_state: CrawlState = index
        run_log: RunLog = index
        for view, proto in ((backend, IndexBackend), (documents, DocumentIndex), (crawl_state, CrawlState),
                            (run_log, RunLog)):
            assert isinstance(view, proto)
    finally:
        index.close()
    with Corpus(tmp_path / "corpus") as corpus:
        store: DocumentStore = corpus
        assert isinstance(store, DocumentStore)
        assert isinstance(store.index, IndexBackend)


def test_the_postgresql_index_satisfies_the_protocols(pg_url: str) -> None:
    index = PgIndex(pg_url)
    try:
        backend: IndexBackend = index  # mypy: structurally, with the signatures
        documents: DocumentIndex = index
        crawl_state: CrawlState = index
        run_log: RunLog = index
        for view, proto in ((backend, IndexBackend), (documents, DocumentIndex), (crawl_state, CrawlState),
                            (run_log, RunLog)):
            assert isinstance(view, proto)
    finally:
        index.close()
    assert _declared(*INDEX_PROTOCOLS) - set(dir(PgIndex)) == set()
    # What the SQLite index has besides, the PostgreSQL one has too (storage/check.py, flows/).
    assert _public_methods(Index) - _public_methods(PgIndex) == set()


def test_the_protocols_declare_methods_the_sqlite_classes_have(tmp_path: Path) -> None:
    """Nothing declared that the SQLite backend lacks (a protocol no class satisfies would be
    caught by isinstance above; this names the missing method)."""
    assert _declared(*INDEX_PROTOCOLS) - set(dir(Index)) == set()
    with Corpus(tmp_path) as corpus:  # ``index`` is an attribute of the instance
        assert _declared(DocumentStore) - set(dir(corpus)) == set()
    # The protocols do not overlap: each method has one home.
    sections = [_declared(p) for p in (DocumentIndex, CrawlState, RunLog)]
    assert all(not (a & b) for i, a in enumerate(sections) for b in sections[i + 1:])


# what the crawl and the flows use ---------------------------------------------------------
def _modules(*packages: str) -> Iterator[tuple[Path, ast.Module]]:
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _terminal_name(expr: ast.expr) -> str:
    """``x`` of ``x``, ``….x`` and ``….x()``."""
    if isinstance(expr, ast.Call):
        expr = expr.func
    return expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""


def _is_index(expr: ast.expr) -> bool:
    """``index``, ``….index``, ``….index()`` and ``….\\_index()``: an index object."""
    return _terminal_name(expr) in ("index", "_index")


def _corpus_names(tree: ast.AST) -> set[str]:
    """Names bound to a ``Corpus(…)`` (``with Corpus(…) as name``, ``name = Corpus(…)``), and
    every name with ``corpus`` in it."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.withitem) and isinstance(node.context_expr, ast.Call) \
                and _terminal_name(node.context_expr) == "Corpus" and node.optional_vars is not None:
            names.add(_terminal_name(node.optional_vars))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and _terminal_name(node.value) == "Corpus":
            names |= {_terminal_name(t) for t in node.targets}
        elif isinstance(node, ast.Name | ast.Attribute | ast.arg):
            name = node.arg if isinstance(node, ast.arg) else _terminal_name(node)
            if "corpus" in name.lower():
                names.add(name)
    return names


def _calls_on(packages: tuple[str, ...], is_receiver: str) -> dict[str, list[str]]:
    """Method name → where it is called (path:line), on index objects (``is_receiver="index"``)
    or on corpus objects (``"corpus"``), in the modules of ``packages``."""
    found: dict[str, list[str]] = {}
    for path, tree in _modules(*packages):
        corpora = _corpus_names(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value
            if is_receiver == "index" and _is_index(receiver) or \
                    is_receiver == "corpus" and not _is_index(receiver) and _terminal_name(receiver) in corpora:
                found.setdefault(node.func.attr, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_index_method_the_crawl_and_the_flows_call_is_declared() -> None:
    used = _calls_on(("crawlers", "flows"), "index")
    assert {"mark_url", "url_status", "record_run", "last_good_run", "write"} <= set(used), used
    undeclared = {name: where for name, where in used.items()
                  if name in _public_methods(Index) and name not in _declared(*INDEX_PROTOCOLS)}
    assert undeclared == {}


def test_every_corpus_method_the_crawl_and_the_flows_call_is_declared() -> None:
    used = _calls_on(("crawlers", "flows"), "corpus")
    assert {"store", "close"} <= set(used), used
    undeclared = {name: where for name, where in used.items()
                  if name in _public_methods(Corpus) and name not in _declared(DocumentStore)}
    assert undeclared == {}


# the SQLite sections keep to their tables ------------------------------------------------------
_TABLE = re.compile(r"\b(?:FROM|INTO|(?<!DO )UPDATE|JOIN|TABLE)\s+(\w+)")
SECTION_TABLES = {
    "_SqliteDocuments": {"documents", "bands", "revisions", "settings"},
    "_SqliteCrawlState": {"urls", "resources", "boilerplate", "settings"},
    "_SqliteRuns": {"runs"},
    "_SqliteConnection": set(),
}


def _tables_named(method: ast.FunctionDef) -> set[str]:
    """The tables the SQL of ``method`` (its string constants, f-strings included; not its
    docstring) names."""
    doc = ast.get_docstring(method, clean=False)
    texts = [n.value for n in ast.walk(method) if isinstance(n, ast.Constant) and isinstance(n.value, str)
             and n.value != doc]
    return {m.lower() for text in texts for m in _TABLE.findall(text)}


def _check_sections(module: ModuleType, prefix: str, top: str) -> None:
    """The sections of a backend module (classes ``<prefix>Documents``… as ``SECTION_TABLES`` names
    them with ``_Sqlite``) keep to their tables; its class ``top`` only composes them."""
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    tables = set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", module._SCHEMA))
    assert tables == set().union(*SECTION_TABLES.values())  # every table has its section
    for sqlite_name, allowed in SECTION_TABLES.items():
        name = sqlite_name.replace("_Sqlite", prefix)
        assert name in classes, name
        for method in classes[name].body:
            if isinstance(method, ast.FunctionDef):
                assert _tables_named(method) <= tables, (method.name, _tables_named(method))  # the regex reads SQL
                assert _tables_named(method) <= allowed, (name, method.name, _tables_named(method))
    # The settings the document index and the crawl state share are theirs by key.
    doc_keys = {c.value for c in ast.walk(classes[f"{prefix}Documents"]) if isinstance(c, ast.Constant)}
    crawl_keys = {c.value for c in ast.walk(classes[f"{prefix}CrawlState"]) if isinstance(c, ast.Constant)}
    assert any("'band_scheme'" in str(k) for k in doc_keys)
    assert not any("pages_seen" in str(k) for k in doc_keys)
    assert not any("band_scheme" in str(k) or "next_num" in str(k) for k in crawl_keys)
    # The backend's class itself only composes the sections (and creates the schema).
    for method in classes[top].body:
        if isinstance(method, ast.FunctionDef) and method.name not in ("__init__", "_create", "opening"):
            assert _tables_named(method) == set(), method.name


def test_each_sqlite_section_touches_only_its_own_tables() -> None:
    _check_sections(sqlite_index, "_Sqlite", "Index")


def test_each_postgresql_section_touches_only_its_own_tables() -> None:
    _check_sections(pgindex, "_Pg", "PgIndex")


# behaviour, through the protocols ----------------------------------------------------------
def _row(ident: str, num: int, url: str | None = "https://example.org/a", content_hash: str = "h1",
         simhash: int | None = None) -> DocumentRow:
    return DocumentRow(id=ident, num=num, file=f"{num:03d}_{ident}.txt", url=url, source="s",
                       content_hash=content_hash, simhash=simhash, kind="item", why=["article"])


def test_crawl_state_remembers_the_decision_about_a_url(backend: IndexBackend) -> None:
    state: CrawlState = backend
    assert state.url_status("https://example.org/a") is None
    with backend.write():
        state.mark_url("https://example.org/a", "s", "stored", doc_id="0123456789abcdef", etag='"v1"')
    row = state.url_status("https://example.org/a")
    assert row is not None
    assert (row["source"], row["status"], row["doc_id"], row["etag"]) == ("s", "stored", "0123456789abcdef", '"v1"')
    first_seen = row["first_seen"]
    with backend.write():
        state.mark_url("https://example.org/a", "s", "duplicate", reason="same text")
        state.touch_url("https://example.org/a")
    row = state.url_status("https://example.org/a")
    assert row is not None
    # The decision changes; what was not said again (document, validators, first sight) stays.
    assert (row["status"], row["reason"], row["doc_id"], row["etag"]) == \
        ("duplicate", "same text", "0123456789abcdef", '"v1"')
    assert row["first_seen"] == first_seen and row["checked_at"] is not None


def test_crawl_state_keeps_what_the_lists_said_of_a_url(backend: IndexBackend) -> None:
    state: CrawlState = backend
    url = "https://example.org/a"
    with backend.write():
        state.mark_url(url, "s", "stored", listed="2024-05-01T10:00:00+02:00")
    row = state.url_status(url)
    assert row is not None and row["listed"] == "2024-05-01T10:00:00+02:00"  # as given
    with backend.write():
        state.mark_url(url, "s", "stored")  # not said again: kept
    row = state.url_status(url)
    assert row is not None and row["listed"] == "2024-05-01T10:00:00+02:00"
    with backend.write():
        state.mark_url(url, "s", "stored", listed="2024-06-01")
    row = state.url_status(url)
    assert row is not None and row["listed"] == "2024-06-01"


def test_a_dead_end_backs_off_doubling_up_to_the_cap(backend: IndexBackend) -> None:
    state: CrawlState = backend
    url, other = "https://example.org/gone", "https://example.org/moved"
    with backend.write():
        state.mark_url(url, "s", "stored", doc_id="0123456789abcdef", etag='"v1"', listed="2024-01-01")
    first_seen = (state.url_status(url) or {})["first_seen"]
    backoffs, rechecks = [], []
    for run in range(1, 8):
        with backend.write():
            backoffs.append(state.dead_end(url, "s", "http_404", run, cap=16))
        row = state.url_status(url)
        assert row is not None
        assert (row["status"], row["reason"], row["backoff"]) == ("dead", "http_404", backoffs[-1])
        rechecks.append(row["recheck_run"])
    assert backoffs == [1, 2, 4, 8, 16, 16, 16]
    # Skipped during the next ``backoff`` runs: run + backoff + 1.
    assert rechecks == [3, 5, 8, 13, 22, 23, 24]
    row = state.url_status(url)
    assert row is not None
    # What the dead end does not say stays: first sight, document, validators, listed.
    assert (row["first_seen"], row["doc_id"], row["etag"], row["listed"]) == \
        (first_seen, "0123456789abcdef", '"v1"', "2024-01-01")
    assert row["checked_at"] is not None and row["last_seen"] is not None
    with backend.write():
        assert state.dead_end(other, "s", "redirect", 4, target="https://example.org/new") == 1
        state.dead_end("https://example.org/t", "t", "trap", 4)
    assert [(r["url"], r["reason"], r["backoff"], r["recheck_run"], r["target"]) for r in state.dead_ends("s")] == [
        (url, "http_404", 16, 24, None), (other, "redirect", 1, 6, "https://example.org/new")]
    # A decision ends the dead end: the status is the new one, backoff and recheck_run are cleared;
    # the document, validators, listed and the redirect's target stay.
    with backend.write():
        state.mark_url(url, "s", "stored")
        state.mark_url(other, "s", "stored", doc_id="fedcba9876543210")
    row = state.url_status(url)
    assert row is not None
    assert (row["status"], row["reason"], row["backoff"], row["recheck_run"]) == ("stored", None, None, None)
    assert (row["doc_id"], row["etag"], row["listed"], row["first_seen"]) == \
        ("0123456789abcdef", '"v1"', "2024-01-01", first_seen)
    row = state.url_status(other)
    assert row is not None and (row["status"], row["target"]) == ("stored", "https://example.org/new")
    assert state.dead_ends("s") == []
    # Dead again after a decision: the backoff starts again at 1.
    with backend.write():
        assert state.dead_end(url, "s", "http_410", 9) == 1
    row = state.url_status(url)
    assert row is not None and (row["reason"], row["recheck_run"]) == ("http_410", 11)


def test_crawl_state_remembers_discovery_pages(backend: IndexBackend) -> None:
    state: CrawlState = backend
    sitemap, feed = "https://example.org/sitemap-1.xml", "https://example.org/feed"
    assert state.resource(sitemap) is None
    with backend.write():
        state.mark_resource(sitemap, "s", "sitemap", "ok", run=1, etag='"e1"', listed="2024-05-01",
                            content_hash="c1")
        state.mark_resource(feed, "s", "feed", "ok", run=1, last_modified="Wed, 01 May 2024 10:00:00 GMT")
        state.mark_resource("https://example.org/robots.txt", "t", "robots", "ok", run=1)
    row = state.resource(sitemap)
    assert row is not None
    assert (row["source"], row["kind"], row["status"], row["etag"], row["listed"], row["content_hash"],
            row["backoff"], row["recheck_run"]) == ("s", "sitemap", "ok", '"e1"', "2024-05-01", "c1", None, None)
    first_seen = row["first_seen"]
    assert row["checked_at"] is not None
    assert [(r["kind"], r["url"]) for r in state.resources("s")] == [("feed", feed), ("sitemap", sitemap)]
    # Missing, then failing: the backoff doubles (first 1) up to the cap; what is not said again stays.
    backoffs, rechecks = [], []
    for run, status in ((2, "missing"), (3, "error"), (4, "missing"), (5, "missing")):
        with backend.write():
            state.mark_resource(sitemap, "s", "sitemap", status, run=run, cap=4)
        row = state.resource(sitemap)
        assert row is not None and row["status"] == status
        backoffs.append(row["backoff"])
        rechecks.append(row["recheck_run"])
    assert (backoffs, rechecks) == ([1, 2, 4, 4], [4, 6, 9, 10])
    assert row is not None and (row["etag"], row["listed"], row["content_hash"], row["first_seen"]) == \
        ('"e1"', "2024-05-01", "c1", first_seen)
    # Back: ok clears the backoff; a new hash and lastmod replace the old ones.
    with backend.write():
        state.mark_resource(sitemap, "s", "sitemap", "ok", run=6, listed="2024-06-01", content_hash="c2")
    row = state.resource(sitemap)
    assert row is not None
    assert (row["status"], row["backoff"], row["recheck_run"], row["listed"], row["content_hash"]) == \
        ("ok", None, None, "2024-06-01", "c2")
    with backend.write():
        state.mark_resource(sitemap, "s", "sitemap", "error", run=7)
    row = state.resource(sitemap)
    assert row is not None and (row["backoff"], row["recheck_run"]) == (1, 9)


def test_crawl_state_counts_boilerplate_pages(backend: IndexBackend) -> None:
    state: CrawlState = backend
    for _ in range(3):
        seen, counts = state.learn_boilerplate("s", {"h1": "Cookie notice", "h2": "Menu"}, cap=100, trim_every=10)
    assert (seen, counts) == (3, {"h1": 3, "h2": 3})
    state.learn_boilerplate("s", {"h1": "Cookie notice"}, cap=100, trim_every=10)
    assert state.pages_seen("s") == 4 and state.pages_seen("other") == 0
    assert state.boilerplate_samples("s", 4) == [("Cookie notice", 4)]


def test_crawl_state_adds_boilerplate_counts_of_many_pages_at_once(backend: IndexBackend) -> None:
    state: CrawlState = backend
    assert state.add_boilerplate("s", {}, 0, cap=3) == (0, [])
    assert state.boilerplate_counts("s") == (0, {})
    state.learn_boilerplate("s", {"h1": "Cookie notice"}, cap=100, trim_every=10)
    seen, forgotten = state.add_boilerplate("s", {"h1": (5, "Cookie notice"), "h2": (2, "Menu"), "h3": (1, "x")},
                                            6, cap=100)
    assert (seen, forgotten) == (7, [])
    assert state.boilerplate_counts("s") == (7, {"h1": 6, "h2": 2, "h3": 1})
    assert state.pages_seen("s") == 7 and state.add_boilerplate("other", {}, 0, cap=3) == (0, [])
    assert state.boilerplate_samples("s", 2) == [("Cookie notice", 6), ("Menu", 2)]
    # Past the cap, the rows seen on fewest pages go first, and the caller learns which.
    seen, forgotten = state.add_boilerplate("s", {"h4": (3, "Footer")}, 3, cap=3)
    assert (seen, forgotten) == (10, ["h3"])
    assert state.boilerplate_counts("s") == (10, {"h1": 6, "h2": 2, "h4": 3})
    assert state.boilerplate_counts("other") == (0, {})


def test_run_log_gives_the_last_complete_good_run(backend: IndexBackend) -> None:
    runs: RunLog = backend
    assert runs.last_good_run("s") is None
    with backend.write():
        runs.record_run("s", "2024-01-01T00:00:00Z", "ok", {"started_at": "1"}, complete=True)
        runs.record_run("s", "2024-02-01T00:00:00Z", "ok", {"started_at": "2"})  # partial
        runs.record_run("s", "2024-03-01T00:00:00Z", "failed", {"started_at": "3"}, complete=True)
        runs.record_run("t", "2024-04-01T00:00:00Z", "ok", {"started_at": "4"}, complete=True)
    assert runs.last_good_run("s") == {"started_at": "1"}
    assert runs.recent_runs("s", 2) == [{"started_at": "3"}, {"started_at": "2"}]


def test_run_log_numbers_the_next_run(backend: IndexBackend) -> None:
    runs: RunLog = backend
    assert runs.run_number("s") == 1
    with backend.write():
        runs.record_run("s", "2024-01-01T00:00:00Z", "ok", {}, complete=True)
        runs.record_run("s", "2024-02-01T00:00:00Z", "failed", {})  # every recorded run counts
        runs.record_run("t", "2024-02-01T00:00:00Z", "ok", {})
    assert (runs.run_number("s"), runs.run_number("t"), runs.run_number("u")) == (3, 2, 1)


def test_document_index_keeps_rows_bands_and_revisions(backend: IndexBackend) -> None:
    docs: DocumentIndex = backend
    assert (docs.max_num(), docs.count()) == (-1, 0)
    a = _row("0123456789abcdef", 0, simhash=5)
    b = _row("fedcba9876543210", 1, url="https://example.org/b", content_hash="h2")
    with backend.write():
        for row in (a, b):
            docs.upsert(row)
            docs.set_bands(row.id, [7, 8])
            docs.add_revision(row.id, row.content_hash or "", row.url)
    assert (docs.max_num(), docs.count(), docs.next_num()) == (1, 2, 2)
    assert sorted(docs.document_files()) == [(0, a.file), (1, b.file)]
    with backend.write():
        docs.set_next_num(5)  # numbers handed out are not handed out again
    assert docs.next_num() == 5
    assert [d.id for d in docs.documents()] == [a.id, b.id]
    assert docs.get(a.id) == a and docs.get("0000000000000000") is None
    assert docs.find_by_hash("h2") == b
    assert docs.near_candidates([(0, [7, 9]), (1, [1])]) == [(a.id, 5, 0)]  # b has no simhash: no candidate
    assert docs.item_urls("s") == [("https://example.org/b", '["article"]'), ("https://example.org/a", '["article"]')]
    assert [r["content_hash"] for r in docs.revisions(a.id)] == ["h1"]


def test_a_replaced_document_takes_its_urls_and_revisions(backend: IndexBackend) -> None:
    old, new = _row("0123456789abcdef", 0), _row("fedcba9876543210", 0, url="https://example.org/b", content_hash="h2")
    with backend.write():
        backend.upsert(old)
        backend.add_revision(old.id, "h1", old.url)
        backend.mark_url("https://example.org/a", "s", "stored", doc_id=old.id)
        backend.replace_document(old.id, new)
    assert backend.get(old.id) is None and backend.get(new.id) == new
    assert [r["content_hash"] for r in backend.revisions(new.id)] == ["h1"]
    row = backend.url_status("https://example.org/a")
    assert row is not None and row["doc_id"] == new.id


def test_a_deleted_document_takes_its_bands_and_urls_with_it(backend: IndexBackend) -> None:
    gone, kept = _row("0123456789abcdef", 0, simhash=5), _row("fedcba9876543210", 1, simhash=6)
    with backend.write():
        for row in (gone, kept):
            backend.upsert(row)
            backend.set_bands(row.id, [7])
            backend.add_revision(row.id, "h1", row.url)
            backend.mark_url(f"https://example.org/{row.id}", "s", "stored", doc_id=row.id)
        backend.delete_document(gone.id)
    assert backend.get(gone.id) is None and backend.get(kept.id) == kept
    assert backend.near_candidates([(0, [7])]) == [(kept.id, 6, 1)]
    assert backend.url_status(f"https://example.org/{gone.id}") is None
    assert backend.url_status(f"https://example.org/{kept.id}") is not None
    assert [r["content_hash"] for r in backend.revisions(gone.id)] == ["h1"]  # the history stays


def test_reset_forgets_urls_and_runs_not_documents(backend: IndexBackend) -> None:
    with backend.write():
        backend.upsert(_row("0123456789abcdef", 0))
        backend.mark_url("https://example.org/a", "s", "stored")
        backend.mark_url("https://example.org/x", "t", "stored")
        backend.record_run("s", "2024-01-01T00:00:00Z", "ok", {}, complete=True)
        assert backend.reset_source("s") == (1, 1)
    assert backend.url_status("https://example.org/a") is None and backend.url_status("https://example.org/x")
    assert backend.last_good_run("s") is None and backend.count() == 1


def test_reset_forgets_the_discovery_pages_of_the_source(backend: IndexBackend) -> None:
    with backend.write():
        backend.mark_resource("https://example.org/feed", "s", "feed", "ok", run=1)
        backend.mark_resource("https://example.org/sitemap.xml", "s", "sitemap", "missing", run=1)
        backend.mark_resource("https://example.net/feed", "t", "feed", "ok", run=1)
        backend.dead_end("https://example.org/gone", "s", "http_404", 1)
        assert backend.reset_source("s") == (1, 0)
    assert backend.resources("s") == [] and backend.resource("https://example.org/feed") is None
    assert [r["url"] for r in backend.resources("t")] == ["https://example.net/feed"]
    assert backend.dead_ends("s") == [] and backend.run_number("s") == 1


def test_a_failed_write_takes_back_its_changes_and_runs_the_rollback_callbacks(backend: IndexBackend) -> None:
    calls: list[str] = []
    assert not backend.in_transaction
    with backend.write():
        assert backend.in_transaction
        backend.on_commit(lambda: calls.append("outer committed"))
        backend.mark_url("https://example.org/kept", "s", "stored")
        with pytest.raises(RuntimeError), backend.write():  # a savepoint
            backend.on_rollback(lambda: calls.append("inner rolled back"))
            backend.mark_url("https://example.org/lost", "s", "stored")
            raise RuntimeError("boom")
    assert calls == ["inner rolled back", "outer committed"]
    assert backend.url_status("https://example.org/kept") is not None
    assert backend.url_status("https://example.org/lost") is None
    with pytest.raises(RuntimeError), backend.write():
        backend.record_run("s", "2024-01-01T00:00:00Z", "ok", {}, complete=True)
        raise RuntimeError("boom")
    assert backend.recent_runs("s", 5) == []


def test_document_store_stores_then_lists_and_reads(document_store: DocumentStore) -> None:
    paragraphs = ["A story about municipal cooperation in the region.", "More words about the council."]
    item = NewDocument(url="https://example.org/news/a", source="s", title="A title", paragraphs=paragraphs)
    first = document_store.store(item)
    assert first.status == "new" and document_store.store(item).status == "unchanged"
    with document_store.batch() as batch:
        second = batch.store(NewDocument(url="https://example.org/news/b", source="s", title="Another",
                                         paragraphs=["An entirely different text on street lighting."]))
    docs = list(document_store.documents())
    assert [d.id for d in docs] == [first.doc.id, second.doc.id] == [doc_id("https://example.org/news/a"),
                                                                     doc_id("https://example.org/news/b")]
    assert document_store.read_body(docs[0]) == "\n\n".join(paragraphs)
    assert [(num, ident) for num, ident, _ in sorted(document_store.files())] == [(0, docs[0].id), (1, docs[1].id)]
    assert document_store.index.count() == 2
    assert document_store.reset("s") == (0, 0)


def test_numbers_in_a_batch_follow_rollbacks_and_other_writers(document_store: DocumentStore, tmp_path: Path,
                                                               request: pytest.FixtureRequest) -> None:
    """A batch reads the next document number once and counts on from it: a page taken back in
    its savepoint gives its number back to the next page, and the next batch reads the number
    again, after those another writer of the same corpus took meanwhile."""
    assert isinstance(document_store, Corpus)
    corpus = document_store

    def page(name: str) -> NewDocument:
        return NewDocument(url=f"https://example.org/news/{name}", source="s", title=name.title(),
                           paragraphs=[f"The council of {name} voted on the {name} budget for street lighting and "
                                       f"parks; {name} residents spoke for an hour about {len(name) * 7} new lamps."])

    with corpus.batch() as batch:
        assert batch.store(page("alpha")).doc.num == 0
        with pytest.raises(RuntimeError), corpus.index.write():
            assert batch.store(page("beta")).doc.num == 1
            raise RuntimeError("this page's savepoint is rolled back")
        assert batch.store(page("gamma")).doc.num == 1  # beta's number, given back
        assert batch.store(page("delta")).doc.num == 2
    kind = request.node.callspec.params["document_store"]
    url = request.getfixturevalue("pg_url") if kind == "postgresql" else ""
    with _open_store(kind, corpus.folder, url) as other:
        assert other.store(page("epsilon")).doc.num == 3
    with corpus.batch() as batch:
        assert batch.store(page("zeta")).doc.num == 4  # not 3: read again in this transaction
    with pytest.raises(RuntimeError), corpus.batch() as batch:
        assert batch.store(page("eta")).doc.num == 5
        raise RuntimeError("the whole batch is taken back")
    assert corpus.store(page("theta")).doc.num == 5
    assert [(num, ident) for num, ident, _ in sorted(corpus.files())] == [
        (n, doc_id(f"https://example.org/news/{name}"))
        for n, name in enumerate(["alpha", "gamma", "delta", "epsilon", "zeta", "theta"])]
    assert [d.num for d in corpus.documents()] == [0, 1, 2, 3, 4, 5]
