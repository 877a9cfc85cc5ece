"""The local Prefect server of `harvest crawl` with no PREFECT_API_URL (flows/localserver.py),
real processes throughout: the first crawl starts and records it, the next reuse it, `harvest
server stop` stops it, a stale record is replaced, two crawls started at once start one server,
an unused server stops itself, and HARVEST_PREFECT_SERVER=temporary keeps Prefect's temporary
server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from flows.localserver import LOG, RECORD, SERVER_DIR, healthy, in_use, read_record
from tests.conftest import write_config
from tests.test_crawl_e2e import site_entry

pytestmark = pytest.mark.slow

STARTED = "harvest: started the local Prefect server at "


def harvest(*args: str, home: Path, cwd: Path, env_extra: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_HOME": str(home), **(env_extra or {})}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def crawl_args(tmp_path: Path, site: Any, corpus: str = "corpus") -> list[str]:
    config = write_config(tmp_path / "sources.yaml", site_entry("wp", f"{site.url}/en/", "    max_pages: 2\n"))
    return ["crawl", "--config", str(config), "--corpus", str(tmp_path / corpus), "--retries", "0"]


def servers(folder: Path) -> list[int]:
    """Pids of the live local-server processes of ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"flows.localserver" in cmdline and str(folder).encode() in cmdline:
            found.append(int(entry.name))
    return found


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_first_crawl_starts_the_server_the_next_reuses_it_and_server_stop_stops_it(
        tmp_path: Path, wordpress_site: Any) -> None:
    home = tmp_path / "prefect-home"
    folder = home / SERVER_DIR
    assert harvest("server", "status", home=home, cwd=tmp_path).stdout == "local Prefect server: not running\n"

    first = harvest(*crawl_args(tmp_path, wordpress_site), home=home, cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stderr.count(STARTED) == 1, first.stderr
    record = read_record(folder)
    assert record and record["url"] == f"http://127.0.0.1:{record['port']}/api", record
    assert servers(folder) == [record["pid"]] and healthy(record["url"])
    assert (folder / LOG).is_file()

    second = harvest(*crawl_args(tmp_path, wordpress_site, "corpus-2"), home=home, cwd=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert STARTED not in second.stderr
    assert read_record(folder) == record and servers(folder) == [record["pid"]]

    status = harvest("server", "status", home=home, cwd=tmp_path)
    assert status.returncode == 0 and f"{record['url']} pid {record['pid']}, up " in status.stdout, status.stdout

    stopped = harvest("server", "stop", home=home, cwd=tmp_path)
    assert stopped.returncode == 0 and stopped.stdout == f"local Prefect server stopped (pid {record['pid']})\n"
    assert servers(folder) == [] and not (folder / RECORD).exists()
    assert harvest("server", "status", home=home, cwd=tmp_path).stdout == "local Prefect server: not running\n"
    assert harvest("server", "stop", home=home, cwd=tmp_path).stdout == "local Prefect server: not running\n"


@pytest.mark.parametrize("stale", ["dead-pid", "other-process-and-port"])
def test_a_stale_record_is_replaced(tmp_path: Path, wordpress_site: Any, stale: str) -> None:
    home = tmp_path / "prefect-home"
    folder = home / SERVER_DIR
    folder.mkdir(parents=True)
    if stale == "dead-pid":
        port = 9  # nothing answers there
        pid = dead_pid()
    else:  # a live process that is not the server; its port answers, but not Prefect's API
        port = int(wordpress_site.url.rsplit(":", 1)[1])
        pid = os.getpid()
    (folder / RECORD).write_text(json.dumps({"url": f"http://127.0.0.1:{port}/api", "pid": pid, "port": port,
                                             "started": time.time(), "idle": 600}), encoding="utf-8")
    run = harvest(*crawl_args(tmp_path, wordpress_site), home=home, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr.count(STARTED) == 1, run.stderr
    record = read_record(folder)
    assert record and record["pid"] != pid and servers(folder) == [record["pid"]] and healthy(record["url"])
    assert harvest("server", "stop", home=home, cwd=tmp_path).returncode == 0
    assert servers(folder) == []


def test_two_crawls_started_at_once_start_one_server(tmp_path: Path, wordpress_site: Any) -> None:
    home = tmp_path / "prefect-home"
    folder = home / SERVER_DIR
    env = {**os.environ, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    procs = [subprocess.Popen([sys.executable, "-m", "flows.cli", *crawl_args(tmp_path, wordpress_site, f"c{i}")],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, out + err
    assert sum(err.count(STARTED) for _, err in outputs) == 1, [err for _, err in outputs]
    record = read_record(folder)
    assert record and servers(folder) == [record["pid"]]
    assert harvest("server", "stop", home=home, cwd=tmp_path).returncode == 0


def test_server_stop_leaves_a_server_in_use_unless_forced_and_an_unused_server_stops_itself(
        tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"
    folder = home / SERVER_DIR
    started = harvest("server", "start", home=home, cwd=tmp_path)
    assert started.returncode == 0 and started.stderr.count(STARTED) == 1, started.stdout + started.stderr
    pid = read_record(folder)["pid"]
    with in_use(folder):  # as a running crawl holds it
        busy = harvest("server", "stop", home=home, cwd=tmp_path)
        assert busy.returncode == 1 and "in use" in busy.stdout, busy.stdout + busy.stderr
        assert servers(folder) == [pid]
        forced = harvest("server", "stop", "--force", home=home, cwd=tmp_path)
        assert forced.returncode == 0 and servers(folder) == [], forced.stdout + forced.stderr

    again = harvest("server", "start", home=home, cwd=tmp_path, env_extra={"HARVEST_SERVER_IDLE": "2"})
    assert again.returncode == 0, again.stdout + again.stderr
    pid = read_record(folder)["pid"]
    assert servers(folder) == [pid]
    deadline = time.monotonic() + 30
    while servers(folder) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert servers(folder) == [], (folder / LOG).read_text()
    assert "unused for 2 s: stopping" in (folder / LOG).read_text()
    assert not (folder / RECORD).exists()


def test_the_temporary_server_is_kept_on_request_and_a_bad_choice_is_a_usage_error(
        tmp_path: Path, wordpress_site: Any) -> None:
    home = tmp_path / "prefect-home"
    run = harvest(*crawl_args(tmp_path, wordpress_site), home=home, cwd=tmp_path,
                  env_extra={"HARVEST_PREFECT_SERVER": "temporary"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert STARTED not in run.stderr and not (home / SERVER_DIR / RECORD).exists()
    assert servers(home / SERVER_DIR) == []
    bad = harvest(*crawl_args(tmp_path, wordpress_site), home=home, cwd=tmp_path,
                  env_extra={"HARVEST_PREFECT_SERVER": "remote"})
    assert bad.returncode == 2 and bad.stderr.splitlines()[-1] == (
        "harvest: HARVEST_PREFECT_SERVER: must be 'local' or 'temporary', got 'remote'"), bad.stderr
