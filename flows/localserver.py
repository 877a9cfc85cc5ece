"""The long-lived local Prefect server that ``harvest crawl`` uses when no server is configured.

Prefect's temporary server costs every command 6–8 s and most of its memory to start (database
migrations, the API's import) and is thrown away at the end. Instead, the first ``harvest
crawl`` starts a local server once, in a session of its own (a Ctrl-C or SIGTERM to the
command does not reach it), and the next crawls reuse it: their fixed cost is the client's.

Which API a crawl uses (``prefect_api``):

1. ``PREFECT_API_URL`` (environment or Prefect profile): that server, nothing else changes;
2. ``HARVEST_PREFECT_SERVER=temporary``: Prefect's temporary server for the command
   (``flows.tempserver``), as before;
3. otherwise the local server, started when none answers.

Its files are in ``$PREFECT_HOME/harvest-server/`` (default ``~/.prefect/harvest-server/``),
which is also the server's own Prefect home (its database ``prefect.db``, apart from the one
of a temporary server):

* ``server.json``: the record (url, pid, port, start time), written by the server once it
  answers and removed when it ends. A record whose process is gone, is not this server, or
  whose port does not answer Prefect's health check is replaced.
* ``server.log``: what the server prints.
* ``start.lock``: held while a command checks for a server and starts one, so that two
  commands started at once start one server.
* ``users.lock``: held shared by each command for as long as it uses the server. The server
  stops itself once it has had no user for ``HARVEST_SERVER_IDLE`` seconds (it takes the lock
  exclusively and keeps it until it has exited, so a command never attaches to a server that
  is stopping); ``harvest server stop`` takes it the same way.

The server is Prefect's API in its ephemeral form (no UI, no scheduler or other services, as
the temporary server): ``harvest serve`` and ``harvest alerts`` still need a configured server.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawlers.sources import ConfigError

SERVER_DIR = "harvest-server"
RECORD = "server.json"
LOG = "server.log"
START_LOCK = "start.lock"
USERS_LOCK = "users.lock"
# How the server process is told apart from another one that got its pid.
_MODULE = "flows.localserver"
START_TIMEOUT = 120.0  # seconds for a first start (the database's migrations) on a loaded machine
LOCK_TIMEOUT = 180.0  # seconds to wait for another command starting (or a server stopping)


class ServerError(ConfigError):
    """The local server could not be started (or waited for): like a configured server that
    does not answer, one line and exit status 2."""


@dataclass(frozen=True)
class Running:
    """A local server that answers: its API URL, process and start time (epoch seconds)."""

    url: str
    pid: int
    port: int
    started: float
    idle: float


def server_dir() -> Path:
    """``$PREFECT_HOME/harvest-server``, the local server's files (the Prefect home of the
    command's settings: environment, profile or default ``~/.prefect``)."""
    from prefect.settings import get_current_settings

    return Path(get_current_settings().home).expanduser() / SERVER_DIR


def choice() -> str:
    """``local`` or ``temporary`` (``HARVEST_PREFECT_SERVER``); a usage error otherwise."""
    from crawlers import config

    chosen = (config.value("HARVEST_PREFECT_SERVER") or "").strip().lower()
    if chosen not in ("local", "temporary"):
        raise ConfigError(f"must be 'local' or 'temporary', got {chosen!r}", key="HARVEST_PREFECT_SERVER")
    return chosen


@contextmanager
def prefect_api() -> Iterator[str]:
    """The Prefect API for a command's flow runs, set for the block: the configured server,
    Prefect's temporary server (``HARVEST_PREFECT_SERVER=temporary``) or the local server,
    started if none answers. Logs and events still queued are sent before the block ends."""
    from flows import tempserver

    if tempserver.api_configured() or choice() == "temporary":
        with tempserver.prefect_api() as api:
            yield api
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    folder = server_dir()
    with in_use(folder):
        server = running(folder) or start(folder)
        # Heartbeats tell a server's services that a run is alive; this one runs none. Off,
        # the flow's end does not wait (up to 1 s) for the heartbeat thread.
        with tempserver.use_api(server.url, {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield server.url


# --- the command's side ---------------------------------------------------------------------------

def _lock(path: Path, kind: int, timeout: float = LOCK_TIMEOUT) -> int:
    """An open descriptor of ``path`` holding an ``flock`` of ``kind``, waited for up to
    ``timeout`` seconds (``TimeoutError`` past it). Closing the descriptor releases it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise TimeoutError(f"{path} stayed locked for {timeout:g} s") from None
            time.sleep(0.05)


@contextmanager
def in_use(folder: Path) -> Iterator[None]:
    """Hold ``users.lock`` shared for the block: the server does not stop itself meanwhile."""
    try:
        fd = _lock(folder / USERS_LOCK, fcntl.LOCK_SH)
    except TimeoutError as exc:
        raise ServerError(f"the local Prefect server is stopping and does not end: {exc}") from None
    try:
        yield
    finally:
        os.close(fd)


def read_record(folder: Path) -> dict[str, Any] | None:
    """The server record, or ``None`` when there is none or it is not readable JSON."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def is_server_process(pid: int, folder: Path) -> bool:
    """Whether ``pid`` is a live local-server process of ``folder`` (not a zombie, not another
    program that got the pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return _MODULE.encode() in cmdline and str(folder).encode() in cmdline


def healthy(url: str, timeout: float = 3.0) -> bool:
    """Whether Prefect's API answers its health check at ``url`` (``…/api``), asked directly
    (never through a proxy of the environment)."""
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/health", timeout=timeout) as response:
            return response.status == 200 and json.loads(response.read() or b"null") is True
    except (OSError, ValueError, urllib.error.URLError):
        return False


def running(folder: Path) -> Running | None:
    """The local server of the record when its process is the server and its port answers
    Prefect's health check; ``None`` otherwise."""
    record = read_record(folder)
    if not record:
        return None
    try:
        server = Running(url=str(record["url"]), pid=int(record["pid"]), port=int(record["port"]),
                         started=float(record["started"]), idle=float(record.get("idle", 0)))
    except (KeyError, TypeError, ValueError):
        return None
    if not is_server_process(server.pid, folder) or not healthy(server.url):
        return None
    return server


def start(folder: Path) -> Running:
    """Start the local server (unless a command that held the start lock before did), wait
    until it answers and return it. A server of a stale record that still runs but does not
    answer is stopped first. ``ServerError`` naming its log when it does not start."""
    try:
        fd = _lock(folder / START_LOCK, fcntl.LOCK_EX)
    except TimeoutError as exc:
        raise ServerError(f"the local Prefect server is being started by another command: {exc}") from None
    try:
        server = running(folder)
        if server:
            return server
        record = read_record(folder)
        if record and isinstance(record.get("pid"), int) and is_server_process(record["pid"], folder):
            _terminate(record["pid"], folder)
        (folder / RECORD).unlink(missing_ok=True)
        proc = _spawn(folder)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            record = read_record(folder)
            if record and record.get("pid") == proc.pid:
                server = running(folder)
                if server:
                    print(f"harvest: started the local Prefect server at {server.url} (pid {server.pid}); "
                          "it stays for the next crawls: `harvest server stop` stops it", file=sys.stderr)
                    return server
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        if proc.poll() is None:
            _terminate(proc.pid, folder)
        last = (_log_tail(folder).strip().splitlines() or ["(nothing)"])[-1]
        raise ServerError(f"the local Prefect server did not start in {START_TIMEOUT:g} s; the last line of "
                          f"{folder / LOG}: {last}")
    finally:
        os.close(fd)


def _spawn(folder: Path) -> subprocess.Popen[bytes]:
    """The server process: its own session (no terminal signal reaches it), no parent-death
    signal, its output appended to ``server.log``, its Prefect home ``folder``."""
    from prefect.settings import get_current_settings

    from crawlers import config

    env = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True),
           "PREFECT_HOME": str(folder), "PREFECT_UI_ENABLED": "0", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    for name in ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_PROFILES_PATH"):
        env.pop(name, None)
    idle = float(config.value("HARVEST_SERVER_IDLE"))
    with open(folder / LOG, "ab") as log:
        log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting (idle stop after {idle:g} s)\n".encode())
        log.flush()
        return subprocess.Popen([sys.executable, "-m", _MODULE, "--serve", str(folder), "--idle", f"{idle:g}"],
                                cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _log_tail(folder: Path, chars: int = 2000) -> str:
    try:
        return (folder / LOG).read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return "(no log)"


def _terminate(pid: int, folder: Path, timeout: float = 30.0) -> None:
    """SIGTERM to the server, SIGKILL if it is still there after ``timeout`` seconds."""
    for signum, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not is_server_process(pid, folder):
                return
            time.sleep(0.1)


def stop(folder: Path, force: bool = False) -> tuple[str, int | None]:
    """Stop the local server: ``("stopped", pid)``, ``("not running", None)`` or, when a
    command uses it and ``force`` is not given, ``("in use", pid)`` (it is left running)."""
    from flows.forkserver import stop_all

    record = read_record(folder) or {}
    pid = record.get("pid")
    if not isinstance(pid, int) or not is_server_process(pid, folder):
        (folder / RECORD).unlink(missing_ok=True)
        stop_all(folder)
        return "not running", None
    try:
        # A moment's wait: the server's own idle check holds the lock for an instant.
        fd = _lock(folder / USERS_LOCK, fcntl.LOCK_EX, timeout=0.5)
    except TimeoutError:
        if not force:
            return "in use", pid
        fd = None
    try:
        stop_all(folder)
        _terminate(pid, folder)
        now = read_record(folder)
        if now and now.get("pid") == pid:
            (folder / RECORD).unlink(missing_ok=True)
    finally:
        if fd is not None:
            os.close(fd)
    return "stopped", pid


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes:02d}m"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def server_command(action: str, force: bool = False) -> int:
    """``harvest server status|start|stop``: what it did, one or two lines on stdout.
    Exit status 0, or 1 when ``stop`` finds the server in use by a running command."""
    from flows import tempserver

    folder = server_dir()
    configured = tempserver.api_configured()
    if configured and action != "stop":
        print(f"crawls use the configured Prefect server at {configured} (PREFECT_API_URL)")
    elif action != "stop" and choice() == "temporary":
        print("crawls use Prefect's temporary server (HARVEST_PREFECT_SERVER=temporary)")
    if action == "start":
        if configured or choice() == "temporary":
            return 0
        with in_use(folder):
            running(folder) or start(folder)
        action = "status"
    if action == "stop":
        outcome, pid = stop(folder, force)
        if outcome == "in use":
            print(f"local Prefect server (pid {pid}) is in use by a running harvest command: not stopped "
                  "(--force stops it anyway)")
            return 1
        print(f"local Prefect server stopped (pid {pid})" if pid else "local Prefect server: not running")
        return 0
    from flows.forkserver import running as fork_servers

    forks = fork_servers(folder)
    if forks:
        print(f"fork servers of harvest crawl: pid {', '.join(map(str, forks))} (log {folder / 'fork.log'})")
    server = running(folder)
    if not server:
        print("local Prefect server: not running")
        return 0
    idle = f"stops after {_duration(server.idle)} unused" if server.idle > 0 else "no idle stop"
    print(f"local Prefect server: {server.url} pid {server.pid}, up {_duration(time.time() - server.started)} "
          f"({idle}); log {folder / LOG}")
    return 0


# --- the server's side ----------------------------------------------------------------------------

def _write_record(folder: Path, record: dict[str, Any]) -> None:
    tmp = folder / f".{RECORD}.{os.getpid()}"
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, folder / RECORD)


def _watch(server: Any, folder: Path, port: int, idle: float) -> None:
    """Runs in the server: writes the record once the API answers, then every few seconds
    stops the server when the record names another server (it was replaced) or when no
    command has used it for ``idle`` seconds (0: never)."""
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.05)
    pid = os.getpid()
    _write_record(folder, {"url": f"http://127.0.0.1:{port}/api", "pid": pid, "port": port,
                           "started": time.time(), "idle": idle, "log": str(folder / LOG)})
    users = os.open(folder / USERS_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    last_used = time.monotonic()
    step = min(5.0, max(0.5, idle / 10)) if idle > 0 else 5.0
    while not server.should_exit:
        time.sleep(step)
        record = read_record(folder)
        if not record or record.get("pid") != pid:
            print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} record replaced: stopping", flush=True)
            server.should_exit = True
            return
        if idle <= 0:
            continue
        try:
            fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a command uses the server
            last_used = time.monotonic()
            continue
        if time.monotonic() - last_used >= idle:
            # Keep the lock until the process ends: a command waits, then starts a new server.
            print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} unused for {idle:g} s: stopping", flush=True)
            server.should_exit = True
            return
        fcntl.flock(users, fcntl.LOCK_UN)


def serve(folder: Path, idle: float) -> int:
    """The server process: Prefect's API (ephemeral: no UI, no services) on a free loopback
    port, until SIGTERM/SIGINT, an idle stop or a replacement; its record is removed at the end."""
    import socket
    import threading

    import uvicorn
    from prefect.server.api.server import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(ephemeral=True, final=True)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on"))
    threading.Thread(target=_watch, args=(server, folder, port, idle), daemon=True, name="harvest-idle").start()
    # uvicorn shuts down on SIGTERM/SIGINT, then raises the signal again to the handler it
    # found: a no-op one lets the record be removed and the end be logged.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)
    try:
        server.run(sockets=[sock])
    finally:
        record = read_record(folder)
        if record and record.get("pid") == os.getpid():
            (folder / RECORD).unlink(missing_ok=True)
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} stopped", flush=True)
    return 0


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m {_MODULE}", description="the local Prefect server process")
    parser.add_argument("--serve", required=True, metavar="DIR", help="the server's folder")
    parser.add_argument("--idle", type=float, default=0, help="stop after this many seconds unused (0: never)")
    args = parser.parse_args(argv)
    return serve(Path(args.serve), args.idle)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
