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
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from testing.faultsite import FaultSite, NewsSite
from tests.conftest import server_trouble, write_config
from tests.test_crawl_e2e import site_entry
from tests.test_stopping import stored

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


def active_slots(api: str, deployment: str) -> int:
    found = post(api, "/deployments/filter", {"deployments": {"name": {"any_": [deployment]}}})
    limit = (found[0].get("global_concurrency_limit") or {}) if found else {}
    return int(limit.get("active_slots") or 0)


def unexpected_tracebacks(text: str) -> list[str]:
    """The exception lines of the tracebacks in a `harvest serve` log, except Prefect's report
    of a flow run that ended Failed or Cancelled (its engine raises the run's own outcome,
    ``CrawlIncomplete``, and logs it)."""
    found = []
    for block in text.split("Traceback (most recent call last):")[1:]:
        last = next((line for line in block.splitlines()[1:] if line and not line[0].isspace()), "")
        if not last.split(":")[0].endswith("CrawlIncomplete"):
            found.append(last)
    return found


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
    assert stored(seeded_corpus, site.url) == sorted(site.url + p for p in news.article_paths)
    assert seconds < 30
    assert not [r for r in runs_of(api, DEPLOYMENT) if r["state"]["type"] in ACTIVE - {"SCHEDULED"}]
    assert not server_trouble(prefect_server), "\n".join(server_trouble(prefect_server))
    tracebacks = unexpected_tracebacks(log.read_text(errors="replace"))
    assert not tracebacks, tracebacks


def test_stopping_serve_mid_run_leaves_nothing_running_and_the_next_run_completes(
        prefect_server: dict[str, Any], tmp_path: Path, seeded_corpus: Path) -> None:
    """Ctrl-C, then SIGTERM, each while a scheduled crawl is fetching slow pages; then a run
    after each restart: nothing stays Pending or Running, no concurrency slot stays held, and
    the next scheduled run completes and stores what the interrupted ones did not."""
    api = prefect_server["api"]
    log = tmp_path / "serve.log"
    deployment = "crawl-slow-minute"
    with FaultSite() as site:
        news = NewsSite(site, article_delay=60.0)
        config = write_config(tmp_path / "sources.yaml", site_entry(
            "slow", news.url, "    schedule: '* * * * *'\n    group: slow-minute\n"))
        seen: set[str] = set()
        for how in ("ctrl-c", "sigterm"):
            serve = start_serve(api, config, seeded_corpus, log)
            try:
                run = wait_for(f"a scheduled run fetching articles ({how})", lambda: next(
                    (r for r in runs_of(api, deployment) if r["state"]["type"] == "RUNNING" and r["id"] not in seen
                     and site.hits(prefix="/en/")
                     and any(h.path in news.article_paths for h in site.hits(prefix="/en/"))),
                    None), timeout=240, serve=serve, log=log, server=prefect_server)
                seen.add(run["id"])
                site.clear()
                seconds = stop_serve(serve, how)
            finally:
                kill_group(serve)
            assert seconds < 30, f"harvest serve took {seconds:.1f} s to stop after {how}"
            # Nothing is left Pending or Running, nor waiting to be cancelled; no slot is held.
            def settled() -> bool:  # polled in this iteration only
                states = {r["id"]: r["state"]["type"] for r in runs_of(api, deployment)}
                held = set(states.values()) & {"PENDING", "RUNNING", "CANCELLING"}
                return states[run["id"]] not in ACTIVE and not held  # noqa: B023
            try:
                wait_for(f"the interrupted run to end ({how})", settled, timeout=30)
            except BaseException:
                print({r["name"]: (r["state"]["type"], r["state"].get("message")) for r in runs_of(api, deployment)})
                print(log.read_text(errors="replace")[-6000:])
                raise
            assert active_slots(api, deployment) == 0, f"a concurrency slot is still held after {how}"

        news.article_delay = 0.0
        serve = start_serve(api, config, seeded_corpus, log)
        try:
            done = wait_for("a run after the restarts to complete", lambda: next(
                (r for r in runs_of(api, deployment) if r["state"]["type"] == "COMPLETED"), None),
                timeout=240, serve=serve, log=log, server=prefect_server)
            stop_serve(serve, "sigterm")
        finally:
            kill_group(serve)
    assert done["auto_scheduled"] is True
    cancelled = [r for r in runs_of(api, deployment) if "concurrency" in (r["state"].get("message") or "").lower()]
    assert not cancelled, [r["state"] for r in cancelled]
    assert stored(seeded_corpus, site.url) == sorted(site.url + p for p in news.article_paths)
    assert not server_trouble(prefect_server), "\n".join(server_trouble(prefect_server))
    tracebacks = unexpected_tracebacks(log.read_text(errors="replace"))
    assert not tracebacks, tracebacks
