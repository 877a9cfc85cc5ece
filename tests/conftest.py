"""Shared fixtures: the network guard, local test sites, temporary corpora and configs, a PostgreSQL server."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from crawlers import netguard

if TYPE_CHECKING:
    from testing.localsite import LocalSite

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
SEEDS = ROOT / "corpus"

# Every connection that is not to loopback fails, here and in the crawl processes we start.
os.environ[netguard.ENV] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("HARVEST_CONTACT", "tests@localgov-harvest.invalid")
# A Prefect home of the session's own (tests that run `harvest crawl` set one per test below
# the session's temporary folder): a crawl's local Prefect server never lands in the user's
# ~/.prefect, and ``stop_local_servers`` finds every one started. One left behind by an
# aborted session stops itself after 10 minutes unused.
SESSION_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="harvest-tests-prefect-"))
os.environ["PREFECT_HOME"] = str(SESSION_PREFECT_HOME)
os.environ["HARVEST_SERVER_IDLE"] = "600"
# The language model unpacked once for the session, not in the user's ~/.cache (crawlers/langmodel.py).
os.environ["HARVEST_CACHE"] = str(SESSION_PREFECT_HOME / "cache")
netguard.install()


@pytest.fixture(scope="session", autouse=True)
def stop_local_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """At the end of the session, stop every local Prefect server that a test's `harvest crawl`
    started (their folders are below the session's Prefect home or temporary folder)."""
    yield
    from flows.localserver import RECORD, stop

    for root in (SESSION_PREFECT_HOME, tmp_path_factory.getbasetemp()):
        folders = {record.parent for record in root.glob(f"**/{RECORD}")}
        folders |= {pid_file.parent for pid_file in root.glob("**/fork-*.pid")}  # flows/forkserver.py
        for folder in sorted(folders):
            stop(folder, force=True)
    shutil.rmtree(SESSION_PREFECT_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def wordpress_site() -> Iterator[LocalSite]:
    from testing.localsite import LocalSite

    with LocalSite(SITES / "wordpress") as site:
        yield site


@pytest.fixture(scope="session")
def drupal_site() -> Iterator[LocalSite]:
    from testing.localsite import LocalSite

    with LocalSite(SITES / "drupal") as site:
        yield site


@pytest.fixture
def seeded_corpus(tmp_path: Path) -> Path:
    """A corpus folder holding the five seed documents, as the project ships it."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("[0-9][0-9][0-9]_*.txt")):
        shutil.copy(seed, folder / seed.name)
    return folder


def write_config(path: Path, *entries: str) -> Path:
    """A sources YAML with the given source entries (YAML text, one per source)."""
    path.write_text("sources:\n" + "".join(entries), encoding="utf-8")
    return path


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# What a healthy Prefect server never logs: a traceback, or an error of one of its services
# (the scheduler among them: with SQLAlchemy 2.1 it failed on every loop, and no scheduled
# run was ever created).
SERVER_TROUBLE = re.compile(r"Traceback|InvalidRequestError|Can't evaluate|\| ERROR +\||^ERROR", re.MULTILINE)

# A log record of the server starts with its time; a traceback's lines follow it.
RECORD = re.compile(r"^\d\d:\d\d:\d\d\.\d+ \|", re.MULTILINE)
# Failures inside Prefect's own server that it gets over by itself, each seen on a loaded 2-core
# CI run; a few of each are not trouble for these tests, but one on every loop of a service is.
# - SQLite's answer to two writers at once on the server's own database. Prefect counts it as
#   retryable (`is_client_retryable_exception`): the API answers 503 and the client tries
#   again, a service tries again on its next loop (seen: the late-runs service marking a run Late).
# - The proactive-trigger service evaluating a trigger whose automation the server's cache has
#   just dropped (automations created and deleted meanwhile, as `harvest deploy` and the tests'
#   clean-up do): its next loop takes the triggers from the cache again.
TRANSIENT = ("(sqlite3.OperationalError) database is locked",
             "AssertionError: Trigger._automation has been garbage collected")
TRANSIENT_AT_MOST = 3  # records of each


def server_trouble(prefect_server: dict[str, Any]) -> list[str]:
    """The lines of the server's log records that say something went wrong, except the records
    of a ``TRANSIENT`` failure while there are at most ``TRANSIENT_AT_MOST`` of it."""
    text = prefect_server["log"].read_text(errors="replace")
    starts = [m.start() for m in RECORD.finditer(text)]
    records = [text[a:b] for a, b in zip([0, *starts], [*starts, len(text)], strict=True)]
    seen = {known: sum(known in record for record in records) for known in TRANSIENT}
    tolerated = {known for known, n in seen.items() if n <= TRANSIENT_AT_MOST}
    return [line for record in records if not any(known in record for known in tolerated)
            for line in record.splitlines() if SERVER_TROUBLE.search(line)][:20]


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A real ``prefect server start`` on 127.0.0.1, its log in ``server.log``.

    The scheduler loops every 5 s (default 60 s), so deployments get their scheduled runs
    soon after they are registered."""
    import httpx

    home = tmp_path_factory.mktemp("prefect-server")
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false", "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5"}
    env.pop("PREFECT_API_URL", None)
    log_path = home / "server.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited: {log_path.read_text()[-2000:]}")
        time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("prefect server did not start in 180 s")
    try:
        yield {"api": api, "home": home, "log": log_path}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server for the session (tests/pgserver.py): the superuser's URL. A throwaway
    cluster on 127.0.0.1, stopped and deleted at the end, or ``HARVEST_TEST_POSTGRES``'s server.
    Without one the tests that need it are skipped, or fail when ``CI`` is set."""
    import pgserver

    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(pgserver.running())
        except pgserver.NoPostgres as exc:
            reason = f"no PostgreSQL for the tests: {exc}"
            if os.environ.get("CI"):
                pytest.fail(reason)
            pytest.skip(reason)
        yield url


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database of the test's own, dropped after it."""
    import pgserver

    url = pgserver.create_database(pg_server)
    yield url
    pgserver.drop_database(pg_server, url)


# Modules marked ``pytestmark = pytest.mark.backends`` run each test on both index backends:
# ``[sqlite]`` (the corpus's index.sqlite) and ``[postgresql]`` (HARVEST_INDEX set to a new
# database of the test's own, so that every Corpus the test opens, here and in the crawl
# processes it starts, has its index there). A test marked ``sqlite_only("why")`` besides is
# skipped on PostgreSQL with that reason.
INDEX_BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("backends") and "index_backend" in metafunc.fixturenames:
        metafunc.parametrize("index_backend", INDEX_BACKENDS, indirect=True)


@pytest.fixture(autouse=True)
def index_backend(request: pytest.FixtureRequest) -> str:
    """The index backend of the test: ``sqlite`` unless its module is marked ``backends`` and this
    is its ``[postgresql]`` run, for which HARVEST_INDEX names a fresh database (``pg_url``)."""
    kind: str = getattr(request, "param", "sqlite")
    if request.node.get_closest_marker("backends") is None:
        return kind
    monkeypatch = request.getfixturevalue("monkeypatch")
    if kind == "sqlite":
        monkeypatch.delenv("HARVEST_INDEX", raising=False)
        return kind
    only = request.node.get_closest_marker("sqlite_only")
    if only is not None:
        pytest.skip(f"SQLite only: {only.args[0] if only.args else only.kwargs.get('reason', '')}")
    monkeypatch.setenv("HARVEST_INDEX", request.getfixturevalue("pg_url"))
    return kind


@pytest.fixture
def new_index(index_backend: str, request: pytest.FixtureRequest) -> Iterator[Callable[[], str]]:
    """A maker of index locations for the test's further corpora, each empty and its own: ``""``
    (a folder's own index.sqlite) on SQLite, a new database on PostgreSQL (dropped after the test)."""
    if index_backend != "postgresql":
        yield lambda: ""
        return
    import pgserver

    server = request.getfixturevalue("pg_server")
    made: list[str] = []

    def make() -> str:
        made.append(pgserver.create_database(server))
        return made[-1]

    yield make
    for url in made:
        pgserver.drop_database(server, url)
