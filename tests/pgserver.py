"""A throwaway PostgreSQL server for the tests of the PostgreSQL index (``storage.pgindex``).

One cluster per test session, made from the server binaries installed on the machine (Debian's
``/usr/lib/postgresql/<version>/bin``, else ``initdb`` on the PATH): ``initdb`` into a temporary
folder, started with ``pg_ctl`` on a free port of 127.0.0.1 (its unix socket in that folder
too), stopped and deleted when the session ends. The data is throwaway, so the server does not
fsync. ``initdb`` refuses to run as root: as root, the cluster is made and run by the
``postgres`` user, owner of the folder. A cluster left behind by a session that was killed (its
process gone) is stopped and deleted by the next session that starts one.

``HARVEST_TEST_POSTGRES=postgresql://…`` (a superuser's URL) uses that server instead: nothing
is started or stopped; each test still gets a database of its own.

``NoPostgres`` says why there is no server; ``tests/conftest.py`` turns it into a skip, or into
a failure when ``CI`` is set.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from glob import glob
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ENV = "HARVEST_TEST_POSTGRES"
SUPERUSER = "postgres"
FOLDER_PREFIX = "harvest-tests-pg-"
OWNER = "session.pid"  # the process of the test session that made the cluster
START_TIMEOUT = 60  # seconds pg_ctl waits for the server to accept connections
# A throwaway cluster: nothing it writes has to survive a crash.
SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "50",
            "shared_buffers": "32MB"}


class NoPostgres(RuntimeError):
    """No PostgreSQL server can be had for the tests; the message says why."""


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: the newest ``/usr/lib/postgresql/<version>/bin``, else
    the one on the PATH; None when there is none."""
    def version(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.parent.name))

    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _run_as() -> dict[str, Any]:
    """The ``subprocess`` arguments that run the server's binaries as the ``postgres`` user when
    this process is root (``initdb`` refuses root); none otherwise."""
    if os.geteuid() != 0:
        return {}
    try:
        owner = pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise NoPostgres(f"running as root and there is no {SUPERUSER!r} user to run initdb as") from None
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}


class Cluster:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only."""

    def __init__(self, bindir: Path, folder: Path | None = None):
        """A new cluster in a new temporary folder, or the one already in ``folder``."""
        self.bindir = bindir
        self._as = _run_as()  # the user the binaries run as
        self.folder = folder or Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
        self.data = self.folder / "data"
        self.port = 0
        if folder is None:
            (self.folder / OWNER).write_text(str(os.getpid()), encoding="ascii")
            if self._as:
                os.chown(self.folder, self._as["user"], self._as["group"])

    @property
    def url(self) -> str:
        """The superuser's URL (trust authentication: the server is reachable from this machine only)."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        return subprocess.run([str(self.bindir / args[0]), *args[1:]], cwd=self.folder, env={**env, "LC_ALL": "C"},
                              capture_output=True, text=True, timeout=120, **self._as)

    def start(self) -> str:
        """Make the cluster and start it; the superuser's URL."""
        made = self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                         "--locale=C", "--no-sync")
        if made.returncode != 0:
            raise NoPostgres(f"initdb failed: {(made.stderr or made.stdout).strip()[-1000:]}")
        for _attempt in range(3):  # a free port may be taken between the look-up and the start
            self.port = _free_port()
            settings = {**SETTINGS, "port": str(self.port), "listen_addresses": "'127.0.0.1'",
                        "unix_socket_directories": f"'{self.folder}'"}
            with open(self.data / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
                conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))
            started = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                                "-t", str(START_TIMEOUT), "start")
            if started.returncode == 0:
                return self.url
        log = self.folder / "server.log"
        tail = log.read_text(errors="replace")[-1000:] if log.exists() else started.stderr
        raise NoPostgres(f"pg_ctl could not start the server: {tail.strip()}")

    def stop(self) -> None:
        """Stop the server (if it runs) and delete the cluster."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def running() -> Iterator[str]:
    """A PostgreSQL server for the session: the superuser's URL. ``HARVEST_TEST_POSTGRES`` when set,
    else a throwaway cluster, stopped and deleted on leaving. ``NoPostgres`` when there is none."""
    given = os.environ.get(ENV)
    if given:
        _check(given)
        yield given
        return
    bindir = find_bindir()
    if bindir is None:
        raise NoPostgres("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb, or initdb on the "
                         f"PATH); install PostgreSQL, or set {ENV} to a server's URL")
    _remove_abandoned(bindir)
    cluster = Cluster(bindir)
    try:
        _check(cluster.start())
        yield cluster.url
    finally:
        cluster.stop()


def _remove_abandoned(bindir: Path) -> None:
    """Stop and delete the clusters of test sessions that ended without stopping theirs (killed)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            owner = int((folder / OWNER).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue  # being made, or not one of ours
        if not _alive(owner):
            Cluster(bindir, folder).stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check(url: str) -> None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=10) as db:
            db.execute("SELECT 1")
    except psycopg.Error as exc:
        raise NoPostgres(f"cannot connect to {url}: {exc}") from None


def database_url(server: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``server`` (a URL)."""
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def create_database(server: str) -> str:
    """A new, empty database on the server (``server``: a superuser's URL); its URL."""
    import psycopg

    name = f"harvest_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    return database_url(server, name)


def drop_database(server: str, url: str) -> None:
    """Drop the database of ``url`` (made by ``create_database``), ending the connections left to it."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
