"""Several workers, one corpus: deployments registered by `harvest deploy --pool`, run by real
`prefect worker start --pool` processes, against a Prefect server whose database is PostgreSQL
(the set-up of the README's "Several machines"), the corpus index in PostgreSQL too.

- two workers run two shards of one group at once into one corpus: every article stored once,
  the numbering gapless;
- a source being crawled holds its concurrency limit: a second crawl of it waits for it, a
  claim that cannot wait is refused;
- a worker killed with SIGKILL (with its flow-run and crawl processes) mid-run: the run is marked
  Crashed (heartbeats stop; the automation of `harvest deploy`), the source's slot comes free
  when its lease expires, and the next run completes the work without storing anything twice.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from testing.faultsite import FaultSite, NewsSite, generated_article
from testing.prefectapi import active_slots
from tests.conftest import ROOT, _free_port, write_config

pytestmark = pytest.mark.slow
FAR_CRON = "0 0 1 1 *"  # the tests start the runs themselves


@pytest.fixture(scope="module")
def pg_prefect(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`prefect server start` with its database in PostgreSQL (a database of its own on the
    session's PostgreSQL server, through asyncpg); expired concurrency leases are reclaimed every
    2 s (the repossessor; 15 s by default)."""
    import pgserver

    database = pgserver.create_database(pg_server)
    home = tmp_path_factory.mktemp("prefect-pg")
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false", "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
           "PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS": "2",
           "PREFECT_API_DATABASE_CONNECTION_URL": database.replace("postgresql://", "postgresql+asyncpg://", 1)}
    env.pop("PREFECT_API_URL", None)
    log_path = home / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                 "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        api = f"http://127.0.0.1:{port}/api"
        try:
            wait_for(lambda: _healthy(api, proc, log_path), 180, "the Prefect server on PostgreSQL to start")
            yield {"api": api, "home": home, "log": log_path, "database": database}
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)
            pgserver.drop_database(pg_server, database)


def _healthy(api: str, proc: subprocess.Popen[bytes], log: Path) -> bool:
    if proc.poll() is not None:
        raise RuntimeError(f"prefect server exited: {log.read_text()[-2000:]}")
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def wait_for(check: Callable[[], Any], seconds: float, what: str, every: float = 0.5) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds:.0f} s for {what}")
        time.sleep(every)


def post(api: str, path: str, body: dict[str, Any]) -> Any:
    response = httpx.post(f"{api}{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def prefect_env(api: str, home: Path) -> dict[str, str]:
    return {**os.environ, "PREFECT_API_URL": api, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED":
            "false", "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_HEARTBEAT_SECONDS": "5"}


def deploy(api: str, tmp_path: Path, *args: str) -> None:
    run = subprocess.run([sys.executable, "-m", "flows.cli", "deploy", *args], cwd=tmp_path,
                         env=prefect_env(api, tmp_path / "prefect-home"), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


class Worker:
    """`prefect worker start --pool POOL --limit 1` in a process group of its own (its flow-run
    processes and their crawl processes are in it too), its output in a log file."""

    def __init__(self, api: str, pool: str, name: str, folder: Path) -> None:
        self.name = name
        self.log = folder / f"worker-{name}.log"
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--name", name, "--limit", "1"],
                cwd=ROOT, env=prefect_env(api, folder / "prefect-home"), stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def text(self) -> str:
        return self.log.read_text(errors="replace")


def deployment_id(api: str, name: str) -> str:
    response = httpx.get(f"{api}/deployments/name/harvest-crawl/{name}", timeout=30)
    response.raise_for_status()
    return str(response.json()["id"])


def start_run(api: str, deployment: str, parameters: dict[str, Any] | None = None) -> str:
    run = post(api, f"/deployments/{deployment_id(api, deployment)}/create_flow_run",
               {"parameters": parameters or {}})
    return str(run["id"])


def flow_run(api: str, run_id: str) -> dict[str, Any]:
    response = httpx.get(f"{api}/flow_runs/{run_id}", timeout=30)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def state_of(api: str, run_id: str) -> str:
    return str(flow_run(api, run_id)["state"]["type"])


def ended(api: str, run_id: str) -> str | None:
    state = state_of(api, run_id)
    return state if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None


def descendants(pid: int) -> list[int]:
    """The processes under ``pid`` (children, their children…), from /proc."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found += children
        todo += children
    return found


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def run_events(api: str, run_id: str) -> list[tuple[str, str]]:
    """(time, event) of the events of a flow run, oldest first."""
    found = post(api, "/events/filter", {"filter": {"any_resource": {"id": [f"prefect.flow-run.{run_id}"]}},
                                         "limit": 50})
    return sorted((e["occurred"], e["event"]) for e in found["events"])


def run_logs(api: str, run_id: str) -> str:
    logs = post(api, "/logs/filter", {"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200})
    return "\n".join(entry["message"] for entry in logs)


def entry(name: str, url: str, group: str | None = None) -> str:
    return f"  - name: {name}\n    url: {url}\n" + (f"    group: {group}\n" if group else "") + \
        f"    schedule: '{FAR_CRON}'\n"


def stored(corpus: Path, index: str) -> list[tuple[int, str]]:
    """(number, URL) of every document of the corpus, read from its index only (opening the
    corpus would tidy the folder, under the feet of the crawls that write to it)."""
    from storage.index import open_index

    opened = open_index(corpus, index)
    try:
        return sorted((doc.num, doc.url or "") for doc in opened.documents())
    finally:
        opened.close()


def assert_once_and_gapless(corpus: Path, index: str, sites: list[NewsSite], seeds: int) -> None:
    docs = stored(corpus, index)
    numbers = [num for num, _ in docs]
    assert numbers == list(range(len(docs))), f"numbering not gapless: {numbers}"
    urls = [url.rstrip("/") for _, url in docs if url]
    assert len(urls) == len(set(urls)), f"stored twice: {sorted(u for u in urls if urls.count(u) > 1)}"
    wanted = {(news.base + news.path(a)).rstrip("/") for news in sites for a in news.articles}
    assert wanted <= set(urls), f"not stored: {sorted(wanted - set(urls))}"
    assert len(docs) == seeds + len(wanted), (len(docs), seeds, len(wanted))
    files = sorted(p.name for p in corpus.glob("[0-9][0-9][0-9]_*.txt"))
    assert len(files) == len(docs)


@pytest.fixture
def shared_corpus(seeded_corpus: Path, pg_url: str) -> tuple[Path, str, int]:
    """The seeded corpus indexed in a PostgreSQL database of the test's own (opened once here,
    so its seeds are numbered before any worker starts); its number of documents."""
    from storage.corpus import Corpus

    with Corpus(seeded_corpus, index=pg_url) as store:
        count = store.index.count()
    return seeded_corpus, pg_url, count


def test_two_workers_crawl_two_shards_of_a_group_at_once_into_one_corpus(
        pg_prefect: dict[str, Any], shared_corpus: tuple[Path, str, int], tmp_path: Path) -> None:
    api = pg_prefect["api"]
    corpus, index, seeds = shared_corpus
    sites = [FaultSite().start() for _ in range(4)]
    workers: list[Worker] = []
    try:
        news = [NewsSite(site, [generated_article(10 * k + i, "shard") for i in range(3)], article_delay=0.5)
                for k, site in enumerate(sites)]
        names = ["shard-a", "shard-b", "shard-c", "shard-d"]
        config = write_config(tmp_path / "sources.yaml",
                              *(entry(name, n.url, "many") for name, n in zip(names, news)))
        deploy(api, tmp_path, "--pool", "two-workers", "--shards", "2", "--config", str(config), "--corpus",
               str(corpus), "--index", index)
        workers = [Worker(api, "two-workers", name, tmp_path) for name in ("w1", "w2")]
        runs = [start_run(api, "crawl-many-shard-1-of-2"), start_run(api, "crawl-many-shard-2-of-2")]
        wait_for(lambda: all(ended(api, r) for r in runs), 180, "both shard runs to end", every=1)
        details = [flow_run(api, r) for r in runs]
        assert [d["state"]["type"] for d in details] == ["COMPLETED", "COMPLETED"], \
            [(d["state"], run_logs(api, d["id"])[-3000:]) for d in details]
        # At once, one on each worker (each takes one run at a time).
        (s1, e1), (s2, e2) = ((d["start_time"], d["end_time"]) for d in details)
        assert s1 < e2 and s2 < e1, (s1, e1, s2, e2)
        ran = [[d["name"] for d in details if f"Beginning flow run '{d['name']}'" in w.text()] for w in workers]
        assert sorted(map(len, ran)) == [1, 1], [w.text()[-2000:] for w in workers]
        # Each shard crawled its own sources (four sites of one source, dealt in name order to the
        # lighter shard: a, c and b, d), each site by one run.
        crawled = [{t["name"] for t in post(api, "/task_runs/filter", {"flow_runs": {"id": {"any_": [r]}}})}
                   for r in runs]
        assert crawled == [{"crawl-shard-a", "crawl-shard-c"}, {"crawl-shard-b", "crawl-shard-d"}]
    finally:
        for worker in workers:
            worker.kill(signal.SIGTERM)
        for site in sites:
            site.stop()
    assert_once_and_gapless(corpus, index, news, seeds)


def test_a_source_being_crawled_makes_a_second_crawl_wait_and_a_claim_that_cannot_wait_is_refused(
        pg_prefect: dict[str, Any], shared_corpus: tuple[Path, str, int], tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.pipeline import claim_sources

    api = pg_prefect["api"]
    corpus, index, seeds = shared_corpus
    site = FaultSite().start()
    worker: Worker | None = None
    try:
        news = NewsSite(site, [generated_article(i, "busy") for i in range(6)], article_delay=1.5)
        config = write_config(tmp_path / "sources.yaml", entry("busy-one", news.url))
        deploy(api, tmp_path, "--pool", "busy-pool", "--config", str(config), "--corpus", str(corpus), "--index",
               index)
        worker = Worker(api, "busy-pool", "wb", tmp_path)
        first = start_run(api, "crawl-busy-one")
        wait_for(lambda: active_slots(api, "busy-one") == 1 and site.log, 120, "the first run to crawl busy-one")
        # A claim that may not wait is refused while the run holds the source.
        with temporary_settings({PREFECT_API_URL: api}):
            held, busy = claim_sources(["busy-one"], 0, 60, logging.getLogger("test"))
        assert (held, busy) == ({}, ["busy-one"])
        # `harvest crawl` of the same source by hand waits for it, then crawls (nothing new).
        env = {**prefect_env(api, tmp_path / "prefect-home"), "HARVEST_INDEX": index}
        second = subprocess.run([sys.executable, "-m", "flows.cli", "crawl", "busy-one", "--config", str(config),
                                 "--corpus", str(corpus), "--json"], cwd=tmp_path, env=env, capture_output=True,
                                text=True, timeout=240)
        assert second.returncode == 0, second.stderr[-3000:]
        assert ended(api, first) == "COMPLETED", run_logs(api, first)[-3000:]
        # The source is free again as soon as the first run's crawl task ends (the run itself ends
        # a little later): the crawl by hand starts after that task.
        (first_task,) = post(api, "/task_runs/filter", {"flow_runs": {"id": {"any_": [first]}}})
        first_end = first_task["end_time"]
        assert first_end is not None and first_task["name"] == "crawl-busy-one"
        (summary,) = json.loads(second.stdout)
        assert (summary["status"], summary["new"]) == ("ok", 0), summary
        runs = post(api, "/flow_runs/filter", {"flow_runs": {"deployment_id": {"is_null_": True}}})
        (by_hand,) = [r for r in runs if r["state"]["type"] == "COMPLETED" and r["start_time"] > flow_run(
            api, first)["start_time"]]
        waited = "waiting up to 60 s for source(s) being crawled by another run: busy-one"
        assert waited in run_logs(api, by_hand["id"])
        tasks = post(api, "/task_runs/filter", {"flow_runs": {"id": {"any_": [by_hand["id"]]}}})
        assert [t["name"] for t in tasks] == ["crawl-busy-one"] and tasks[0]["start_time"] > first_end
        assert active_slots(api, "busy-one") == 0
    finally:
        if worker:
            worker.kill(signal.SIGTERM)
        site.stop()
    assert_once_and_gapless(corpus, index, [news], seeds)


def test_a_worker_killed_mid_run_crashes_its_run_frees_its_source_and_the_next_run_finishes(
        pg_prefect: dict[str, Any], shared_corpus: tuple[Path, str, int], tmp_path: Path) -> None:
    api = pg_prefect["api"]
    corpus, index, seeds = shared_corpus
    site = FaultSite().start()
    worker: Worker | None = None
    try:
        news = NewsSite(site, [generated_article(i, "killed") for i in range(12)], article_delay=1.5)
        config = write_config(tmp_path / "sources.yaml", entry("killed-one", news.url))
        deploy(api, tmp_path, "--pool", "kill-pool", "--config", str(config), "--corpus", str(corpus), "--index",
               index, "--crash-after", "45", "--source-lease", "60")
        worker = Worker(api, "kill-pool", "wk", tmp_path)
        first = start_run(api, "crawl-killed-one")
        wait_for(lambda: len(stored(corpus, index)) >= seeds + 2, 150, "the first run to store 2 articles")
        assert state_of(api, first) == "RUNNING" and active_slots(api, "killed-one") == 1
        # The machine goes down: the worker, the run's process (a process group of its own) and
        # every process under it (the crawl process, its cleaning workers) are killed at once.
        _, _, pid = (flow_run(api, first)["infrastructure_pid"] or "").rpartition(":")
        assert pid.isdigit(), flow_run(api, first)
        doomed = [int(pid), *descendants(int(pid))]
        killed_at = time.monotonic()
        worker.kill(signal.SIGKILL)
        for victim in doomed:
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert wait_for(lambda: not [p for p in doomed if alive(p)], 10, "the killed processes to be gone")
        before = len(stored(corpus, index)) - seeds
        assert before < len(news.articles)
        try:
            wait_for(lambda: ended(api, first), 150, "the killed run to be marked Crashed", every=2)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the run's events: {run_events(api, first)}") from None
        crashed = flow_run(api, first)["state"]
        assert crashed["type"] == "CRASHED", (crashed, run_events(api, first))
        assert "no heartbeat for 45 s" in crashed["message"], crashed
        wait_for(lambda: active_slots(api, "killed-one") == 0, 120, "the source's lease to expire", every=2)
        freed = time.monotonic() - killed_at
        assert freed < 120, freed
        worker = Worker(api, "kill-pool", "wk2", tmp_path)
        second = start_run(api, "crawl-killed-one")
        wait_for(lambda: ended(api, second), 150, "the next run to end", every=1)
        assert state_of(api, second) == "COMPLETED", run_logs(api, second)[-3000:]
        assert active_slots(api, "killed-one") == 0
    finally:
        if worker:
            worker.kill(signal.SIGTERM)
        site.stop()
    assert_once_and_gapless(corpus, index, [news], seeds)
