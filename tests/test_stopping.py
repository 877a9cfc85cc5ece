"""`harvest crawl` stopped by a signal, as a terminal or a service manager stops it: with no
Prefect server configured (Prefect's temporary server is used), Ctrl-C (SIGINT) or SIGTERM to
the command's process group ends it within 10 s, it prints what was stored, leaves no process
behind, and the next crawl stores what the interrupted one did not."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testing.faultsite import FaultSite, NewsSite, generated_article, slow
from tests.conftest import write_config
from tests.test_crawl_e2e import site_entry

pytestmark = pytest.mark.slow


def stored(corpus: Path, base: str) -> list[str]:
    if not (corpus / "index.sqlite").exists():
        return []
    db = sqlite3.connect(corpus / "index.sqlite")
    try:
        return sorted(r[0] for r in db.execute("SELECT url FROM documents WHERE url LIKE ?", (base + "%",)))
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()


def processes_with(env_entry: str) -> list[str]:
    """Command lines of the live processes whose environment holds ``env_entry`` (NAME=value):
    the command, its crawls, their cleaning workers and Prefect's temporary server all do."""
    found = []
    wanted = env_entry.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if wanted in environ and state != "Z":
            found.append(f"{entry.name}: {cmdline}")
    return found


def harvest_crawl(config: Path, corpus: Path, home: Path, log: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "crawl", "--config", str(config), "--corpus",
                             str(corpus)], cwd=config.parent, env=env, stdout=subprocess.PIPE,
                            stderr=open(log, "w"), text=True, start_new_session=True)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_crawl_stopped_by_a_signal_exits_fast_says_what_it_stored_and_the_next_crawl_resumes(
        tmp_path: Path, seeded_corpus: Path, signum: int) -> None:
    fast = [generated_article(i, prefix="stop") for i in range(6)]
    held = [generated_article(i, prefix="stop") for i in range(6, 10)]
    with FaultSite() as site:
        news = NewsSite(site, articles=fast + held)
        slow_paths = [news.path(a) for a in held]
        originals = {p: site.find(p, "") for p in slow_paths}
        for path in slow_paths:  # these pages take a minute to answer
            site.route(path, slow(60, originals[path]))
        config = write_config(tmp_path / "sources.yaml", site_entry("stoppable", news.url))
        home = tmp_path / "prefect-home"
        log = tmp_path / "crawl-1.log"
        proc = harvest_crawl(config, seeded_corpus, home, log)
        deadline = time.monotonic() + 180
        while len(stored(seeded_corpus, site.url)) < len(fast) or not site.hits(path=slow_paths[0]):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the fast articles were not stored in time:\n" + log.read_text()
            time.sleep(0.2)
        before = stored(seeded_corpus, site.url)
        t0 = time.monotonic()
        os.killpg(proc.pid, signum)  # what the terminal (Ctrl-C) or a service manager does
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("harvest crawl did not exit within 30 s of the signal:\n" + log.read_text())
        seconds = time.monotonic() - t0
        err = log.read_text()
        assert seconds < 10, f"harvest crawl took {seconds:.1f} s to exit\n{err}"
        assert proc.returncode == (130 if signum == signal.SIGINT else 143), err
        # What was stored is printed: the table, with the new items of the interrupted source.
        row = next(line for line in out.splitlines() if line.startswith("stoppable "))
        assert row.split()[1] == "interrupted" and int(row.split()[4]) == len(before), out
        assert "stoppable: INTERRUPTED:" in out
        assert "Traceback" not in err, err
        # Nothing is left running: no crawl process, no cleaning worker, no temporary server.
        time.sleep(1)
        assert not processes_with(f"PREFECT_HOME={home}"), processes_with(f"PREFECT_HOME={home}")

        for path in slow_paths:  # the site answers at once now
            site.route(path, originals[path])
        again = subprocess.run([sys.executable, "-m", "flows.cli", "crawl", "stoppable", "--config", str(config),
                                "--corpus", str(seeded_corpus)], cwd=tmp_path, capture_output=True, text=True,
                               timeout=300, env={**{k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"},
                                                 "PREFECT_HOME": str(home)})
    assert again.returncode == 0, again.stdout + again.stderr
    assert stored(seeded_corpus, site.url) == sorted(site.url + news.path(a) for a in fast + held)
    row = next(line for line in again.stdout.splitlines() if line.startswith("stoppable "))
    assert int(row.split()[4]) == len(held), again.stdout
