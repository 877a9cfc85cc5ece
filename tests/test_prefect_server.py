"""Against a real `prefect server start` on 127.0.0.1 (the ``prefect_server`` fixture of
``conftest.py``): a crawl shows up as a flow run with task runs and artifacts, a failed run
notifies the configured webhook, and `harvest serve` registers the deployments with the cron
schedules of the sources file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import write_config
from tests.test_crawl_e2e import expected, free_port, site_entry

pytestmark = pytest.mark.slow


class Receiver:
    """A webhook receiver on 127.0.0.1 that keeps the JSON bodies it is sent."""

    def __init__(self) -> None:
        received = self.received = []  # type: list[dict[str, Any]]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(json.loads(body or b"{}"))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def run_harvest(args: list[str], api: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


# The server is shared by the session's tests: deployments registered by others have scheduled
# runs of the same flow, whose expected start sorts them first. A one-off crawl has no deployment.
ONE_OFF = {"flow_runs": {"deployment_id": {"is_null_": True}}}


def post(api: str, path: str, body: dict[str, Any]) -> Any:
    response = httpx.post(f"{api}{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def test_crawl_runs_show_in_the_server_and_failures_alert(prefect_server: dict[str, Any], tmp_path: Path,
                                                          seeded_corpus: Path, wordpress_site: Any) -> None:
    api = prefect_server["api"]
    config = write_config(
        tmp_path / "sources.yaml",
        site_entry("mewa-like", f"{wordpress_site.url}/en/", "    schedule: '0 */6 * * *'\n    group: sections\n"),
        site_entry("broken", f"http://127.0.0.1:{free_port()}/en/", "    schedule: '30 5 * * *'\n"),
    )
    receiver = Receiver()
    alert = run_harvest(["alerts", "--webhook", receiver.url], api, tmp_path)
    assert alert.returncode == 0, alert.stderr

    ok = run_harvest(["crawl", "mewa-like", "--config", str(config), "--corpus", str(seeded_corpus)], api, tmp_path)
    assert ok.returncode == 0, ok.stderr
    runs = post(api, "/flow_runs/filter",
                {"flows": {"name": {"any_": ["harvest-crawl"]}}, **ONE_OFF, "sort": "START_TIME_DESC", "limit": 5})
    assert runs[0]["state"]["type"] == "COMPLETED"
    tasks = post(api, "/task_runs/filter", {"flow_runs": {"id": {"any_": [runs[0]["id"]]}}})
    assert [t["name"] for t in tasks] == ["crawl-mewa-like"] and tasks[0]["state"]["type"] == "COMPLETED"
    artifacts = {a["key"]: a
                 for a in post(api, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [runs[0]["id"]]}}})}
    rows = json.loads(artifacts["harvest-items"]["data"])
    assert sorted(r["title"] for r in rows) == sorted(a["title"] for a in expected("wordpress")["articles"])
    assert "| mewa-like | ✅ ok |" in artifacts["harvest-report"]["data"]

    failed = run_harvest(["crawl", "broken", "--config", str(config), "--corpus", str(seeded_corpus), "--retries", "0"],
                         api, tmp_path)
    assert failed.returncode == 1
    runs = post(api, "/flow_runs/filter",
                {"flows": {"name": {"any_": ["harvest-crawl"]}}, **ONE_OFF, "sort": "START_TIME_DESC", "limit": 5})
    assert runs[0]["state"]["type"] == "FAILED"
    assert runs[0]["state"]["message"] == "1 of 1 source(s) failed: broken"
    deadline = time.monotonic() + 90
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.5)
    assert receiver.received, "the failure automation sent nothing"
    note = receiver.received[0]
    assert runs[0]["name"] in note["subject"] and "failed: broken" in note["body"]


def test_serve_registers_deployments_with_the_config_schedules(prefect_server: dict[str, Any], tmp_path: Path,
                                                               seeded_corpus: Path) -> None:
    api = prefect_server["api"]
    config = write_config(
        tmp_path / "sources.yaml",
        site_entry("a", "http://127.0.0.1:9/en/", "    schedule: '0 */6 * * *'\n    group: sections\n"),
        site_entry("b", "http://127.0.0.1:9/b/", "    schedule: '0 */6 * * *'\n    group: sections\n"),
        site_entry("c", "http://127.0.0.1:9/c/", "    schedule: '30 5 * * *'\n"),
        site_entry("d", "http://127.0.0.1:9/d/", "    enabled: false\n    schedule: '1 1 * * *'\n"),
    )
    env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--config", str(config),
                             "--corpus", str(seeded_corpus)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        found: dict[str, Any] = {}
        while time.monotonic() < deadline and len(found) < 2:
            deployments = post(api, "/deployments/filter", {"deployments": {"tags": {"all_": ["localgov-harvest"]}}})
            found = {d["name"]: d for d in deployments}
            time.sleep(1)
        assert sorted(found) == ["crawl-c", "crawl-sections"]
        sections = found["crawl-sections"]
        assert [s["schedule"]["cron"] for s in sections["schedules"]] == ["0 */6 * * *"]
        assert sections["parameters"]["sources"] == ["a", "b"]
        assert sections["concurrency_limit"] == 1 or (sections.get("global_concurrency_limit") or {}).get("limit") == 1
        assert [s["schedule"]["cron"] for s in found["crawl-c"]["schedules"]] == ["30 5 * * *"]
        assert found["crawl-c"]["parameters"]["corpus"] == str(seeded_corpus.resolve())
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_prefect_yaml_deploys_to_a_work_pool_with_the_bundled_schedules(prefect_server: dict[str, Any]) -> None:
    """The work-pool way: `prefect deploy --all` registers prefect.yaml, whose crons match
    the groups of the bundled sources.yaml."""
    from crawlers.sources import load_sources
    from flows.serve import plan_deployments

    api = prefect_server["api"]
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    prefect = [sys.executable, "-m", "prefect"]
    pool = subprocess.run([*prefect, "work-pool", "create", "harvest", "--type", "process"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert pool.returncode == 0, pool.stdout + pool.stderr
    deploy = subprocess.run([*prefect, "--no-prompt", "deploy", "--all"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=300)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    deployments = post(api, "/deployments/filter", {"work_pools": {"name": {"any_": ["harvest"]}}})
    registered = {d["name"]: [s["schedule"]["cron"] for s in d["schedules"]] for d in deployments}
    planned = {p.name: [p.cron] for p in plan_deployments(load_sources())}
    assert registered == planned


def test_demo_is_a_flow_run_when_a_server_is_configured(prefect_server: dict[str, Any], tmp_path: Path) -> None:
    api = prefect_server["api"]
    demo = run_harvest(["demo", "--keep", str(tmp_path / "demo-corpus")], api, tmp_path)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "4 documents in" in demo.stdout
    link = next(line for line in demo.stdout.splitlines() if line.startswith("flow run: "))
    run_id = link.split("/runs/flow-run/")[1].split()[0]
    run = httpx.get(f"{api}/flow_runs/{run_id}", timeout=30).json()
    assert run["state"]["type"] == "COMPLETED"
    tasks = post(api, "/task_runs/filter", {"flow_runs": {"id": {"any_": [run_id]}}})
    assert [t["name"] for t in tasks] == ["crawl-demo"]
    # The run's log has the crawl's lines, and no warning about task timeouts in worker threads.
    logs = post(api, "/logs/filter", {"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200})
    text = "\n".join(entry["message"] for entry in logs)
    assert "Spider opened" in text
    assert "worker thread" not in text
