"""`harvest crawl` through the fork server (flows/forkserver.py), real processes throughout, as
the installed `harvest` command runs it (``python -m flows.launch``): the first crawl starts the
fork server and the next is a child of the same one, with the command's output, exit status
and errors; Ctrl-C to the command stops the crawl cleanly; a command killed with SIGKILL has
its crawl stopped and the next crawl stores the rest; `harvest server stop` stops the fork
server; ``HARVEST_FORK_SERVER=0`` runs the crawl in the command's own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from flows.forkserver import LOG
from flows.localserver import SERVER_DIR
from testing.faultsite import FaultSite, NewsSite, generated_article, slow
from tests.conftest import write_config
from tests.test_crawl_e2e import site_entry
from tests.test_stopping import stored

pytestmark = pytest.mark.slow


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "PREFECT_HOME": str(home), **extra}
    env.pop("PREFECT_API_URL", None)
    return env


def harvest(*args: str, home: Path, cwd: Path, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flows.launch", *args], cwd=cwd, env=environment(home, **extra),
                          capture_output=True, text=True, timeout=timeout)


def fork_servers(folder: Path) -> list[int]:
    """Pids of the live fork-server processes of ``folder`` (not zombies; not their children,
    the commands, which have the same command line)."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:
            continue
        if b"flows.forkserver" in cmdline and str(folder).encode() in cmdline and state != "Z":
            found[int(entry.name)] = int(ppid)
    return sorted(pid for pid, ppid in found.items() if ppid not in found)


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def crawl_args(tmp_path: Path, site: Any, corpus: str) -> list[str]:
    config = write_config(tmp_path / "sources.yaml", site_entry("wp", f"{site.url}/"))
    return ["crawl", "--config", str(config), "--corpus", str(tmp_path / corpus), "--retries", "0"]


def test_the_first_crawl_starts_the_fork_server_and_the_next_runs_in_a_child_of_it(
        tmp_path: Path, wordpress_site: Any) -> None:
    home = tmp_path / "prefect-home"
    folder = home / SERVER_DIR
    first = harvest(*crawl_args(tmp_path, wordpress_site, "corpus-1"), home=home, cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.splitlines()[0].split()[:2] == ["source", "status"], first.stdout
    assert next(line for line in first.stdout.splitlines() if line.startswith("wp ")).split()[1] == "ok", first.stdout
    assert "full logs: " in first.stderr, first.stderr
    servers = fork_servers(folder)
    assert len(servers) == 1, (servers, (folder / LOG).read_text())
    assert (folder / LOG).read_text().count(" serving (pid ") == 1
    assert stored(tmp_path / "corpus-1", wordpress_site.url)

    second = harvest(*crawl_args(tmp_path, wordpress_site, "corpus-2"), home=home, cwd=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert fork_servers(folder) == servers, (folder / LOG).read_text()
    assert (folder / LOG).read_text().count(" serving (pid ") == 1
    assert stored(tmp_path / "corpus-2", wordpress_site.url) == stored(tmp_path / "corpus-1", wordpress_site.url)

    # The command's errors, exit status and usage come back as the command's own.
    missing = harvest("crawl", "--config", str(tmp_path / "nope.yaml"), home=home, cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.startswith("harvest: "), missing.stderr
    assert "nope.yaml" in missing.stderr and missing.stdout == ""
    usage = harvest("crawl", "--jobs", "many", home=home, cwd=tmp_path)
    assert usage.returncode == 2 and "invalid int value: 'many'" in usage.stderr, usage.stderr
    assert fork_servers(folder) == servers

    # Another Prefect home is another key: a fork server of its own.
    other = tmp_path / "other-home"
    third = harvest(*crawl_args(tmp_path, wordpress_site, "corpus-3"), home=other, cwd=tmp_path)
    assert third.returncode == 0, third.stdout + third.stderr
    assert len(fork_servers(other / SERVER_DIR)) == 1 and fork_servers(folder) == servers

    status = harvest("server", "status", home=home, cwd=tmp_path)
    assert f"fork servers of harvest crawl: pid {servers[0]} " in status.stdout, status.stdout
    assert "local Prefect server: http://127.0.0.1:" in status.stdout, status.stdout

    # `harvest server stop` stops the local Prefect server and the fork servers with it.
    stop = harvest("server", "stop", home=home, cwd=tmp_path)
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert fork_servers(folder) == []
    assert "stopped" in (folder / LOG).read_text().splitlines()[-1]


def test_with_the_fork_server_off_the_crawl_runs_in_the_command(tmp_path: Path, wordpress_site: Any) -> None:
    home = tmp_path / "prefect-home"
    run = harvest(*crawl_args(tmp_path, wordpress_site, "corpus"), home=home, cwd=tmp_path, HARVEST_FORK_SERVER="0")
    assert run.returncode == 0, run.stdout + run.stderr
    assert stored(tmp_path / "corpus", wordpress_site.url)
    assert fork_servers(home / SERVER_DIR) == [] and not (home / SERVER_DIR / LOG).exists()


def _slow_site(site: FaultSite, fast: int, held: int) -> tuple[NewsSite, list[str], dict[str, Any]]:
    articles = [generated_article(i, prefix="forked") for i in range(fast + held)]
    news = NewsSite(site, articles=articles)
    slow_paths = [news.path(a) for a in articles[fast:]]
    originals = {p: site.find(p, "") for p in slow_paths}
    for path in slow_paths:  # these pages take a minute to answer
        site.route(path, slow(60, originals[path]))
    return news, slow_paths, originals


@pytest.mark.parametrize("how", ["ctrl-c", "kill-9"])
def test_a_signal_to_the_command_reaches_its_crawl_and_the_next_crawl_resumes(
        tmp_path: Path, seeded_corpus: Path, how: str) -> None:
    home = tmp_path / "prefect-home"
    folder = home / SERVER_DIR
    fast, held = 5, 3
    with FaultSite() as site:
        news, slow_paths, originals = _slow_site(site, fast, held)
        config = write_config(tmp_path / "sources.yaml", site_entry("stoppable", news.url))
        log = tmp_path / "crawl-1.log"
        args = [sys.executable, "-m", "flows.launch", "crawl", "--config", str(config), "--corpus", str(seeded_corpus)]
        proc = subprocess.Popen(args, cwd=tmp_path, env=environment(home), stdout=subprocess.PIPE,
                                stderr=open(log, "w"), text=True, start_new_session=True)
        deadline = time.monotonic() + 180
        while len(stored(seeded_corpus, site.url)) < fast or not site.hits(path=slow_paths[0]):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the fast articles were not stored in time:\n" + log.read_text()
            time.sleep(0.2)
        [server] = fork_servers(folder)
        [child] = children_of(server)  # the command's child, crawling
        before = stored(seeded_corpus, site.url)
        t0 = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT if how == "ctrl-c" else signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        if how == "ctrl-c":
            assert time.monotonic() - t0 < 10, log.read_text()
            assert proc.returncode == 130, log.read_text()
            row = next(line for line in out.splitlines() if line.startswith("stoppable "))
            assert row.split()[1] == "interrupted" and int(row.split()[4]) == len(before), out
            assert "Traceback" not in log.read_text()
        else:
            assert proc.returncode == -signal.SIGKILL
        # The child ends (SIGTERM from the fork server when the command died), its crawl with it.
        deadline = time.monotonic() + 30
        while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not Path(f"/proc/{child}").exists(), (folder / LOG).read_text()
        assert fork_servers(folder) == [server]
        assert children_of(server) == []

        for path in slow_paths:  # the site answers at once now
            site.route(path, originals[path])
        again = subprocess.run([*args[:4], "stoppable", *args[4:]], cwd=tmp_path, env=environment(home),
                               capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(stored(seeded_corpus, site.url)) == fast + held, again.stdout
    assert fork_servers(folder) == [server]


def test_a_fork_server_killed_under_a_command_lets_it_finish_and_the_next_crawl_starts_another(
        tmp_path: Path, seeded_corpus: Path) -> None:
    home = tmp_path / "prefect-home"
    folder = home / SERVER_DIR
    fast, held = 4, 2
    with FaultSite() as site:
        articles = [generated_article(i, prefix="orphan") for i in range(fast + held)]
        news = NewsSite(site, articles=articles)
        slow_paths = [news.path(a) for a in articles[fast:]]
        for path in slow_paths:  # these pages take a few seconds to answer
            site.route(path, slow(4, site.find(path, "")))
        config = write_config(tmp_path / "sources.yaml", site_entry("orphan", news.url))
        args = [sys.executable, "-m", "flows.launch", "crawl", "--config", str(config), "--corpus", str(seeded_corpus)]
        proc = subprocess.Popen(args, cwd=tmp_path, env=environment(home), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        deadline = time.monotonic() + 180
        while not site.hits(path=slow_paths[0]):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        [server] = fork_servers(folder)
        [child] = children_of(server)
        os.kill(server, signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
        # The command waited for its child, which finished the crawl on the same terminal.
        assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]
        assert proc.returncode == 1, out + err
        assert "harvest: the fork server ended during the command" in err, err
        assert next(line for line in out.splitlines() if line.startswith("orphan ")).split()[1] == "ok", out
        assert len(stored(seeded_corpus, site.url)) == fast + held

        again = subprocess.run(args, cwd=tmp_path, env=environment(home), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (folder / LOG).read_text().count(" serving (pid ") == 2
    assert fork_servers(folder) and fork_servers(folder) != [server]


def test_a_profile_that_moves_the_prefect_home_is_refused_once_and_then_runs_in_the_command(
        tmp_path: Path, wordpress_site: Any) -> None:
    user = tmp_path / "user"  # HOME, with no PREFECT_HOME: ~/.prefect/profiles.toml moves the home
    elsewhere = tmp_path / "elsewhere"
    (user / ".prefect").mkdir(parents=True)
    (user / ".prefect" / "profiles.toml").write_text(
        f'active = "moved"\n\n[profiles.moved]\nPREFECT_HOME = "{elsewhere}"\n', encoding="utf-8")
    env = environment(tmp_path, HOME=str(user))
    env.pop("PREFECT_HOME")
    folder = user / ".prefect" / SERVER_DIR

    def crawl(corpus: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "flows.launch", *crawl_args(tmp_path, wordpress_site, corpus)],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    try:
        first = crawl("corpus-1")
        assert first.returncode == 0, first.stdout + first.stderr
        assert "harvest: the fork server did not start" in first.stderr, first.stderr
        assert "not serving: the Prefect home of the settings is" in (folder / LOG).read_text()
        assert len(list(folder.glob("fork-*.refused"))) == 1 and fork_servers(folder) == []
        second = crawl("corpus-2")
        assert second.returncode == 0, second.stdout + second.stderr
        assert "fork server" not in second.stderr, second.stderr
        assert (folder / LOG).read_text().count("starting fork server") == 1
        assert stored(tmp_path / "corpus-2", wordpress_site.url) == stored(tmp_path / "corpus-1", wordpress_site.url)
    finally:
        from flows.localserver import stop

        stop(elsewhere / SERVER_DIR, force=True)
