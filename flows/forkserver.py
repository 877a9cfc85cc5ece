"""``harvest crawl`` without loading Prefect again each time: a long-lived fork server.

Importing Prefect and the flow costs a command about 2 s of CPU before it does anything, which
is most of Prefect's fixed cost per crawl once its server is long-lived (``flows.localserver``).
So ``harvest crawl`` is a thin client (``run``, which imports only the standard library): it
hands its arguments, environment, working folder and terminal (its standard input, output and
error, passed as file descriptors) to a fork server of the same settings, which has Prefect
and the flow loaded already. The fork server forks a child per command; the child takes the
client's descriptors, folder, environment and arguments and runs ``flows.cli.main`` as the
command itself would: same flow, same output on the same terminal, same exit status.

* The first such command starts the fork server (it pays the import once), in a session of
  its own, its output appended to ``$PREFECT_HOME/harvest-server/fork.log``; the next ones
  reuse it. It stops itself after ``HARVEST_SERVER_IDLE`` seconds without a command (as the
  local Prefect server), on SIGTERM (``harvest server stop``), or when its socket is taken over.
* One fork server per *key*: the interpreter, the installed packages and the project's code
  (their files' times and sizes), the ``PREFECT_*``, ``PYTHON*``, ``LD_*`` and ``MALLOC_*``
  variables, ``HOME``, the Prefect profiles file and the working folder's ``.env``,
  ``prefect.toml`` and ``pyproject.toml`` — what is read when Prefect and the code are
  imported. A command whose key differs (another Prefect home or API, an upgraded install)
  gets a fork server of its own; an edited source file gets a new one.
* Signals: a SIGINT, SIGTERM or SIGHUP to the command is passed to its child (a Ctrl-C stops
  the crawl cleanly, as before). When the command itself dies (kill -9), its connection
  closes and the fork server sends the child SIGTERM.
* Only the user who runs the fork server is served (the peer's uid is checked). The socket is
  in Linux's abstract namespace (no file, no path length limit, nothing left behind).
* ``HARVEST_FORK_SERVER=0``, or any trouble reaching or starting the fork server, runs the
  command in its own process as before (with a one-line note on stderr for the trouble).
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import signal
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any

FOLDER = "harvest-server"  # the local Prefect server's folder (flows/localserver.py), beside its files
LOG = "fork.log"
LOCK = "fork.lock"
_MODULE = "flows.forkserver"
START_TIMEOUT = 120.0  # seconds for the fork server's imports on a loaded machine
_KEY_PREFIXES = ("PREFECT_", "PYTHON", "LD_", "MALLOC_", "GLIBC_")
_PACKAGES = ("crawlers", "flows", "storage")
# Loaded by the fork server before it serves: what `harvest crawl` imports on its way, the
# project's and Prefect's (its flow and task engines, and what they import lazily: FastAPI's
# encoder for the parameters, 0.3 s; graphviz; anyio's backend). A name missing in another
# Prefect release is left out.
PRELOAD = ("prefect", "flows.cli", "flows.pipeline", "flows.localserver", "flows.progress", "flows.runner",
           "flows.group", "flows.tempserver", "storage.corpus", "storage.index", "crawlers.memtune",
           "prefect.engine", "prefect.flow_engine", "prefect.task_engine", "prefect.utilities.visualization",
           "prefect.concurrency.sync", "prefect.concurrency.asyncio", "prefect.concurrency.v1.context",
           "prefect.telemetry.run_telemetry", "prefect._internal.control_listener", "prefect._internal.metrics",
           "fastapi", "fastapi.encoders", "anyio._backends._asyncio", "anyio.streams.memory",
           "anyio.streams.stapled", "anyio.streams.tls", "encodings.idna", "http.cookies", "pydantic.color",
           "stringprep")


# --- where and which ---------------------------------------------------------------------------

def folder_of(env: dict[str, str]) -> Path:
    """``$PREFECT_HOME/harvest-server`` of ``env`` (default ``~/.prefect``), without Prefect's
    settings: a profile that sets another home is caught by the fork server (``_check_home``)."""
    return Path(env.get("PREFECT_HOME") or "~/.prefect").expanduser() / FOLDER


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"-"


def _code_stamp(digest: Any) -> None:
    """Times and sizes of the project's Python files and of the installed packages' folder."""
    import sysconfig

    root = Path(__file__).resolve().parent.parent
    for package in _PACKAGES:
        for dirpath, dirnames, filenames in os.walk(root / package):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".py", ".yaml")):
                    st = os.stat(os.path.join(dirpath, name))
                    digest.update(f"{dirpath}/{name}:{st.st_mtime_ns}:{st.st_size}\0".encode())
    for name in ("purelib", "platlib"):
        try:
            st = os.stat(sysconfig.get_paths()[name])
            digest.update(f"{name}:{st.st_mtime_ns}\0".encode())
        except (OSError, KeyError):
            pass


def key_of(env: dict[str, str], cwd: str) -> str:
    """What a fork server's imports depend on, as 16 hex digits (see the module's docstring)."""
    digest = hashlib.sha256()
    digest.update(f"{sys.executable}\0{sys.version}\0{os.getuid()}\0".encode())
    for name in sorted(env):
        if name.startswith(_KEY_PREFIXES) or name == "HOME":
            digest.update(f"{name}={env[name]}\0".encode())
    home = Path(env.get("PREFECT_HOME") or "~/.prefect").expanduser()
    digest.update(_file_bytes(Path(env.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()))
    for name in (".env", "prefect.toml", "pyproject.toml"):
        digest.update(b"\0" + _file_bytes(Path(cwd) / name))
    _code_stamp(digest)
    return digest.hexdigest()[:16]


def address_of(key: str) -> str:
    """The fork server's socket: abstract (a leading NUL), per user and key."""
    return f"\0localgov-harvest-fork-{os.getuid()}-{key}"


# --- the command's side ---------------------------------------------------------------------------

def enabled(env: dict[str, str]) -> bool:
    """``HARVEST_FORK_SERVER`` (default on); a bad value leaves the command to say so."""
    from crawlers import config

    try:
        return bool(config.value("HARVEST_FORK_SERVER", env))
    except ValueError:
        return False


def _connect(address: str) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(address)
        return sock
    except OSError:
        sock.close()
        return None


def _start(folder: Path, address: str, key: str, env: dict[str, str], cwd: str) -> socket.socket | None:
    """The fork server of ``key``, started unless another command did it meanwhile (a lock in
    ``folder``); ``None`` when it does not answer in ``START_TIMEOUT`` seconds or ends."""
    import subprocess

    from crawlers import config
    from flows.localserver import _lock

    deadline = time.monotonic() + START_TIMEOUT
    try:
        lock = _lock(folder / LOCK, fcntl.LOCK_EX, timeout=START_TIMEOUT)
    except TimeoutError:
        return None
    try:
        sock = _connect(address)
        if sock:
            return sock
        try:
            idle = float(config.value("HARVEST_SERVER_IDLE", env))
        except ValueError:
            idle = float(config.declared("HARVEST_SERVER_IDLE").default)
        with open(folder / LOG, "ab") as log:
            log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting fork server {key} "
                      f"(idle stop after {idle:g} s)\n".encode())
            log.flush()
            # -P: the working folder is not put on the import path (its own `flows/` or `crawlers/`).
            proc = subprocess.Popen([sys.executable, "-P", "-m", _MODULE, "--key", key, "--folder", str(folder),
                                     "--idle", f"{idle:g}"], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        while time.monotonic() < deadline:
            sock = _connect(address)
            if sock:
                return sock
            if proc.poll() is not None:
                return None
            time.sleep(0.05)
        return None
    finally:
        os.close(lock)


def _send_request(sock: socket.socket, argv: list[str], env: dict[str, str], cwd: str) -> None:
    payload = json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode()
    data = struct.pack("!I", len(payload)) + payload
    sent = socket.send_fds(sock, [data[:4096]], [0, 1, 2])
    if len(data) > sent:
        sock.sendall(data[sent:])


def run(argv: list[str]) -> int | None:
    """Run ``harvest`` with ``argv`` in a child of the fork server; its exit status, or
    ``None`` when it cannot be done that way (the caller runs the command itself)."""
    env = dict(os.environ)
    if not enabled(env) or not hasattr(socket, "send_fds") or not sys.platform.startswith("linux"):
        return None
    try:
        cwd = os.getcwd()
        for fd in (0, 1, 2):
            os.fstat(fd)
    except OSError:
        return None
    key = key_of(env, cwd)
    address = address_of(key)
    folder = folder_of(env)
    if (folder / f"fork-{key}.refused").exists():  # these settings cannot be served (see serve)
        return None
    sock = _connect(address)
    if sock is None:
        try:
            sock = _start(folder, address, key, env, cwd)
        except OSError as exc:
            print(f"harvest: the fork server could not be started ({exc}); running in this process",
                  file=sys.stderr)
            return None
        if sock is None:
            print(f"harvest: the fork server did not start (see {folder / LOG}); running in this process",
                  file=sys.stderr)
            return None
    with sock:
        try:
            _send_request(sock, argv, env, cwd)
            reader = sock.makefile("rb")
            first = reader.readline().split()
            if len(first) != 2 or first[0] != b"pid":
                raise OSError("no child")
        except OSError:
            # Refused before a child started (an old fork server stopping): this process does it.
            return None
        child = int(first[1])

        def forward(signum: int, _frame: object) -> None:
            try:
                os.kill(child, signum)
            except ProcessLookupError:
                pass

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, forward)
        while True:
            try:
                line = reader.readline()
                break
            except InterruptedError:
                continue
        words = line.split()
        if len(words) >= 2 and words[0] == b"exit":
            code = int(words[1])
            return 128 - code if code < 0 else code
        # The fork server died under the command: its child goes on (with this terminal) until
        # it ends; its exit status is lost.
        while _alive(child):
            time.sleep(0.2)
        print(f"harvest: the fork server ended during the command (pid {child}): its exit status is unknown; "
              f"see {folder / LOG}", file=sys.stderr)
        return 1


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# --- the fork server's side ----------------------------------------------------------------------

def _check_home(folder: Path) -> str | None:
    """Why this fork server must not serve: its Prefect settings' home is not ``folder``'s."""
    from prefect.settings import get_current_settings

    home = Path(get_current_settings().home).expanduser().resolve()
    if home / FOLDER != folder.resolve():
        return f"the Prefect home of the settings is {home}, not {folder.parent}"
    return None


def _read_request(conn: socket.socket) -> tuple[dict[str, object], list[int]]:
    conn.settimeout(10.0)
    data, fds, _flags, _addr = socket.recv_fds(conn, 4096, 3)
    try:
        if len(data) < 4 or len(fds) != 3:
            raise OSError("not a request")
        size = struct.unpack("!I", data[:4])[0]
        payload = bytearray(data[4:])
        while len(payload) < size:
            chunk = conn.recv(min(1 << 16, size - len(payload)))
            if not chunk:
                raise OSError("request cut short")
            payload += chunk
        request = json.loads(bytes(payload))
        if not isinstance(request, dict):
            raise OSError("not a request")
        conn.settimeout(None)
        return request, fds
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        raise


def _child(request: dict[str, object], fds: list[int], closing: list[object]) -> None:
    """In the forked child: become the command (its descriptors, folder, environment,
    arguments) and run it; never returns. ``closing``: the fork server's selector and sockets
    (the listener, every command's connection), closed first."""
    code = 1
    try:
        for held in closing:
            held.close()  # type: ignore[attr-defined]
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(line_buffering=sys.stdout.isatty())
        os.chdir(str(request["cwd"]))
        env = request["env"]
        assert isinstance(env, dict)
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in env.items()})
        given = request["argv"]
        assert isinstance(given, list)
        argv = [str(a) for a in given]
        sys.argv = ["harvest", *argv]
        from flows.cli import main

        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's --help and usage errors
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if not isinstance(exc.code, int) and exc.code is not None:
                print(exc.code, file=sys.stderr)
        except KeyboardInterrupt:
            print("harvest: interrupted", file=sys.stderr)
            code = 130
    except BaseException:  # what the interpreter would print for the command
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        import atexit

        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code if isinstance(code, int) and 0 <= code < 256 else 1)


def serve(key: str, folder: Path, idle: float) -> int:
    """The fork server: load Prefect and the flow, then fork a child per command until idle
    for ``idle`` seconds (0: never), SIGTERM/SIGINT, or another process holds the address."""
    import importlib
    import selectors

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            if name.startswith(("flows.", "storage.", "crawlers.")):
                raise
            print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} not preloaded: {name} ({exc})", flush=True)
    problem = _check_home(folder)
    if problem:
        # Said once: the next commands of the same key run in their own process at once.
        (folder / f"fork-{key}.refused").write_text(problem + "\n", encoding="utf-8")
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} not serving: {problem}", flush=True)
        return 2
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(address_of(key))
    except OSError as exc:
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} not serving: {exc}", flush=True)
        return 0
    listener.listen(16)
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, _f: stopping.append(signum))
    signal.signal(signal.SIGINT, lambda signum, _f: stopping.append(signum))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    pid_file = folder / f"fork-{key}.pid"
    pid_file.write_text(str(os.getpid()), encoding="ascii")
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} serving (pid {os.getpid()})", flush=True)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}
    last_used = time.monotonic()
    uid = os.getuid()
    try:
        while True:
            if stopping and listener.fileno() >= 0:
                selector.unregister(listener)
                listener.close()
                for pid in children:
                    _kill(pid, signal.SIGTERM)
            if stopping and not children:
                break
            for event, _mask in selector.select(timeout=0.5):
                sock = event.fileobj
                assert isinstance(sock, socket.socket)
                if sock is listener:
                    conn, _ = listener.accept()
                    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
                    if struct.unpack("3i", creds)[2] != uid:
                        conn.close()
                        continue
                    try:
                        request, fds = _read_request(conn)
                    except OSError as exc:
                        print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} bad request: {exc}", flush=True)
                        conn.close()
                        continue
                    pid = os.fork()
                    if pid == 0:
                        _child(request, fds, [selector, listener, conn, *children.values()])
                    for fd in fds:
                        os.close(fd)
                    try:
                        conn.sendall(f"pid {pid}\n".encode())
                    except OSError:
                        _kill(pid, signal.SIGTERM)
                    children[pid] = conn
                    selector.register(conn, selectors.EVENT_READ, pid)
                else:  # the command's end of the connection: closed when it died
                    try:
                        data = sock.recv(1024)
                    except OSError:
                        data = b""
                    if not data:
                        selector.unregister(sock)
                        _kill(event.data, signal.SIGTERM)
            while children:
                try:
                    pid, status, _usage = os.wait4(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                if pid not in children:
                    continue
                conn = children.pop(pid)
                try:
                    selector.unregister(conn)
                except (KeyError, ValueError):
                    pass
                try:
                    conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
                except OSError:
                    pass
                conn.close()
                last_used = time.monotonic()
            if children:
                last_used = time.monotonic()
            elif idle > 0 and time.monotonic() - last_used >= idle and not stopping:
                print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} unused for {idle:g} s: stopping", flush=True)
                stopping.append(0)
    finally:
        try:
            if pid_file.read_text(encoding="ascii") == str(os.getpid()):
                pid_file.unlink()
        except OSError:
            pass
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} stopped", flush=True)
    return 0


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def running(folder: Path) -> list[int]:
    """Pids of the live fork servers of ``folder`` (their pid files); stale pid files are removed."""
    found = []
    for pid_file in sorted(folder.glob("fork-*.pid")):
        try:
            pid = int(pid_file.read_text(encoding="ascii"))
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            pid_file.unlink(missing_ok=True)
            continue
        if _MODULE.encode() in cmdline and str(folder).encode() in cmdline:
            found.append(pid)
        else:
            pid_file.unlink(missing_ok=True)
    return found


def stop_all(folder: Path, timeout: float = 30.0) -> list[int]:
    """SIGTERM to every fork server of ``folder`` (their pid files), waited for up to
    ``timeout`` seconds each (they wait for their running commands); the pids signalled."""
    stopped = []
    for pid in running(folder):
        _kill(pid, signal.SIGTERM)
        stopped.append(pid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
    return stopped


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m {_MODULE}", description="the fork server of harvest crawl")
    parser.add_argument("--key", required=True)
    parser.add_argument("--folder", required=True)
    parser.add_argument("--idle", type=float, default=0)
    args = parser.parse_args(argv)
    return serve(args.key, Path(args.folder), args.idle)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
