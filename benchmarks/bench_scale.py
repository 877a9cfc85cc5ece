"""Benchmark: one corpus crawled by 1, 2 and 3 Prefect workers, Prefect server and index on PostgreSQL.

    python benchmarks/bench_scale.py [--sites 36] [--articles 40] [--delay 1] [--shards 6]
                                     [--workers 1,2,3] [--keep DIR]

The set-up of the README's "Several machines", on one machine: a throwaway PostgreSQL cluster
(``tests/pgserver.py``'s, with ``log_lock_waits = on``, ``deadlock_timeout = 100ms`` and
``pg_stat_statements`` loaded besides; like the tests' cluster it does not fsync), a ``prefect
server start`` (UI and analytics off) whose database is a database of that cluster (asyncpg), and
the sites of ``benchmarks/bench_sources.py`` (``--sites`` sites on 127.0.0.2…, ``--articles`` real
articles each, built by its functions; politeness on: ``delay: --delay``), all in one group
``all`` of the sources file.

Each scenario (one per number of workers in ``--workers``, one after the other) has a corpus
folder and an index database of its own (the corpus opened once with its index before anything
else, as a shared corpus is), and a work pool of its own:

1. ``harvest deploy --pool scale-<n>w --shards K --config … --corpus … --index …``: the group split
   into ``K`` shard deployments (every K-th source by name);
   (6 by default: 1, 2 and 3 workers then take 6, 3 and 2 rounds of runs);
2. ``n`` processes ``prefect worker start --pool scale-<n>w --limit 1`` (each runs one flow run
   at a time), waited for until the pool sees them all;
3. one flow run of every shard deployment created at once through the API, then waited for until
   every run is in a terminal state.

Measured per scenario:

- wall time: the first run's start to the last run's end (the flow runs' own times, from the API);
- requests: as the site servers saw them, between the runs' creation and the last run's end;
- documents stored (read from the index), articles expected (sites x articles), documents with the
  same URL or the same content hash as another (must be 0), numbering gaps (the numbers must be
  0..N-1, each once, every document's file present, no other numbered file);
- each worker's share: the flow runs it ran (its log names the runs it submitted to its
  infrastructure) and the documents
  of those runs' sources;
- CPU: of each worker's process tree (the worker, its flow-run processes, their crawl processes
  and cleaning workers; sampled from /proc every ``SAMPLE_S``: each process's last seen user +
  system time), of the Prefect server's tree and of PostgreSQL (the postmaster and its backends:
  /proc user + system time, the exited backends through the postmaster's children times), and of
  this process (the site servers); per stored document;
- from PostgreSQL itself, for the index database and the Prefect database apart:
  ``pg_stat_database`` (transactions committed and rolled back, blocks read and hit) before and
  after; locks waited for (``pg_locks`` rows not granted, sampled every ``SAMPLE_S``; and the
  server log's "still waiting" lines, written for a lock waited for longer than 100 ms); the index
  database's statements from ``pg_stat_statements`` (reset before each scenario): calls and
  execution time, per stored document, the heaviest statements by time.

With ``--kill-after S``, in each scenario of two workers or more, a worker fails the way a machine
does: ``S`` seconds after the runs were created, worker ``w1`` (its process group) and the flow
run it is running (that run's process and every process under it: the crawl process, its cleaning
workers) get SIGKILL at once. The deployments are made with ``--crash-after 45 --source-lease
60``. The other workers go on with the other runs; the killed run is marked Crashed by the crash
automation of ``harvest deploy``; once every run has ended and the killed run's sources are free
again (their limit's lease expired), its deployment is run once more, on the remaining workers, as
its next scheduled run would be. The corpus is checked after that run: every article stored once,
no numbering gap. Reported: the killed run, the documents it had stored, the seconds to Crashed and
to its sources' release, the next run's state and documents.

Two cores are shared by everything here (site servers, server, PostgreSQL, workers): once the
crawl is CPU-bound, more workers cannot make it faster; the CPU per document shows why.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_sources import Host, build_sites, calibrated, candidates, free_port  # noqa: E402
from bench_speed import cpu_seconds, descendants  # noqa: E402
from testing.prefectapi import active_slots  # noqa: E402

FAR_CRON = "0 0 1 1 *"  # the runs are started by this script, never by the schedule
GROUP = "all"
FLOW_NAME = "harvest-crawl"  # flows.pipeline.FLOW_NAME
SAMPLE_S = 0.25  # sampling step of /proc and pg_locks
TERMINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
CRASH_AFTER_S = 45  # --kill-after: harvest deploy --crash-after (a run without heartbeat this long is Crashed)
SOURCE_LEASE_S = 60  # --kill-after: harvest deploy --source-lease
RUN_TIMEOUT = 1800  # seconds a scenario's runs may take, at most
# The cluster's settings besides tests/pgserver.py's: lock waits logged after 100 ms, statement
# statistics; more connections (the Prefect server's pool, three workers' runs and this script).
PG_EXTRA = {"log_lock_waits": "on", "deadlock_timeout": "'100ms'",
            "shared_preload_libraries": "'pg_stat_statements'", "pg_stat_statements.track": "all",
            "max_connections": "100"}
CLK_TCK = os.sysconf("SC_CLK_TCK")
STATS_SETTLE_S = 11  # PostgreSQL 15: an idle backend flushes its pending statistics after 10 s


# --- processes and their CPU --------------------------------------------------------------------

def tree_total(pid: int) -> float:
    """CPU seconds of a process tree that reaps its own children (PostgreSQL, the Prefect server):
    user + system of every live process of the tree plus the times of the children they reaped."""
    total = 0.0
    for p in [pid, *descendants(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15]) / CLK_TCK  # utime stime cutime cstime
    return total


class Sampler:
    """Every ``SAMPLE_S``: each worker tree's processes' CPU (last seen, per pid), and the rows of
    ``pg_locks`` not granted (per database and lock type)."""

    def __init__(self, roots: dict[str, int], admin_url: str, databases: dict[int, str]) -> None:
        self.roots = roots
        self.seen: dict[str, dict[int, float]] = {name: {} for name in roots}
        self.admin_url = admin_url
        self.databases = databases  # oid -> label
        self.samples = 0
        self.waiting_samples: Counter[str] = Counter()  # samples with a waiter, per database label
        self.max_waiting: Counter[str] = Counter()
        self.lock_types: Counter[str] = Counter()
        self.held_samples: Counter[str] = Counter()  # samples with an advisory lock held, per database label
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._done.set()
        self._thread.join()

    def _loop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as db:
            while not self._done.is_set():
                self.sample_cpu()
                rows = db.execute("SELECT database, locktype, granted, count(*) FROM pg_locks "
                                  "WHERE NOT granted OR locktype = 'advisory' GROUP BY 1, 2, 3").fetchall()
                self.samples += 1
                per_db: Counter[str] = Counter()
                for oid, locktype, granted, count in rows:
                    label = self.databases.get(oid, "other")
                    if granted:  # the index's write lock (storage.pgindex.WRITE_LOCK) is held
                        self.held_samples[label] += 1
                        continue
                    per_db[label] += count
                    self.lock_types[f"{label}/{locktype}"] += count
                for label, count in per_db.items():
                    self.waiting_samples[label] += 1
                    self.max_waiting[label] = max(self.max_waiting[label], count)
                self._done.wait(SAMPLE_S)

    def sample_cpu(self) -> None:
        for name, root in self.roots.items():
            for pid in [root, *descendants(root)]:
                value = cpu_seconds(pid)
                if value is not None:
                    self.seen[name][pid] = value

    def cpu(self, name: str) -> float:
        return sum(self.seen[name].values())


# --- PostgreSQL ---------------------------------------------------------------------------------

def pg_stats(admin_url: str, names: dict[str, str]) -> dict[str, dict[str, int]]:
    """``pg_stat_database`` counters of the databases ``names`` (label -> database name)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute("SELECT pg_stat_force_next_flush()")
        out = {}
        for label, name in names.items():
            row = db.execute("SELECT xact_commit, xact_rollback, blks_read, blks_hit, tup_inserted, tup_updated "
                             "FROM pg_stat_database WHERE datname = %s", (name,)).fetchone()
            out[label] = dict(zip(("commit", "rollback", "read", "hit", "inserted", "updated"),
                                  (int(v or 0) for v in row or (0,) * 6)))
        return out


def statements(admin_url: str, dbname: str) -> list[tuple[int, float, str]]:
    """(calls, total execution ms, query) of the database's statements, heaviest first."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as db:
        rows = db.execute("SELECT s.calls, s.total_exec_time, s.query FROM pg_stat_statements s "
                          "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = %s "
                          "ORDER BY s.total_exec_time DESC", (dbname,)).fetchall()
    return [(int(c), float(t), " ".join(q.split())) for c, t, q in rows]


def admin(admin_url: str, sql: str) -> Any:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as db:
        cursor = db.execute(sql)
        return cursor.fetchall() if cursor.description else []


def dbname(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path.lstrip("/")


# --- Prefect ------------------------------------------------------------------------------------

def api_post(api: str, path: str, body: dict[str, Any]) -> Any:
    import httpx

    reply = httpx.post(f"{api}{path}", json=body, timeout=60)
    reply.raise_for_status()
    return reply.json()


def api_get(api: str, path: str) -> Any:
    import httpx

    reply = httpx.get(f"{api}{path}", timeout=60)
    reply.raise_for_status()
    return reply.json()


class PrefectServer:
    """``prefect server start`` with its database in PostgreSQL (asyncpg), UI and analytics off."""

    def __init__(self, home: Path, database: str) -> None:
        self.home = home
        self.database = database
        self.api = f"http://127.0.0.1:{free_port()}/api"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> PrefectServer:
        import httpx

        self.home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PREFECT_HOME": str(self.home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "PREFECT_UI_ENABLED": "false",
               "PREFECT_API_DATABASE_CONNECTION_URL": self.database.replace("postgresql://", "postgresql+asyncpg://",
                                                                            1)}
        env.pop("PREFECT_API_URL", None)
        port = self.api.split(":")[2].split("/")[0]
        with open(self.home / "server.log", "w") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                          "--port", port], env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"prefect server exited: {(self.home / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.api}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.__exit__()
        raise SystemExit("prefect server did not start in 180 s")

    def __exit__(self, *exc: Any) -> None:
        if self.proc is not None and self.proc.poll() is None:
            stop_group(self.proc)


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process's group, SIGKILL after 30 s."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)


@dataclass
class Worker:
    """``prefect worker start --pool POOL --name NAME --limit 1``, in a process group of its own."""

    name: str
    log: Path
    proc: subprocess.Popen[bytes]

    def text(self) -> str:
        return self.log.read_text(errors="replace")


def start_worker(pool: str, name: str, folder: Path, env: dict[str, str]) -> Worker:
    log = folder / f"worker-{name}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--name", name,
                                 "--limit", "1"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    return Worker(name, log, proc)


def when(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


# --- the corpus ---------------------------------------------------------------------------------

def corpus_check(corpus: Path, index: str) -> dict[str, Any]:
    """What the corpus holds, read from its index and its folder: documents per source, documents
    with another's URL or content hash, numbering gaps (numbers not 0..N-1 once each, files of
    documents missing, numbered files no document names)."""
    from storage.ids import canonical_url
    from storage.index import open_index

    opened = open_index(corpus, index)
    try:
        docs = list(opened.documents())
    finally:
        opened.close()
    urls = Counter(canonical_url(d.url or d.id) for d in docs)
    hashes = Counter(d.content_hash for d in docs if d.content_hash)
    numbers = sorted(d.num for d in docs)
    files = {p.name for p in corpus.iterdir() if re.match(r"\d+_.+\.txt$", p.name)}
    named = {d.file for d in docs}
    gaps = (len(set(range(len(docs))) ^ set(numbers)) + (len(numbers) - len(set(numbers)))
            + len(named - files) + len(files - named))
    return {"documents": len(docs), "per_source": Counter(d.source for d in docs),
            "same_url": sum(n - 1 for n in urls.values()), "same_content": sum(n - 1 for n in hashes.values()),
            "gaps": gaps, "files": len(files)}


# --- a scenario ---------------------------------------------------------------------------------

@dataclass
class Scenario:
    """One number of workers: its measured figures."""

    workers: int
    wall: float = 0.0
    span: float = 0.0  # runs created -> every run terminal
    requests: int = 0
    runs: list[dict[str, Any]] = field(default_factory=list)
    check: dict[str, Any] = field(default_factory=dict)
    share: dict[str, tuple[int, int]] = field(default_factory=dict)  # worker -> (flow runs, documents)
    cpu_workers: dict[str, float] = field(default_factory=dict)
    cpu_server: float = 0.0
    cpu_pg: float = 0.0
    cpu_sites: float = 0.0
    db: dict[str, dict[str, int]] = field(default_factory=dict)  # label -> counter deltas
    waits_sampled: dict[str, tuple[int, int]] = field(default_factory=dict)  # label -> (samples, max)
    lock_types: dict[str, int] = field(default_factory=dict)
    samples: int = 0
    held: int = 0  # samples with the index's write lock held
    still_waiting: int = 0
    stmts: list[tuple[int, float, str]] = field(default_factory=list)
    killed: dict[str, Any] = field(default_factory=dict)  # --kill-after: what was killed, what followed


def run_scenario(n: int, args: argparse.Namespace, tmp: Path, config: Path, hosts: list[Host], cluster: Any,
                 prefect: PrefectServer, base_env: dict[str, str]) -> Scenario:
    import pgserver

    from storage.corpus import Corpus

    result = Scenario(n)
    folder = tmp / f"scenario-{n}w"
    folder.mkdir()
    corpus = folder / "corpus"
    index = pgserver.create_database(cluster.url)
    with Corpus(corpus, index=index) as store:  # the shared corpus made once, before any run
        store.index.count()
    env = {**base_env, "PREFECT_API_URL": prefect.api, "PREFECT_HOME": str(folder / "prefect-home"),
           "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_HEARTBEAT_SECONDS": "5"}
    pool = f"scale-{n}w"
    cmd = [sys.executable, "-m", "flows.cli", "deploy", "--pool", pool, "--shards", str(args.shards), "--config",
           str(config), "--corpus", str(corpus), "--index", index]
    kill = args.kill_after > 0 and n >= 2
    if kill:
        cmd += ["--crash-after", str(CRASH_AFTER_S), "--source-lease", str(SOURCE_LEASE_S)]
    print(f"[{n} worker(s)] $ harvest deploy --pool {pool} --shards {args.shards} …", file=sys.stderr)
    done = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"harvest deploy failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    deployments = [d for d in api_post(prefect.api, "/deployments/filter", {"work_pools": {"name": {"any_": [pool]}}})]
    deployments.sort(key=lambda d: d["name"])
    workers = [start_worker(pool, f"w{k + 1}", folder, env) for k in range(n)]
    try:
        deadline = time.monotonic() + 120
        while len([w for w in api_post(prefect.api, f"/work_pools/{pool}/workers/filter", {})
                   if w.get("status") == "ONLINE"]) < n:
            if time.monotonic() > deadline:
                raise SystemExit(f"the pool {pool} did not see {n} workers online in 120 s")
            time.sleep(1)
        log_path = cluster.folder / "server.log"
        log_start = log_path.stat().st_size
        labels = {"index": dbname(index), "prefect": dbname(prefect.database)}
        admin(cluster.url, "SELECT pg_stat_statements_reset()")
        before = pg_stats(cluster.url, labels)
        oids = {int(oid): label for label in labels
                for (oid,) in admin(cluster.url, f"SELECT oid FROM pg_database WHERE datname = '{labels[label]}'")}
        pg_cpu0, server_cpu0 = tree_total(pg_postmaster(cluster)), tree_total(prefect.proc.pid)  # type: ignore[union-attr]
        own0 = time.process_time()
        with Sampler({w.name: w.proc.pid for w in workers}, cluster.url, oids) as sampler:
            t0 = time.monotonic()
            run_ids = [api_post(prefect.api, f"/deployments/{d['id']}/create_flow_run", {"parameters": {}})["id"]
                       for d in deployments]
            print(f"[{n} worker(s)] {len(run_ids)} runs created: {', '.join(d['name'] for d in deployments)}",
                  file=sys.stderr)
            while True:
                runs = [api_get(prefect.api, f"/flow_runs/{r}") for r in run_ids]
                if kill and not result.killed and time.monotonic() - t0 >= args.kill_after:
                    result.killed = kill_worker(workers[0], runs, corpus, index, t0)
                elif result.killed and "freed_after" not in result.killed:
                    sources_freed(prefect.api, result.killed, t0)
                if all(r["state"]["type"] in TERMINAL for r in runs):
                    break
                if time.monotonic() - t0 > RUN_TIMEOUT:
                    raise SystemExit(f"runs not ended in {RUN_TIMEOUT} s: {[r['state']['type'] for r in runs]}")
                time.sleep(1)
            if result.killed:
                runs += rerun_crashed(prefect.api, result, runs, corpus, index, t0)
            t1 = time.monotonic()
            sampler.sample_cpu()
            time.sleep(STATS_SETTLE_S)  # idle backends report their statistics within 10 s
        result.cpu_sites = time.process_time() - own0
        result.cpu_pg = tree_total(pg_postmaster(cluster)) - pg_cpu0
        result.cpu_server = tree_total(prefect.proc.pid) - server_cpu0  # type: ignore[union-attr]
        after = pg_stats(cluster.url, labels)
        result.stmts = statements(cluster.url, labels["index"])
        result.db = {label: {k: after[label][k] - before[label][k] for k in after[label]} for label in labels}
        result.waits_sampled = {label: (sampler.waiting_samples[label], sampler.max_waiting[label])
                                for label in ("index", "prefect", "other")}
        result.lock_types = dict(sampler.lock_types)
        result.samples = sampler.samples
        result.held = sampler.held_samples["index"]
        with open(log_path, "rb") as log:
            log.seek(log_start)
            result.still_waiting = log.read().count(b"still waiting for")
        result.cpu_workers = {w.name: sampler.cpu(w.name) for w in workers}
    finally:
        for w in workers:
            stop_group(w.proc)
    result.span = t1 - t0
    result.runs = runs
    result.wall = max(when(r["end_time"]) for r in runs) - min(when(r["start_time"]) for r in runs if r["start_time"])
    result.requests = sum(len(h.requests_between(t0, t1)) for h in hosts)
    result.check = corpus_check(corpus, index)
    per_source = result.check["per_source"]
    for w in workers:
        mine = ran_by(w.text(), runs)
        docs = sum(per_source.get(s, 0) for r in mine for s in (r.get("parameters") or {}).get("sources") or [])
        result.share[w.name] = (len(mine), docs)
    states = Counter(r["state"]["type"] for r in runs)
    print(f"[{n} worker(s)] runs {dict(states)}; wall {result.wall:.1f} s; {result.check['documents']} documents",
          file=sys.stderr)
    return result


def kill_worker(worker: Worker, runs: list[dict[str, Any]], corpus: Path, index: str,
                t0: float) -> dict[str, Any]:
    """SIGKILL to ``worker``'s process group and to the flow run it runs, with every process under
    it (a run's process has a group of its own), at once; {} while it runs none yet."""
    under = set(descendants(worker.proc.pid))
    for run in runs:
        _, _, pid = (run.get("infrastructure_pid") or "").rpartition(":")
        if run["state"]["type"] == "RUNNING" and pid.isdigit() and int(pid) in under:
            break
    else:
        return {}
    doomed = [worker.proc.pid, int(pid), *descendants(int(pid))]
    os.killpg(worker.proc.pid, signal.SIGKILL)
    for victim in doomed:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
    at, wall = time.monotonic(), time.time()
    sources = list((run.get("parameters") or {}).get("sources") or [])
    stored = corpus_check(corpus, index)["per_source"]
    print(f"killed worker {worker.name} and its run {run['name']} {at - t0:.0f} s after the start "
          f"({len(doomed)} processes)", file=sys.stderr)
    return {"worker": worker.name, "run": run["id"], "name": run["name"], "at": at - t0, "wall": wall,
            "sources": sources, "stored_before": sum(stored.get(s, 0) for s in sources), "processes": len(doomed)}


def rerun_crashed(api: str, result: Scenario, runs: list[dict[str, Any]], corpus: Path, index: str,
                  t0: float) -> list[dict[str, Any]]:
    """The killed run's deployment run once more when its sources are free (their leases expired),
    on the remaining workers; its flow run (ended) is returned."""
    killed = result.killed
    crashed = next(r for r in runs if r["id"] == killed["run"])
    killed["state"] = crashed["state"]["type"]
    killed["message"] = crashed["state"].get("message")
    killed["crashed_after"] = when(crashed["state"]["timestamp"]) - killed["wall"]
    while not sources_freed(api, killed, t0):
        if time.monotonic() - t0 - killed["at"] > SOURCE_LEASE_S * 3:
            raise SystemExit(f"the killed run's sources still held {SOURCE_LEASE_S * 3} s after the kill")
        time.sleep(1)
    again = api_post(api, f"/deployments/{crashed['deployment_id']}/create_flow_run", {"parameters": {}})
    while True:
        run = api_get(api, f"/flow_runs/{again['id']}")
        if run["state"]["type"] in TERMINAL:
            break
        if time.monotonic() - t0 > RUN_TIMEOUT:
            raise SystemExit(f"the next run of {crashed['name']} not ended in {RUN_TIMEOUT} s")
        time.sleep(1)
    stored = corpus_check(corpus, index)["per_source"]
    killed["next_state"] = run["state"]["type"]
    killed["stored_after"] = sum(stored.get(s, 0) for s in killed["sources"])
    print(f"the next run of the killed run's deployment: {run['state']['type']}", file=sys.stderr)
    return [run]


def sources_freed(api: str, killed: dict[str, Any], t0: float) -> bool:
    """Whether the killed run's sources are free again (``freed_after`` noted the first time)."""
    if "freed_after" not in killed:
        if any(active_slots(api, s) for s in killed["sources"]):
            return False
        killed["freed_after"] = time.monotonic() - t0 - killed["at"]
    return True


def ran_by(log: str, runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs a worker's log says it handed to its infrastructure (a worker that tried to take
    a run another worker had taken logs its id too, then an aborted submission)."""
    return [r for r in runs if f"Flow run '{r['name']}' submitted to infrastructure" in log]


def pg_postmaster(cluster: Any) -> int:
    return int((cluster.data / "postmaster.pid").read_text().split()[0])


# --- the report ---------------------------------------------------------------------------------

def report(results: list[Scenario], args: argparse.Namespace, expected: int, hosts: list[Host]) -> None:
    print(f"\nScale: {args.sites} sites ({hosts[0].ip} … {hosts[-1].ip}), {args.articles} articles each "
          f"({expected:,} expected), delay {args.delay:g} s, one group in {args.shards} shard deployments, "
          f"all runs started at once; Prefect server and index on PostgreSQL 15 (one cluster, no fsync); "
          f"{os.cpu_count()} cores\n")
    cols = [f"{r.workers} worker{'s' if r.workers > 1 else ''}" for r in results]
    width = max(24, *(len(c) for c in cols))

    def row(label: str, values: list[str]) -> None:
        print(f"{label:<44}" + "".join(f"{v:>{width}}" for v in values))

    def per_doc(r: Scenario, value: float, scale: float = 1000.0) -> str:
        return f"{value * scale / max(1, r.check['documents']):.1f}"

    row("", cols)
    print("-" * (44 + width * len(cols)))
    row("flow runs (states)", [",".join(f"{n} {s[:4].lower()}" for s, n in
                                        Counter(x["state"]["type"] for x in r.runs).items()) for r in results])
    row("wall s (first run start -> last run end)", [f"{r.wall:.1f}" for r in results])
    row("  runs created -> all terminal, s", [f"{r.span:.1f}" for r in results])
    row("  speed-up vs 1 worker", [f"{results[0].wall / r.wall:.2f}x" for r in results])
    row("requests (site servers)", [f"{r.requests:,}" for r in results])
    row("documents stored", [f"{r.check['documents']:,}" for r in results])
    row("  duplicates: same URL / same content", [f"{r.check['same_url']} / {r.check['same_content']}"
                                                 for r in results])
    row("  numbering gaps (numbers, files)", [str(r.check["gaps"]) for r in results])
    for k in range(max(r.workers for r in results)):
        name = f"w{k + 1}"
        row(f"worker {name}: flow runs / documents", [f"{r.share[name][0]} / {r.share[name][1]}" if name in r.share
                                                     else "-" for r in results])
    row("CPU s, worker trees", [f"{sum(r.cpu_workers.values()):.1f}" for r in results])
    row("CPU s, Prefect server", [f"{r.cpu_server:.1f}" for r in results])
    row("CPU s, PostgreSQL", [f"{r.cpu_pg:.1f}" for r in results])
    row("CPU s, site servers (this process)", [f"{r.cpu_sites:.1f}" for r in results])
    row("CPU ms per document: workers", [per_doc(r, sum(r.cpu_workers.values())) for r in results])
    row("  server / PostgreSQL / site servers", [f"{per_doc(r, r.cpu_server)} / {per_doc(r, r.cpu_pg)} / "
                                                 f"{per_doc(r, r.cpu_sites)}" for r in results])
    row("  all, per document", [per_doc(r, all_cpu(r)) for r in results])
    row("CPU busy, cores (all CPU / runs' span)", [f"{all_cpu(r) / r.span:.2f}" for r in results])
    for label in ("index", "prefect"):
        row(f"{label} db: commits / rollbacks", [f"{r.db[label]['commit']:,} / {r.db[label]['rollback']:,}"
                                                 for r in results])
        row("  commits per s (of wall)", [f"{r.db[label]['commit'] / r.wall:.1f}" for r in results])
        row("  commits per document", [f"{r.db[label]['commit'] / max(1, r.check['documents']):.1f}"
                                        for r in results])
        row("  blocks read / hit", [f"{r.db[label]['read']:,} / {r.db[label]['hit']:,}" for r in results])
        row("  rows inserted / updated", [f"{r.db[label]['inserted']:,} / {r.db[label]['updated']:,}"
                                           for r in results])
    for label in ("index", "prefect"):
        row(f"lock waits sampled, {label} db (samples, max)", [f"{r.waits_sampled[label][0]}/{r.samples}, "
                                                              f"{r.waits_sampled[label][1]}" for r in results])
    row("lock waits > 100 ms (server log)", [str(r.still_waiting) for r in results])
    row("index statements: calls per document", [f"{sum(c for c, _, _ in r.stmts) / max(1, r.check['documents']):.0f}"
                                                  for r in results])
    row("  write transactions per document", [f"{writes(r) / max(1, r.check['documents']):.2f}" for r in results])
    row("  write lock held, share of the run", [f"{r.held / max(1, r.samples):.0%}" for r in results])
    row("  write lock held per write transaction, ms", [f"{hold_ms(r):.1f}" for r in results])
    row("  write-lock ceiling, documents/s", [f"{ceiling(r):.0f}" for r in results])
    row("  documents/s seen", [f"{r.check['documents'] / r.wall:.1f}" for r in results])
    row("  execution ms per document, lock taking", [f"{lock_ms(r) / max(1, r.check['documents']):.2f}"
                                                     for r in results])
    row("  execution ms per document, the rest",
        [f"{(sum(t for _, t, _ in r.stmts) - lock_ms(r)) / max(1, r.check['documents']):.2f}" for r in results])
    print(f"\n(CPU: user + system from /proc; worker trees sampled every {SAMPLE_S:g} s, each process's last "
          f"sample; lock waits: pg_locks rows not granted, sampled every {SAMPLE_S:g} s; statements: "
          f"pg_stat_statements of the index database, reset before each scenario)")
    for r in results:
        types = ", ".join(f"{k} {v}" for k, v in sorted(r.lock_types.items())) or "none"
        print(f"\n{r.workers} worker(s): lock types waited for (summed over samples): {types}")
        print(f"  worker CPU s: {', '.join(f'{k} {v:.1f}' for k, v in r.cpu_workers.items())}")
        print("  heaviest index statements (calls, total ms, mean ms):")
        for calls, total, query in r.stmts[:6]:
            print(f"    {calls:>7} {total:>9.1f} {total / max(1, calls):>7.3f}  {query[:90]}")
        short = [h.name for h in hosts if r.check["per_source"].get(h.name, 0) != args.articles]
        if short:
            print("  sources with another count than " + str(args.articles) + ": "
                  + ", ".join(f"{s} {r.check['per_source'].get(s, 0)}" for s in short))
        bad = [x for x in r.runs if x["state"]["type"] != "COMPLETED"]
        for x in bad:
            print(f"  run {x['name']} {x['state']['type']}: {x['state'].get('message')}")
        if r.killed:
            kd = r.killed
            print(f"  killed: worker {kd['worker']} and run {kd['name']} ({len(kd['sources'])} sources, "
                  f"{kd['processes']} processes) {kd['at']:.0f} s after the start, when it had stored "
                  f"{kd['stored_before']} documents; {kd['state']} {kd['crashed_after']:.0f} s later "
                  f"({kd['message']}); its sources free {kd['freed_after']:.0f} s after the kill; its next run "
                  f"{kd['next_state']}, the sources then holding {kd['stored_after']} documents "
                  f"(expected {len(kd['sources']) * args.articles})")


def all_cpu(r: Scenario) -> float:
    """CPU seconds of everything measured: workers, Prefect server, PostgreSQL, site servers."""
    return sum(r.cpu_workers.values()) + r.cpu_server + r.cpu_pg + r.cpu_sites


def writes(r: Scenario) -> int:
    """Write transactions on the index: the calls that take its write lock."""
    return sum(c for c, _, q in r.stmts if "pg_advisory_xact_lock" in q)


def lock_ms(r: Scenario) -> float:
    """Execution time of the statements that take the write lock: the time waited for it."""
    return sum(t for _, t, q in r.stmts if "pg_advisory_xact_lock" in q)


def hold_ms(r: Scenario) -> float:
    """Mean time a write transaction holds the index's write lock: the share of samples that
    found it held, times the run's time, over the write transactions."""
    return r.held / max(1, r.samples) * r.span * 1000 / max(1, writes(r))


def ceiling(r: Scenario) -> float:
    """Documents per second the write lock would let through if it were held all the time."""
    per_doc = hold_ms(r) * writes(r) / max(1, r.check["documents"])
    return 1000 / per_doc if per_doc else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=36, help="sites, one per loopback address (default 36)")
    parser.add_argument("--articles", type=int, default=40, help="articles per site (default 40)")
    parser.add_argument("--delay", type=float, default=1.0, help="each source's delay, seconds (default 1)")
    parser.add_argument("--shards", type=int, default=6, help="shard deployments of the group (default 6)")
    parser.add_argument("--workers", default="1,2,3", help="numbers of workers, one scenario each (default 1,2,3)")
    parser.add_argument("--kill-after", type=float, default=0, metavar="S",
                        help="with 2 workers or more: kill -9 worker w1 and its run S seconds after the start "
                             "(default 0: no kill)")
    parser.add_argument("--keep", metavar="DIR", help="keep the corpora, logs and the cluster's log here")
    args = parser.parse_args()
    if not 1 <= args.sites <= 250:
        parser.error("--sites must be 1 to 250 (127.0.0.2 to 127.0.0.251)")
    if args.delay <= 0:
        parser.error("--delay must be positive: politeness on")
    counts = [int(n) for n in args.workers.split(",")]

    import pgserver

    from realpages import ARCHIVE, CACHE, unpack

    unpack(ARCHIVE, CACHE)
    from crawlers.netguard import install

    install()  # this process talks to loopback only
    tmp_ctx = tempfile.TemporaryDirectory(prefix="harvest-scale-")
    tmp = Path(args.keep).resolve() if args.keep else Path(tmp_ctx.name)
    if args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    hosts = [Host(i, f"127.0.0.{i + 2}") for i in range(args.sites)]
    for h in hosts:
        h.bind()
    real = calibrated(candidates(), tmp)
    build_sites(hosts, args.articles, real)
    config = tmp / "sources.yaml"
    config.write_text("sources:\n" + "".join(
        f"  - name: {h.name}\n    url: {h.base}/\n    delay: {args.delay:g}\n    group: {GROUP}\n"
        f"    schedule: '{FAR_CRON}'\n" for h in hosts), encoding="utf-8")
    base_env = {**os.environ, "HARVEST_LOOPBACK_ONLY": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "HARVEST_CONTACT": os.environ.get("HARVEST_CONTACT", "benchmark@localgov-harvest.invalid")}
    for key in ("HARVEST_CONFIG", "HARVEST_CORPUS", "HARVEST_CLEAN_WORKERS", "HARVEST_INDEX", "PREFECT_API_URL"):
        base_env.pop(key, None)

    bindir = pgserver.find_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL server binaries")
    pgserver.SETTINGS = {**pgserver.SETTINGS, **PG_EXTRA}  # read by Cluster.start
    cluster = pgserver.Cluster(bindir)
    results: list[Scenario] = []
    for h in hosts:
        h.start()
    try:
        cluster.start()
        admin(cluster.url, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        prefect_db = pgserver.create_database(cluster.url)
        print(f"PostgreSQL on port {cluster.port}; prefect server starting …", file=sys.stderr)
        with PrefectServer(tmp / "prefect-server", prefect_db) as prefect:
            for n in counts:
                results.append(run_scenario(n, args, tmp, config, hosts, cluster, prefect, base_env))
    finally:
        for h in hosts:
            h.stop()
        if args.keep and (cluster.folder / "server.log").exists():
            shutil.copy(cluster.folder / "server.log", tmp / "postgresql.log")
        cluster.stop()
    if args.keep:  # the figures, for a second look
        (tmp / "results.json").write_text(json.dumps([r.__dict__ for r in results], indent=1, default=str),
                                          encoding="utf-8")
    report(results, args, args.sites * args.articles, hosts)
    print(f"\n$ python benchmarks/bench_scale.py --sites {args.sites} --articles {args.articles} "
          f"--delay {args.delay:g} --shards {args.shards} --workers {args.workers}"
          + (f" --kill-after {args.kill_after:g}" if args.kill_after else ""))
    if not args.keep:
        tmp_ctx.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
