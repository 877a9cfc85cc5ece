"""Scheduled crawls against a real `prefect server start`: a one-minute cron served by
`harvest serve` gets runs created by the server's scheduler, they complete and store the site,
the server logs no error, and stopping `harvest serve` (Ctrl-C to its process group, or SIGTERM
to its process) leaves no run Pending or Running and no concurrency slot held, so the next
scheduled run completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from tests.conftest import SERVER_TROUBLE, write_config
from tests.faultsite import FaultSite, NewsSite
from tests.test_crawl_e2e import site_entry

pytestmark = pytest.mark.slow

DEPLOYMENT = "crawl-every-minute"
ACTIVE = {"SCHEDULED", "PENDING", "RUNNING", "CANCELLING", "PAUSED"}


def post(api: str, path: str, body: dict[str, Any]) -> Any:
    response = httpx.post(f"{api}{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def runs_of(api: str, deployment: str) -> list[dict[str, Any]]:
    """The deployment's flow runs, oldest scheduled time first."""
    runs = post(api, "/flow_runs/filter", {"deployments": {"name": {"any_": [deployment]}},
                                           "sort": "EXPECTED_START_TIME_ASC", "limit": 200})
    return runs


def wait_for(what: str, check: Callable[[], Any], timeout: float, serve: subprocess.Popen[str] | None = None,
             log: Path | None = None, server: dict[str, Any] | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        if serve is not None and serve.poll() is not None:
            pytest.fail(f"harvest serve exited with {serve.returncode} while waiting for {what}:\n"
                        + (log.read_text(errors="replace")[-3000:] if log else ""))
        time.sleep(1)
    trouble = "\n".join(server_trouble(server)) if server else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}"
                + (f"\nthe Prefect server logged:\n{trouble}" if trouble else "")
                + (":\n" + log.read_text(errors="replace")[-3000:] if log else ""))


def start_serve(api: str, config: Path, corpus: Path, log: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    out = open(log, "a")
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--config", str(config),
                             "--corpus", str(corpus)], cwd=config.parent, env=env, stdout=out,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def stop_serve(proc: subprocess.Popen[str], how: str) -> float:
    """Stop `harvest serve` as a user would; return how long it took to exit."""
    t0 = time.monotonic()
    if how == "ctrl-c":  # a terminal sends SIGINT to the whole foreground process group
        os.killpg(proc.pid, signal.SIGINT)
    else:  # a service manager or `kill`: SIGTERM to the process
        os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail(f"harvest serve did not exit within 60 s of {how}")
    return time.monotonic() - t0


def kill_group(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def stored_urls(corpus: Path, base: str) -> list[str]:
    import sqlite3

    if not (corpus / "index.sqlite").exists():
        return []
    db = sqlite3.connect(corpus / "index.sqlite")
    try:
        return sorted(r[0] for r in db.execute("SELECT url FROM documents WHERE url LIKE ?", (base + "%",)))
    finally:
        db.close()


def server_trouble(prefect_server: dict[str, Any]) -> list[str]:
    text = prefect_server["log"].read_text(errors="replace")
    return [line for line in text.splitlines() if SERVER_TROUBLE.search(line)][:20]


def active_slots(api: str, deployment: str) -> int:
    found = post(api, "/deployments/filter", {"deployments": {"name": {"any_": [deployment]}}})
    limit = (found[0].get("global_concurrency_limit") or {}) if found else {}
    return int(limit.get("active_slots") or 0)


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_one_minute_schedule_fires_and_its_runs_store_the_site(prefect_server: dict[str, Any], tmp_path: Path,
                                                                 seeded_corpus: Path) -> None:
    api = prefect_server["api"]
    log = tmp_path / "serve.log"
    with FaultSite() as site:
        news = NewsSite(site, sitemap=True)
        config = write_config(tmp_path / "sources.yaml", site_entry(
            "minutely", news.url, "    schedule: '* * * * *'\n    group: every-minute\n"))
        serve = start_serve(api, config, seeded_corpus, log)
        try:
            run = wait_for("a scheduled run to complete", lambda: next(
                (r for r in runs_of(api, DEPLOYMENT) if r["state"]["type"] == "COMPLETED"), None),
                timeout=240, serve=serve, log=log, server=prefect_server)
            seconds = stop_serve(serve, "sigterm")
        finally:
            kill_group(serve)
    # Created by the server's scheduler from the cron, not by hand or by `serve` itself.
    assert run["auto_scheduled"] is True
    assert _parse(run["expected_start_time"]).second == 0
    assert run["parameters"]["sources"] == ["minutely"]
    assert stored_urls(seeded_corpus, site.url) == sorted(site.url + p for p in news.article_paths)
    assert seconds < 30
    assert not [r for r in runs_of(api, DEPLOYMENT) if r["state"]["type"] in ACTIVE - {"SCHEDULED"}]
    assert not server_trouble(prefect_server), "\n".join(server_trouble(prefect_server))
