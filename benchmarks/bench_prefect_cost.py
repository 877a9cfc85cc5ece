"""Benchmark: Prefect's fixed cost per `harvest crawl`, by the Prefect server the crawl uses.

    python benchmarks/bench_prefect_cost.py [--repeat 3]

A small local site (the WordPress test site of tests/sites, served on 127.0.0.1) is crawled
into an empty corpus each time, in one run, side by side:

1. the crawl alone: ``python -m crawlers.run`` (no Prefect at all);
2. ``harvest crawl`` with Prefect's temporary server (``HARVEST_PREFECT_SERVER=temporary``), in
   its own process (``HARVEST_FORK_SERVER=0``): the former way;
3. ``harvest crawl`` with the local server, cold (the first crawl starts it and the fork server);
4. ``harvest crawl`` with the local server, warm (both run already and are reused);
5. ``harvest crawl`` against an already-running configured server (``prefect server start``,
   ``PREFECT_API_URL``), its fork server warm;
6. ``harvest crawl`` with the local server warm but no fork server (``HARVEST_FORK_SERVER=0``:
   the command imports Prefect itself).

``harvest crawl`` is the installed command (``python -m flows.launch``): a thin client whose
crawl runs in a child of the fork server (flows/forkserver.py). The child and its processes are
the command's; the fork server, as the local and the configured Prefect servers, is a server:
its CPU during the command and its PSS are printed apart and its CPU is counted in the cost.

For each: wall seconds, CPU seconds of all the command's processes, peak PSS of its process
tree (see ``measure``), and the difference to the crawl alone. A server that outlives the
command (local or configured) is measured apart: its CPU seconds during the command and its
PSS. Every Prefect home is a fresh temporary folder; every server started is stopped.

The crawl alone, the warm, the configured and the unforked runs are measured in ``--repeat``
rounds of the four in turn (a change of the machine's load touches each alike), and their medians printed;
the temporary and the cold runs once. Targets (the issue): Prefect's fixed cost per crawl
<= 2 s wall and <= 2 s CPU beyond the crawl itself (the command's CPU and the server's CPU
during it), and <= 150 MB PSS (the command's tree; the server's own PSS is printed beside it:
it stays between crawls).
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_speed import cpu_seconds, descendants, tree_memory  # noqa: E402
from testing.localsite import LocalSite  # noqa: E402

SITE = ROOT / "tests" / "sites" / "wordpress"
TARGET_WALL, TARGET_CPU, TARGET_PSS = 2.0, 2.0, 150 * 2**20
MB = 2**20


@dataclass
class Measure:
    """One run of a command: wall and CPU seconds, peak PSS of its tree, and what a server
    outside the command spent meanwhile (CPU seconds, PSS at the end)."""

    wall: float
    cpu: float
    pss: int
    server_cpu: float = 0.0
    server_pss: int = 0


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pss_of(pid: int, children: bool = True) -> int:
    """PSS in bytes of ``pid`` and (``children``) its descendants."""
    if children:
        return tree_memory(pid)[1]
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return next((int(line.split()[1]) * 1024 for line in fh if line.startswith("Pss:")), 0)
    except (OSError, ValueError):
        return 0


def fork_servers(env: dict[str, str]) -> list[int]:
    """Live fork servers (flows/forkserver.py) of the Prefect home of ``env``: they outlive the
    command, their children are the command's crawl."""
    from flows.forkserver import folder_of, running

    return running(folder_of(env))


def own_and_children_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds of ``pid`` itself and of the children it has waited for (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def measure(cmd: list[str], env: dict[str, str], server_pid: int | None = None) -> Measure:
    """Run ``cmd`` with ``env``: wall seconds; CPU seconds of its processes, the larger of two
    lower bounds, ``getrusage`` of the children it waited for and the last sample of each
    process of its tree (``bench_speed.cpu_seconds``, as ``run_measured``: a process that is not
    waited for, such as a cleaning worker, is seen there only); peak PSS of its tree
    (``bench_speed.tree_memory``, every 0.1 s: a crawl of a small site lasts 1–2 s).

    ``harvest crawl`` runs as a child of a fork server (flows/forkserver.py) that outlives it:
    the child and its descendants are the command's (PSS sampled with its tree; CPU exactly, as
    the CPU of the children the fork server waited for, which it does before the command
    ends), the fork server itself is a server (its own CPU meanwhile — all of it when the
    command started it — and its PSS), as the long-lived Prefect server ``server_pid`` (if any)."""
    peak, server_peak = 0, 0
    seen: dict[int, float] = {}
    done = threading.Event()
    server_cpu0 = (cpu_seconds(server_pid) or 0.0) if server_pid else 0.0
    forks0 = {pid: own_and_children_cpu(pid) for pid in fork_servers(env)}
    forks_seen: dict[int, tuple[float, float]] = {}
    cpu0, t0 = children_cpu(), time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        nonlocal peak, server_peak
        while not done.is_set():
            forks = fork_servers(env)
            tree = [pid for pid in (proc.pid, *descendants(proc.pid)) if not outlives(pid)]
            served = [pid for fork in forks for pid in descendants(fork) if not outlives(pid)]
            peak = max(peak, sum(pss_of(pid, children=False) for pid in (*tree, *served)))
            for pid in tree:
                value = cpu_seconds(pid)
                if value is not None:
                    seen[pid] = value
            for fork in forks:
                forks_seen[fork] = own_and_children_cpu(fork)
            servers = sum(pss_of(fork, children=False) for fork in forks)
            if server_pid:
                servers += pss_of(server_pid)
            server_peak = max(server_peak, servers)
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.monotonic() - t0
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[:5]} failed ({proc.returncode}): {err[-2000:]}")
    cpu = max(children_cpu() - cpu0, sum(seen.values()))
    server_cpu = (cpu_seconds(server_pid) or 0.0) - server_cpu0 if server_pid else 0.0
    servers = 0
    for fork in {*forks_seen, *fork_servers(env)}:
        own, waited = own_and_children_cpu(fork) if Path(f"/proc/{fork}").exists() else forks_seen[fork]
        own0, waited0 = forks0.get(fork, (0.0, 0.0))
        cpu += waited - waited0
        server_cpu += own - own0
        servers += pss_of(fork, children=False)
    if not server_pid and not forks_seen:
        return Measure(wall, cpu, peak)
    server_peak = max(server_peak, servers + (pss_of(server_pid) if server_pid else 0))
    return Measure(wall, cpu, peak, server_cpu, server_peak)


def outlives(pid: int) -> bool:
    """Whether ``pid`` is a local Prefect server or a fork server (a child of the cold crawl
    that started it, measured apart)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"flows.localserver" in cmdline or b"flows.forkserver" in cmdline


def median(runs: list[Measure]) -> Measure:
    return Measure(*(statistics.median(getattr(r, f) for r in runs)
                     for f in ("wall", "cpu", "pss", "server_cpu", "server_pss")))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_health(api: str, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server start exited ({proc.returncode})")
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"prefect server did not answer in {timeout:g} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the crawl alone, warm and configured (median)")
    args = parser.parse_args()
    from flows.forkserver import stop_all
    from flows.localserver import SERVER_DIR, read_record, stop

    tmp = Path(tempfile.mkdtemp(prefix="bench-prefect-cost-"))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "HARVEST_PREFECT", "HARVEST_SERVER"))}
    base.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", HARVEST_CONTACT=os.environ.get(
        "HARVEST_CONTACT", "bench@localgov-harvest.invalid"), HARVEST_LOOPBACK_ONLY="1")
    runs = iter(range(10**6))
    results: dict[str, Measure] = {}
    configured: subprocess.Popen[bytes] | None = None
    local_home = tmp / "home-local"
    with LocalSite(SITE) as site:
        config = tmp / "sources.yaml"
        config.write_text(f"sources:\n  - name: wp\n    url: {site.url}/\n    delay: 0\n", encoding="utf-8")

        def crawl(env: dict[str, str], server_pid: int | None = None) -> Measure:
            corpus = tmp / f"corpus-{next(runs)}"
            # The installed `harvest` command (flows/launch.py): through the fork server unless
            # HARVEST_FORK_SERVER=0.
            return measure([sys.executable, "-m", "flows.launch", "crawl", "--config", str(config),
                            "--corpus", str(corpus)], env, server_pid)

        def alone() -> Measure:
            corpus = tmp / f"corpus-{next(runs)}"
            return measure([sys.executable, "-m", "crawlers.run", "wp", "--config", str(config),
                            "--corpus", str(corpus)], {**base, "PREFECT_HOME": str(tmp / "home-alone")})

        try:
            alone()  # imports and disk caches warm before anything is compared
            temporary = crawl({**base, "PREFECT_HOME": str(tmp / "home-temporary"),
                               "HARVEST_PREFECT_SERVER": "temporary", "HARVEST_FORK_SERVER": "0"})

            local = {**base, "PREFECT_HOME": str(local_home)}
            cold = crawl(local)
            record = read_record(local_home / SERVER_DIR)
            if not record:
                raise RuntimeError("the cold crawl left no local server record")
            pid = int(record["pid"])
            cold.server_cpu += cpu_seconds(pid) or 0.0
            cold.server_pss += pss_of(pid)

            home = tmp / "home-configured"
            port = free_port()
            api = f"http://127.0.0.1:{port}/api"
            configured = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                env={**base, "PREFECT_HOME": str(home), "PREFECT_UI_ENABLED": "false"},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            wait_health(api, configured)
            remote = {**base, "PREFECT_HOME": str(home), "PREFECT_API_URL": api}
            crawl(remote, configured.pid)  # its first flow run (the flow registered)
            # Rounds of the three compared runs, one after the other: a change in the machine's
            # load meanwhile touches each of them alike.
            unforked = {**local, "HARVEST_FORK_SERVER": "0"}
            rounds = [(alone(), crawl(local, pid), crawl(remote, configured.pid), crawl(unforked, pid))
                      for _ in range(args.repeat)]
            results["crawl alone (python -m crawlers.run)"] = median([r[0] for r in rounds])
            results["harvest crawl, temporary server"] = temporary
            results["harvest crawl, local server cold (started)"] = cold
            results["harvest crawl, local server warm (reused)"] = median([r[1] for r in rounds])
            results["harvest crawl, configured server (running)"] = median([r[2] for r in rounds])
            results["local server warm, no fork server"] = median([r[3] for r in rounds])
        finally:
            stop(local_home / SERVER_DIR, force=True)
            stop_all(tmp / "home-configured" / SERVER_DIR)
            if configured:
                os.killpg(configured.pid, signal.SIGTERM)
                try:
                    configured.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(configured.pid, signal.SIGKILL)

    first = results["crawl alone (python -m crawlers.run)"]
    print(f"site: {SITE.relative_to(ROOT)} ({len(site.requests)} requests served); median of {args.repeat} runs "
          "for the crawl alone, warm and configured; CPU = all processes of the command; server = a server "
          "that outlives the command, during it")
    head = (f"{'':44} {'wall s':>7} {'CPU s':>6} {'PSS MB':>7} {'server CPU s':>12} {'server PSS MB':>13}"
            f" {'Δwall s':>8} {'ΔCPU s':>7} {'ΔPSS MB':>8}  target")
    print(head)
    print("-" * len(head))
    for name, m in results.items():
        dwall, dcpu, dpss = m.wall - first.wall, m.cpu + m.server_cpu - first.cpu, m.pss - first.pss
        verdict = ""
        if m is not first:
            ok = dwall <= TARGET_WALL and dcpu <= TARGET_CPU and dpss <= TARGET_PSS
            verdict = "PASS" if ok else "FAIL"
        server = (f"{m.server_cpu:12.2f} {m.server_pss / MB:13.0f}" if m.server_pss else f"{'-':>12} {'-':>13}")
        print(f"{name:44} {m.wall:7.2f} {m.cpu:6.2f} {m.pss / MB:7.0f} {server}"
              + (f" {dwall:+8.2f} {dcpu:+7.2f} {dpss / MB:+8.0f}  {verdict}" if m is not first else ""))
    print(f"\nload average (1, 5, 15 min) at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    print(f"targets beyond the crawl alone: <= {TARGET_WALL:g} s wall, <= {TARGET_CPU:g} s CPU (command + server "
          f"during it), <= {TARGET_PSS // MB} MB PSS of the command's processes")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
