"""The CLI's answers to unusable input: no Prefect server, binary files, bad webhook URLs,
folders that are not corpora; its help; the missing-contact warning; Parquet columns."""

from __future__ import annotations

import argparse
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flows.cli import build_parser
from storage.corpus import Corpus, NewDocument
from tests.conftest import ROOT, write_config
from tests.test_crawl_e2e import site_entry


def harvest(*args: str, cwd: Path, env_extra: dict[str, str] | None = None, drop: tuple[str, ...] = (),
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_HOME": str(cwd / "prefect-home")}
    for name in ("PREFECT_API_URL", *drop):
        env.pop(name, None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# no Prefect server -----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["crawl"], ["crawl", "some-source", "--corpus", "elsewhere"], ["serve"],
    ["alerts", "--webhook", "http://127.0.0.1:9/hook"],
])
def test_no_prefect_server_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    api = f"http://127.0.0.1:{free_port()}/api"
    run = harvest(*args, cwd=tmp_path, env_extra={"PREFECT_API_URL": api}, drop=("HARVEST_CONTACT",), timeout=60)
    assert run.returncode == 2, run.stderr
    assert run.stderr.splitlines() == [
        f"harvest: no Prefect server answers at {api} (PREFECT_API_URL): "
        "start one with 'prefect server start' or unset PREFECT_API_URL"]
    assert run.stdout == ""
    assert not (tmp_path / "corpus").exists() and not (tmp_path / "elsewhere").exists()


def test_no_prefect_server_from_the_profile(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{free_port()}/api"
    home = tmp_path / "prefect-home"
    home.mkdir()
    (home / "profiles.toml").write_text(f'active = "local"\n\n[profiles.local]\nPREFECT_API_URL = "{api}"\n',
                                        encoding="utf-8")
    run = harvest("alerts", "--webhook", "https://hooks.example.org/x", cwd=tmp_path, timeout=60)
    assert run.returncode == 2
    assert len(run.stderr.splitlines()) == 1
    assert f"no Prefect server answers at {api} (PREFECT_API_URL of the Prefect profile)" in run.stderr


@pytest.fixture
def not_prefect() -> Iterator[str]:
    """A loopback HTTP server that answers 404 to everything."""

    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_error(404)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_that_is_not_prefect(tmp_path: Path, not_prefect: str) -> None:
    run = harvest("crawl", cwd=tmp_path, env_extra={"PREFECT_API_URL": not_prefect}, timeout=60)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"harvest: no Prefect API at {not_prefect} (PREFECT_API_URL: HTTP 404 from /health): "
        "start one with 'prefect server start' or unset PREFECT_API_URL"]


def test_serve_dry_run_and_demo_need_no_prefect_server(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{free_port()}/api"
    dry = harvest("serve", "--dry-run", cwd=tmp_path, env_extra={"PREFECT_API_URL": api}, timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert "crawl-" in dry.stdout and "Prefect" not in dry.stderr
    # With a server configured the demo is a flow run: a dead one is one line and exit 2.
    dead = harvest("demo", "--keep", str(tmp_path / "dead-corpus"), cwd=tmp_path, env_extra={"PREFECT_API_URL": api})
    assert dead.returncode == 2 and len(dead.stderr.strip().splitlines()) == 1, dead.stderr
    assert api in dead.stderr and not (tmp_path / "dead-corpus").exists()
    # With none, the demo crawls without Prefect; an unset HARVEST_CONTACT is told once.
    demo = harvest("demo", "--keep", str(tmp_path / "demo-corpus"), cwd=tmp_path,
                   drop=("HARVEST_CONTACT", "PREFECT_API_URL"))
    assert demo.returncode == 0, demo.stderr
    assert demo.stderr.count("HARVEST_CONTACT") == 1
    assert "harvest: warning: HARVEST_CONTACT is not set" in demo.stderr


# harvest clean on files that are no page -----------------------------------------------------

def test_clean_rejects_binary_and_empty_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.html"
    blank.write_bytes(b"  \n\t\n")
    png = tmp_path / "image.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 40)
    noisy = tmp_path / "noisy.txt"
    noisy.write_bytes(bytes(range(1, 32)) * 200)
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Short page.</p></body></html>", encoding="utf-8")
    paths = ["/bin/ls", str(empty), str(blank), str(png), str(blob), str(noisy), str(page)]

    text = harvest("clean", *paths, cwd=tmp_path)
    assert text.returncode == 1
    expected = {
        "/bin/ls": "not_html: binary content (ELF executable)",
        str(empty): "no_text: empty file",
        str(blank): "no_text: empty file",
        str(png): "not_html: binary content (PNG image)",
        str(blob): "not_html: binary content (NUL bytes)",
        str(noisy): "not_html: binary content (control characters)",
    }
    for path, reason in expected.items():
        assert f"==> {path} <==\n(rejected: {reason})\n" in text.stdout
        assert f"harvest: {path}: {reason}" in text.stderr.splitlines()
    assert len(text.stderr.splitlines()) == len(expected)
    assert f"==> {page} <==\nShort page." in text.stdout
    assert len(text.stdout) < 5000  # no bytes of the binaries printed

    jsonl = harvest("clean", *paths, "--format", "jsonl", cwd=tmp_path)
    assert jsonl.returncode == 1
    records = {r["path"]: r for r in map(json.loads, jsonl.stdout.splitlines())}
    assert list(records) == paths
    for path, reason in expected.items():
        assert f"{records[path]['rejected']}: {records[path]['detail']}" == reason
        assert records[path]["text"] == ""
    assert "rejected" not in records[str(page)] and records[str(page)]["text"] == "Short page."


def test_clean_exit_0_for_pages_merely_rejected_and_reads_utf16(tmp_path: Path) -> None:
    nothing = tmp_path / "nothing.html"
    nothing.write_text("<html><head><title>T</title></head><body><script>var x = 1;</script></body></html>",
                       encoding="utf-8")
    wide = tmp_path / "wide.html"
    wide.write_text("<html><head><title>Çeşme</title></head><body><article><h1>Çeşme</h1><p>"
                    + "Belediye meclisi bugün toplandı ve kardeş şehir protokolünü onayladı. " * 5
                    + "</p></article></body></html>", encoding="utf-16")
    run = harvest("clean", str(nothing), str(wide), "--format", "jsonl", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    first, second = map(json.loads, run.stdout.splitlines())
    assert first["rejected"] == "no_text" and first["detail"]
    assert second["title"] == "Çeşme" and second["text"].startswith("Belediye meclisi bugün")
    text = harvest("clean", str(nothing), cwd=tmp_path)
    assert text.returncode == 0 and text.stderr == ""
    assert f"==> {nothing} <==\n(rejected: no_text: " in text.stdout


# harvest alerts --webhook ----------------------------------------------------------------------

@pytest.mark.parametrize("url", ["ftp://hooks.example.org/x", "hooks.example.org/x", "http://", "file:///etc/passwd",
                                 "https://:443/x", "http://example.org:99999/x", "javascript:alert(1)",
                                 "http://exa mple.org/"])
def test_alerts_webhook_must_be_http_with_a_host(tmp_path: Path, url: str) -> None:
    run = harvest("alerts", "--webhook", url, cwd=tmp_path, timeout=60)
    assert run.returncode == 2
    errors = [line for line in run.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "--webhook" in errors[0] and "Traceback" not in run.stderr


def test_alerts_webhook_accepts_http_and_https() -> None:
    for url in ("https://hooks.example.org/services/T0/B0", "http://127.0.0.1:8080/hook"):
        assert build_parser().parse_args(["alerts", "--webhook", url]).webhook == url


# export, reset and check only on corpora --------------------------------------------------------

@pytest.mark.parametrize("command", [["export"], ["export", "--format", "parquet", "-o", "out.parquet"],
                                     ["reset", "uclg-mewa"], ["check"], ["check", "--repair"]])
@pytest.mark.parametrize("content", [{}, {"notes.txt": "x", "12_abc.txt": "y", "000_0123456789abcdeg.txt": "z"}])
def test_no_index_created_in_a_folder_that_is_not_a_corpus(tmp_path: Path, command: list[str],
                                                           content: dict[str, str]) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for name, text in content.items():
        (folder / name).write_text(text, encoding="utf-8")
    for how in (["--corpus", str(folder)], []):
        run = harvest(*command, *how, cwd=tmp_path, env_extra={"HARVEST_CORPUS": str(folder)}, timeout=60)
        assert run.returncode == 2, run.stdout + run.stderr
        assert run.stderr.splitlines() == [f"harvest: {folder}: --corpus: not a corpus "
                                           "(no index.sqlite and no NNN_<id>.txt files)"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(content)
    assert not (tmp_path / "out.parquet").exists()


def test_a_folder_of_seed_files_is_a_corpus(tmp_path: Path, seeded_corpus: Path) -> None:
    run = harvest("export", "--corpus", str(seeded_corpus), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == 5
    assert (seeded_corpus / "index.sqlite").exists()
    assert harvest("check", "--corpus", str(seeded_corpus), cwd=tmp_path).stdout.splitlines()[-1] == "consistent"


# help ------------------------------------------------------------------------------------------

def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_option_and_argument_has_help() -> None:
    parser = build_parser()
    commands = _subparsers(parser)
    assert set(commands) == {"crawl", "sources", "export", "clean", "check", "reset", "serve", "alerts", "demo",
                             "state", "server", "deploy"}
    missing = [f"{name}: {action.option_strings or action.dest}"
               for name, sub in [("harvest", parser), *commands.items()]
               for action in sub._actions
               if not isinstance(action, argparse._HelpAction) and not (action.help or "").strip()]
    assert missing == []


def _user_env_vars() -> set[str]:
    """HARVEST_* names the code reads from the environment."""
    names = set()
    for folder in ("crawlers", "flows", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            names.update(re.findall(r"environ(?:\.get\(|\[)\s*[\"'](HARVEST_\w+)", source))
            names.update(re.findall(r"^ENV = [\"'](HARVEST_\w+)", source, re.MULTILINE))
            names.update(re.findall(r"config\.value\(\s*[\"'](HARVEST_\w+)", source))  # crawlers.config
    return names


def test_help_names_exit_codes_and_environment() -> None:
    run = subprocess.run([sys.executable, "-m", "flows.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    epilog = run.stdout[run.stdout.index("exit status:"):]
    for code, words in (("0", "done"), ("1", "source failed"), ("2", "usage"), ("130", "Ctrl-C"), ("143", "SIGTERM")):
        assert re.search(rf"^  {code} +.*{words}", epilog, re.MULTILINE), code
    names = _user_env_vars()
    assert {"HARVEST_CONFIG", "HARVEST_CORPUS", "HARVEST_CONTACT", "HARVEST_CLEAN_WORKERS",
            "HARVEST_LOOPBACK_ONLY"} <= names
    for name in names:
        assert re.search(rf"^  {name} +\S", epilog, re.MULTILINE), name


# the missing-contact warning -------------------------------------------------------------------

def test_missing_contact_is_warned_once_per_crawl(tmp_path: Path, wordpress_site: Any) -> None:
    config = write_config(tmp_path / "sources.yaml",
                          site_entry("wp-one", f"{wordpress_site.url}/en/", "    max_pages: 1\n"),
                          site_entry("wp-two", f"{wordpress_site.url}/en/", "    max_pages: 1\n"))
    run = harvest("crawl", "--config", str(config), "--corpus", str(tmp_path / "corpus"), "--retries", "0",
                  cwd=tmp_path, drop=("HARVEST_CONTACT",))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "wp-one" in run.stdout and "wp-two" in run.stdout
    assert run.stderr.count("HARVEST_CONTACT") == 1
    assert run.stderr.startswith("harvest: warning: HARVEST_CONTACT is not set: the User-Agent names no contact; "
                                 "set it to an e-mail or URL\n")
    quiet = harvest("serve", "--dry-run", "--config", str(ROOT / "crawlers" / "sources.yaml"), cwd=tmp_path,
                    env_extra={"HARVEST_CONTACT": "team@example.org"})
    assert quiet.returncode == 0 and "HARVEST_CONTACT" not in quiet.stderr


# Parquet columns -------------------------------------------------------------------------------

def _store(corpus: Corpus, n: int, meta: dict[str, Any], url: str | None = None) -> None:
    words = " ".join(f"word{n}x{i}" for i in range(60))
    corpus.store(NewDocument(url=url or f"https://city.example.org/news/{n}", source="city", title=f"Item {n}",
                             paragraphs=[f"Paragraph of item {n}: {words}."], date=f"2024-01-{n:02d}",
                             language="en", meta=meta))


def test_parquet_has_the_jsonl_columns(tmp_path: Path, seeded_corpus: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with Corpus(seeded_corpus) as corpus:
        _store(corpus, 1, {"tags": ["water", "climate"], "rank": 1, "place": {"city": "Lleida", "country": "ES"},
                           "extra": {}})
        _store(corpus, 2, {"tags": [], "rank": "high", "place": {"city": "Çeşme"}})
        _store(corpus, 3, {"language_confidence": 0.5})
        _store(corpus, 1, {"tags": ["water"]}, url="https://mirror.example.org/news/1")  # same text: an alias
    jsonl = harvest("export", "--corpus", str(seeded_corpus), cwd=tmp_path)
    assert jsonl.returncode == 0, jsonl.stderr
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    out = tmp_path / "corpus.parquet"
    run = harvest("export", "--corpus", str(seeded_corpus), "--format", "parquet", "-o", str(out), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    table = pq.read_table(out)

    keys = list(dict.fromkeys(k for r in records for k in r))
    assert table.column_names == keys
    assert "metadata" not in table.column_names
    schema = table.schema
    assert schema.field("tags").type == pa.list_(pa.string())
    assert pa.types.is_struct(schema.field("place").type)
    assert pa.types.is_list(schema.field("aliases").type)
    assert pa.types.is_struct(schema.field("aliases").type.value_type)
    assert schema.field("rank").type == pa.string() and schema.field("extra").type == pa.string()
    assert schema.field("num").type == pa.int64() and schema.field("imported").type == pa.bool_()

    rows = table.to_pylist()
    assert len(rows) == len(records) == 8
    json_columns = {"rank", "extra"}
    for row, record in zip(rows, records):
        for key in keys:
            got, want = row[key], record.get(key)
            if key in json_columns and got is not None:
                got = json.loads(got)
            if isinstance(want, dict):
                got = {k: v for k, v in got.items() if k in want or v is not None}
            assert got == want, (record["file"], key)
    by_title = {r["title"]: r for r in rows}
    assert by_title["Item 1"]["tags"] == ["water", "climate"] and by_title["Item 2"]["tags"] == []
    assert by_title["Item 1"]["rank"] == "1" and by_title["Item 2"]["rank"] == '"high"'
    assert by_title["Item 1"]["place"] == {"city": "Lleida", "country": "ES"}
    assert by_title["Item 2"]["place"] == {"city": "Çeşme", "country": None}
    assert [a["url"] for a in by_title["Item 1"]["aliases"]] == ["https://mirror.example.org/news/1"]


def test_serve_and_alerts_without_a_configured_server_say_they_need_one(tmp_path: Path) -> None:
    """Prefect's temporary server runs no scheduler and evaluates no automation: serving or
    installing an alert on it would never fire."""
    run = harvest("serve", cwd=tmp_path, timeout=120)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.count("\n") == 1 and "needs a Prefect server" in run.stderr and "PREFECT_API_URL" in run.stderr
    run = harvest("alerts", "--webhook", "http://127.0.0.1:9/hook", cwd=tmp_path, timeout=120)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.count("\n") == 1 and "need a Prefect server" in run.stderr and "PREFECT_API_URL" in run.stderr
    assert not (tmp_path / "prefect-home").exists() or not list((tmp_path / "prefect-home").glob("*.db"))


# a bad cron expression in the sources file ----------------------------------------------------

@pytest.mark.parametrize("command", [["sources"], ["serve", "--dry-run"]])
def test_bad_cron_is_one_line_with_file_line_key_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - name: a\n    url: https://a.org/\n    schedule: '*/0 * * * *'\n", encoding="utf-8")
    run = harvest(*command, "--config", str(config), cwd=tmp_path, env_extra={"HARVEST_CONTACT": "ops@example.org"},
                  timeout=120)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.splitlines() == [
        f"harvest: {config}:4: sources[0].schedule: bad cron expression '*/0 * * * *': minute '*/0' (a step of 0)"]
    assert run.stdout == ""
