"""Prefect's temporary API server for a command run with no server configured
(``HARVEST_PREFECT_SERVER=temporary``; by default such a command uses the long-lived local
server of ``flows.localserver``), started so that a Ctrl-C in the terminal does not kill it
under the flow.

Prefect starts its temporary server as a child in the caller's process group: Ctrl-C (SIGINT
to the whole foreground group) or SIGTERM to the group killed it together with the command,
and the flow then retried the dead API for minutes instead of ending. Here the server runs in
a session of its own, so the flow can wind down (stop its crawls, record what was stored,
set its final state) and the server is stopped after it; the kernel still ends the server
when the command dies (parent-death signal), so it never outlives the command.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_PR_SET_PDEATHSIG = 1
START_TIMEOUT = 120  # seconds (as flows.localserver's); Prefect's own default is 20


def api_configured() -> str | None:
    """The configured Prefect API URL (environment or profile), or ``None``."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def _server_class() -> Any:
    from prefect.server.api.server import SubprocessASGIServer

    class DetachedServer(SubprocessASGIServer):
        """Prefect's temporary server, in a session of its own (see the module doc)."""

        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            import prefect
            from prefect.settings import get_current_settings

            env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                   "PREFECT__SERVER_FINAL": "1",
                   **get_current_settings().to_environment_variables(exclude_unset=True)}
            env.pop("PREFECT_API_URL", None)
            return subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent), "--factory",
                 "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                 "--log-level", "error", "--lifespan", "on"],
                env=env, start_new_session=True, preexec_fn=_die_with_parent,
            )

    return DetachedServer


@contextmanager
def prefect_api() -> Iterator[str]:
    """The configured Prefect API, or a temporary server for the duration of the block."""
    configured = api_configured()
    if configured:
        yield configured
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    server = _server_class()(port=_free_port())
    # Prefect code that looks for "the" temporary server (threads that do not see the
    # settings below, such as its log and event workers) finds this one, not a new one.
    prior = SubprocessASGIServer._instances.get(None)
    SubprocessASGIServer._instances[None] = server
    try:
        # Prefect waits 20 s by default: a first start on a loaded machine (the database's
        # migrations, two busy cores) can take longer, so at least the local server's allowance.
        server.start(timeout=max(START_TIMEOUT, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()))
        with use_api(server.api_url):
            yield server.api_url
    finally:
        server.stop()
        if prior is not None:
            SubprocessASGIServer._instances[None] = prior
        else:
            SubprocessASGIServer._instances.pop(None, None)


@contextmanager
def use_api(url: str, updates: Mapping[Any, Any] | None = None) -> Iterator[None]:
    """``PREFECT_API_URL`` set to ``url`` (and the settings of ``updates``) for the block, in
    this thread's settings and in the global ones (which Prefect's log and event workers read);
    what they still hold queued is sent before the block ends, while the server is still there.
    One ``temporary_settings``: each builds the settings anew (a third of a second of CPU)."""
    from prefect.context import _temporary_global_settings_context, get_settings_context
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({**(updates or {}), PREFECT_API_URL: url}), \
            _temporary_global_settings_context(get_settings_context()):
        try:
            yield
        finally:
            _drain()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _drain(timeout: float = 5) -> None:
    """Send the logs and events still queued to the server before it stops."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=timeout)
        except Exception:  # nothing to send, or a worker that never started
            pass
