"""The ``harvest`` command.

Exit status: 0 every source ran, 1 a source failed (the others still ran and stored),
2 a usage or configuration error, 130 interrupted (Ctrl-C), 143 stopped by SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from crawlers import config as harvest_config
from crawlers.sources import BUNDLED, ConfigError, load_sources, select
from flows.report import format_summaries

DEFAULT_CORPUS: str = harvest_config.default("HARVEST_CORPUS")


def _default_config() -> str | None:
    env = harvest_config.value("HARVEST_CONFIG")
    if env:
        return env
    return "sources.yaml" if Path("sources.yaml").is_file() else None


def _corpus_arg(value: str | None) -> str:
    return value or harvest_config.value("HARVEST_CORPUS") or DEFAULT_CORPUS


def _index_arg(value: str | None) -> str:
    """Where the corpus index is: ``--index``, else $HARVEST_INDEX (empty: the corpus's
    ``index.sqlite``; a ``postgresql://`` URL; ``storage.index.open_index`` checks it)."""
    return (harvest_config.value("HARVEST_INDEX") if value is None else value).strip()


def _index_to_environment(value: str | None) -> None:
    """``--index`` for the flow and the crawl processes it starts: they read $HARVEST_INDEX (the
    URL is never a flow parameter, which the Prefect server would keep, password and all)."""
    if value is not None:
        os.environ["HARVEST_INDEX"] = value.strip()


def _tuning_help(described: str) -> str:
    """Help lines of the HARVEST_* settings that ``described`` does not name, from their
    declarations (crawlers/config.py)."""
    import textwrap

    lines = []
    for variable in harvest_config.VARIABLES.values():
        if variable.name in described:
            continue
        head = f"  {variable.name}" + " " * max(2, 25 - 2 - len(variable.name))
        default = f"{variable.default:g}" if isinstance(variable.default, float) else variable.default
        lines.append(textwrap.fill(f"{variable.doc} (default {default})", width=103,
                                   initial_indent=head, subsequent_indent=" " * 25) + "\n")
    return "".join(lines)


_EPILOG_HEAD = """\
exit status:
  0    done (every source ran; every file was cleaned)
  1    a source failed (the others still ran and stored their items), a check found
       problems, a file given to `harvest clean` is unreadable, empty or binary, or
       `harvest server stop` found the local Prefect server in use
  2    a usage or configuration error, told in one line (bad option, bad sources file,
       a folder that is not a corpus, no Prefect server at PREFECT_API_URL)
  130  interrupted by Ctrl-C (SIGINT)
  143  stopped by SIGTERM

environment:
  HARVEST_CONFIG         sources YAML when --config is not given (else ./sources.yaml if present,
                         else the bundled one)
  HARVEST_CORPUS         corpus folder when --corpus is not given (default ./corpus)
  HARVEST_INDEX          where the corpus index is when --index is not given: empty (default) for the
                         corpus folder's index.sqlite, or a postgresql:// URL
  HARVEST_CONTACT        e-mail or URL put in the crawler's User-Agent; set it (a warning says when not)
  HARVEST_CLEAN_WORKERS  cleaning processes per crawl: -1 one per core (default), 0 clean in the
                         crawl process itself, N that many
  HARVEST_CLEAN_TIMEOUT  seconds a cleaning worker may spend on one page (default 30; 0: no limit)
  HARVEST_LOOPBACK_ONLY  1: crawl processes refuse every connection that is not to loopback
"""
_EPILOG = _EPILOG_HEAD + _tuning_help(_EPILOG_HEAD) + """\
  PREFECT_API_URL        Prefect server for crawl, serve, alerts and demo (unset: `harvest crawl`
                         uses the local one that it starts once and reuses, see `harvest server`;
                         the demo runs without Prefect; `harvest serve` and `harvest alerts` need
                         a server)
"""


def _webhook_url(value: str) -> str:
    """An http(s) URL with a host (argparse type of ``--webhook``)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a URL: {value!r} ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise argparse.ArgumentTypeError(f"not an http(s) URL with a host: {value!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harvest", description="Crawl local-government news into a text corpus.",
                                     epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                help="one of the commands below; `harvest COMMAND --help` tells more")
    config_help = ("sources YAML (default: $HARVEST_CONFIG, else ./sources.yaml if present, "
                   f"else the bundled {BUNDLED.name})")
    corpus_help = f"corpus folder (default: $HARVEST_CORPUS or ./{DEFAULT_CORPUS})"
    index_help = ("where the corpus index is: '' for the corpus folder's index.sqlite, or a postgresql:// URL "
                  "(default: $HARVEST_INDEX, else index.sqlite)")

    p = sub.add_parser("crawl", help="crawl the enabled sources (or the named ones) once")
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="sources to crawl, by name (default: every enabled one)")
    p.add_argument("--config", help=config_help)
    p.add_argument("--corpus", help=corpus_help)
    p.add_argument("--index", help=index_help)
    p.add_argument("--jobs", type=int, default=1,
                   help="crawl processes the sources are shared among (default 1: every source at once in one "
                        "process, with one pool of cleaning workers)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per source (default 3600)")
    p.add_argument("--retries", type=int, default=1, help="retries of a failed source (default 1)")
    p.add_argument("--json", action="store_true", help="print the summaries as JSON")

    p = sub.add_parser("sources", help="list the sources")
    p.add_argument("--config", help=config_help)
    p.add_argument("--corpus", help="corpus whose crawl history to show discovery from")
    p.add_argument("--index", help=index_help)
    p.add_argument("--verbose", "-v", action="store_true",
                   help="add a line per source: documents stored, dead ends, rejected, discovery pages missing")

    p = sub.add_parser("export", help="write one record per stored document")
    p.add_argument("--corpus", help=corpus_help)
    p.add_argument("--index", help=index_help)
    p.add_argument("--format", choices=["jsonl", "parquet"], default="jsonl",
                   help="jsonl (default) or parquet (same columns; needs -o)")
    p.add_argument("-o", "--output", help="output file (default: stdout; required for parquet)")

    p = sub.add_parser("clean", help="run only the cleaning step on saved HTML files")
    p.add_argument("paths", nargs="+", metavar="PATH", help="saved HTML files")
    p.add_argument("--url", help="the page's URL (for metadata and relative links)")
    p.add_argument("--format", choices=["text", "jsonl"], default="text",
                   help="text (default: title and body per file) or jsonl (one record per file, with metadata)")

    p = sub.add_parser("check", help="verify the corpus files against the index (and repair)")
    p.add_argument("--corpus", help=corpus_help)
    p.add_argument("--index", help=index_help)
    p.add_argument("--repair", action="store_true", help="fix what can be fixed")

    p = sub.add_parser("reset", help="forget a source's crawl state (not its documents): the next crawl is full")
    p.add_argument("source", metavar="SOURCE", help="the source's name")
    p.add_argument("--config", help=config_help)
    p.add_argument("--corpus", help=corpus_help)
    p.add_argument("--index", help=index_help)

    p = sub.add_parser("state", help="show a source's crawl state (read only): runs, dead ends, discovery pages")
    p.add_argument("source", metavar="SOURCE", help="the source's name")
    p.add_argument("--config", help=config_help)
    p.add_argument("--corpus", help=corpus_help)
    p.add_argument("--index", help=index_help)
    p.add_argument("--json", action="store_true", help="print the state as JSON")

    p = sub.add_parser("serve", help="serve Prefect deployments with the schedules of the sources file")
    p.add_argument("--config", help=config_help)
    p.add_argument("--corpus", help=corpus_help)
    p.add_argument("--index", help=index_help)
    p.add_argument("--jobs", type=int, default=1,
                   help="crawl processes of each run (default 1: all its sources at once)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per source (default 3600)")
    p.add_argument("--zero-runs", type=int, default=3, help="flag a source after this many runs with 0 new items")
    p.add_argument("--max-lateness", type=float, default=3600, help="skip a scheduled run this many seconds late")
    p.add_argument("--dry-run", action="store_true", help="print the deployments and exit")

    p = sub.add_parser("deploy", help="register the scheduled crawls as deployments of a Prefect work pool "
                                      "(workers on several machines, one corpus)")
    p.add_argument("--pool", required=True, help="the work pool (created as a 'process' pool when missing)")
    p.add_argument("--shards", type=int, default=1,
                   help="split each group into up to this many deployments, the sources of one site (registrable "
                        "domain) always in one, balanced by source count (default 1: one per group)")
    p.add_argument("--config", help=config_help + "; a relative path is relative to --workdir on the workers")
    p.add_argument("--corpus", help=corpus_help + "; the folder all workers share (a relative path is relative "
                                                  "to --workdir)")
    p.add_argument("--index", help=index_help + "; stored without its password, which each worker gives "
                                                "(its HARVEST_INDEX, PGPASSWORD or ~/.pgpass)")
    p.add_argument("--workdir", help="the project folder on the workers' machines, where runs start (default: "
                                     "this project's folder; the same path on every machine)")
    p.add_argument("--jobs", type=int, default=1, help="crawl processes of each run (default 1)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per source (default 3600)")
    p.add_argument("--zero-runs", type=int, default=3, help="flag a source after this many runs with 0 new items")
    p.add_argument("--max-lateness", type=float, default=3600, help="skip a scheduled run this many seconds late")
    p.add_argument("--busy-wait", type=float, default=60,
                   help="seconds a run waits for a source that another run is crawling, then leaves it out "
                        "(default 60)")
    p.add_argument("--source-lease", type=float, default=120,
                   help="seconds of the lease of a source's concurrency slot, renewed while its crawl runs: how "
                        "long a killed run keeps the source from others (default 120, at least 60)")
    p.add_argument("--crash-after", type=float, default=90,
                   help="a run whose heartbeats (every 30 s) stop for this many seconds is marked Crashed "
                        "(default 90)")
    p.add_argument("--write", metavar="FILE", help="write the plan as a prefect.yaml (for `prefect deploy --all`) "
                                                   "instead of registering it")
    p.add_argument("--dry-run", action="store_true", help="print the deployments and exit")

    p = sub.add_parser("alerts", help="notify a webhook when a crawl run fails (Prefect automation)")
    p.add_argument("--webhook", required=True, type=_webhook_url,
                   help="http(s) URL that receives a JSON POST per failed run")

    p = sub.add_parser("demo", help="crawl a bundled local site into a temporary corpus")
    p.add_argument("--keep", metavar="DIR", help="use this corpus folder instead of a temporary one")

    p = sub.add_parser("server", help="the local Prefect server of `harvest crawl` (PREFECT_API_URL unset): "
                                      "status, start, stop")
    p.add_argument("action", choices=["status", "start", "stop"],
                   help="status: its URL, pid and uptime, or 'not running'; start: start it unless it runs; "
                        "stop: stop it (not while a crawl uses it, unless --force)")
    p.add_argument("--force", action="store_true", help="stop it even while a crawl uses it")
    return parser


# Commands that talk to a Prefect API; ``serve --dry-run`` does not.
PREFECT_COMMANDS = ("crawl", "serve", "alerts", "demo")
# Commands that crawl, whose User-Agent names HARVEST_CONTACT.
CRAWL_COMMANDS = ("crawl", "serve", "demo")


def prefect_api_problem(timeout: float = 3.0) -> str | None:
    """Why the configured Prefect API cannot be used, or ``None`` when none is configured or
    it answers. PREFECT_API_URL comes from the environment or the active Prefect profile."""
    import httpx
    from prefect.settings import PREFECT_API_KEY, PREFECT_API_URL

    api = (PREFECT_API_URL.value() or "").strip()
    if not api:
        return None
    source = "PREFECT_API_URL" if os.environ.get("PREFECT_API_URL") else "PREFECT_API_URL of the Prefect profile"
    hint = "start one with 'prefect server start' or unset PREFECT_API_URL"
    key = PREFECT_API_KEY.value()
    headers = {"Authorization": f"Bearer {key.get_secret_value()}"} if key else {}
    try:
        response = httpx.get(api.rstrip("/") + "/health", headers=headers, timeout=timeout)
    except httpx.InvalidURL as exc:
        return f"PREFECT_API_URL is not a usable URL: {api!r} ({exc})"
    except (httpx.HTTPError, ValueError):
        return f"no Prefect server answers at {api} ({source}): {hint}"
    if response.status_code in (401, 403) or response.is_success:
        return None  # a server is there; credentials are Prefect's to report
    return f"no Prefect API at {api} ({source}: HTTP {response.status_code} from /health): {hint}"


def warn_missing_contact() -> None:
    """One warning per run when the User-Agent would name no contact (unset, blank, or the
    placeholder that asks for one)."""
    contact = harvest_config.value("HARVEST_CONTACT")
    if not contact.strip() or contact == harvest_config.default("HARVEST_CONTACT"):
        print("harvest: warning: HARVEST_CONTACT is not set: the User-Agent names no contact; "
              "set it to an e-mail or URL", file=sys.stderr)


def is_corpus(folder: Path) -> bool:
    """A folder holding an index (or the marker of one in PostgreSQL) or seed-style files
    ``NNN_<16 hex>.txt``."""
    from storage.corpus import FILE_RE
    from storage.index import INDEX_NAME, LOCATION_NAME

    if not folder.is_dir():
        return False
    if (folder / INDEX_NAME).is_file() or (folder / LOCATION_NAME).is_file():
        return True
    return any(FILE_RE.match(entry.name) for entry in os.scandir(folder))


def existing_corpus(value: str | None) -> Path:
    """The corpus folder of ``--corpus``/$HARVEST_CORPUS, which must already be a corpus."""
    folder = Path(_corpus_arg(value))
    if not folder.is_dir():
        raise ConfigError("no such corpus folder", folder, key="--corpus")
    if not is_corpus(folder):
        raise ConfigError("not a corpus (no index.sqlite and no NNN_<id>.txt files)", folder, key="--corpus")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in PREFECT_COMMANDS and not getattr(args, "dry_run", False):
        problem = prefect_api_problem()
        if problem:
            print(f"harvest: {problem}", file=sys.stderr)
            return 2
    if args.command in CRAWL_COMMANDS:
        warn_missing_contact()
        # The crawl processes' malloc settings (crawlers/memtune.py), set before Prefect is loaded
        # and starts its threads: 78-81 MB peak PSS of `harvest demo`'s own process, against
        # 82 MB without.
        from crawlers.memtune import tune_malloc

        tune_malloc()
    try:
        if args.command == "crawl":
            return cmd_crawl(args)
        if args.command == "sources":
            return cmd_sources(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "clean":
            return cmd_clean(args)
        if args.command == "check":
            return cmd_check(args)
        if args.command == "reset":
            return cmd_reset(args)
        if args.command == "state":
            return cmd_state(args)
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "deploy":
            return cmd_deploy(args)
        if args.command == "alerts":
            from flows.alerts import install_failure_alert
            from flows.tempserver import api_configured

            if not api_configured():
                # Automations are evaluated by a server's services; a temporary API runs none.
                print("harvest: alerts need a Prefect server, which evaluates the automation: start one with "
                      "'prefect server start' and set PREFECT_API_URL", file=sys.stderr)
                return 2
            ids = install_failure_alert(args.webhook)
            print(f"automation {ids['automation_id']} notifies {args.webhook} of failed crawl runs")
            return 0
        if args.command == "demo":
            from flows.demo import run_demo

            return run_demo(args.keep)
        if args.command == "server":
            from flows.localserver import server_command

            return server_command(args.action, args.force)
    except ConfigError as exc:
        print(f"harvest: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from storage.index import INDEX_NAME, CorruptIndex, IndexLocationError, is_corruption

        if isinstance(exc, IndexLocationError):  # a bad HARVEST_INDEX or --index: a configuration error
            print(f"harvest: {exc}", file=sys.stderr)
            return 2
        if not is_corruption(exc):
            raise
        if not isinstance(exc, CorruptIndex):  # met past the opening (a damaged page)
            exc = CorruptIndex(Path(_corpus_arg(getattr(args, "corpus", None))) / INDEX_NAME, str(exc))
        print(f"harvest: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("harvest: interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command}")
    return 2


def cmd_crawl(args: argparse.Namespace) -> int:
    config = args.config or _default_config()
    chosen = select(load_sources(config), args.sources)
    if not chosen:
        raise ConfigError("no enabled source to crawl", config or BUNDLED, key="enabled")
    if args.jobs < 1:
        print("harvest: --jobs must be at least 1", file=sys.stderr)
        return 2
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.group import discard_early, start_early
    from storage.index import checked_location

    corpus = Path(_corpus_arg(args.corpus)).resolve()
    index = checked_location(corpus, _index_arg(args.index))  # no location, not the folder's: before any process
    _index_to_environment(args.index)
    names, config_path = [s.name for s in chosen], str(Path(config).resolve()) if config else None
    # The crawl processes set up (Scrapy, the cleaning workers) while the flow is loaded and its
    # run created; they crawl once the flow takes them over, and end without crawling if it never
    # starts (a damaged index, a local Prefect server that cannot start).
    start_early(names, str(corpus), config_path, args.timeout, args.jobs, chosen)
    try:
        _open_corpus_first(corpus, index)
        from flows.localserver import prefect_api
        from flows.pipeline import crawl_flow, final_state, summaries_of
        from flows.progress import ProgressDisplay, quiet_console
        from flows.runner import stop_requested

        quiet_console()
        with prefect_api(), ProgressDisplay(sys.stderr, names=names):
            state = final_state(crawl_flow(
                sources=names, config=config_path, corpus=str(corpus), jobs=args.jobs, timeout=args.timeout,
                retries=args.retries, return_state=True,
            ))
    finally:
        discard_early()
    summaries = summaries_of(state)
    if summaries is None:
        print(f"harvest: the crawl flow ended {state.type.value}: {state.message}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summaries, ensure_ascii=False, indent=2))
    else:
        print(format_summaries(summaries))
        print(f"full logs: {corpus / '.logs'}", file=sys.stderr)
    stopped = stop_requested()
    if stopped:
        print(f"harvest: {state.message or stopped}", file=sys.stderr)
        return 130 if "SIGINT" in stopped else 143
    return 0 if all(s.get("status") == "ok" for s in summaries) else 1


def _open_corpus_first(folder: Path, index: str) -> None:
    """A damaged index, or an index location that is none or not the corpus's, is one line
    before anything starts (``main`` prints it); other trouble with the folder (not writable,
    disk full) is reported by each source's crawl."""
    from storage.corpus import Corpus
    from storage.index import CorruptIndex, StorageError

    try:
        with Corpus(folder, index=index):
            pass
    except CorruptIndex:
        raise
    except (OSError, StorageError):
        pass


def cmd_check(args: argparse.Namespace) -> int:
    from storage.check import check, rebuild_index, repair
    from storage.index import CorruptIndex

    folder = existing_corpus(args.corpus)
    index = _index_arg(args.index)
    try:
        report = check(folder, index)
    except CorruptIndex as exc:
        if not args.repair:
            raise
        aside = rebuild_index(folder)
        print(f"{exc.path}: not a readable index ({exc.detail}): moved to {aside.name}; "
              "a new index was built from the files (URLs and crawl state come back with the next crawl)")
        report = repair(folder, index)
        print("after repair: " + "; ".join(report.lines()))
        return 0 if report.ok else 1
    print("\n".join(report.lines()))
    if args.repair and not report.ok:
        report = repair(folder, index)
        print("after repair: " + "; ".join(report.lines()))
    return 0 if report.ok else 1


def cmd_reset(args: argparse.Namespace) -> int:
    from storage.corpus import Corpus

    (source,) = select(load_sources(args.config or _default_config()), [args.source])
    folder = existing_corpus(args.corpus)
    with Corpus(folder, index=_index_arg(args.index)) as corpus:
        urls, runs = corpus.reset(source.name)
    print(f"{source.name}: forgot {urls} seen URL(s) and {runs} run(s); its documents stay")
    return 0


def cmd_state(args: argparse.Namespace) -> int:
    from flows.statecmd import format_state, known_state, state_json

    state = known_state(existing_corpus(args.corpus), args.source, args.config or _default_config(),
                        _index_arg(args.index))
    print(state_json(state) if args.json else format_state(state))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.serve import plan_deployments

    config = args.config or _default_config()
    plans = plan_deployments(load_sources(config))
    if not plans:
        raise ConfigError("no enabled source has a schedule", config or BUNDLED, key="schedule")
    for plan in plans:
        print(f"{plan.name}: '{plan.cron}' → {', '.join(plan.sources)}")
    if args.dry_run:
        return 0
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.serve import build_deployments, serve_until_stopped
    from flows.tempserver import api_configured

    if not api_configured():
        # Prefect's temporary server has no scheduler: the schedules would never fire.
        print("harvest: serve needs a Prefect server, whose scheduler creates the runs: start one with "
              "'prefect server start' and set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api)", file=sys.stderr)
        return 2
    _index_to_environment(args.index)  # the runs' flows and crawl processes read it
    deployments = build_deployments(
        plans, str(Path(config).resolve()) if config else None, str(Path(_corpus_arg(args.corpus)).resolve()),
        args.jobs, args.timeout, args.zero_runs, args.max_lateness,
    )
    why = serve_until_stopped(deployments)
    print(f"harvest: serve {why}: schedules paused until the next 'harvest serve'", file=sys.stderr)
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from flows.deploy import CRASH_AFTER, PROJECT, deploy, describe, plan_pool, write_prefect_yaml
    from flows.pipeline import MIN_LEASE
    from flows.serve import plan_deployments
    from storage.index import checked_location, public_location

    config = args.config or _default_config()
    plans = plan_deployments(load_sources(config))
    if not plans:
        raise ConfigError("no enabled source has a schedule", config or BUNDLED, key="schedule")
    if args.shards < 1 or args.jobs < 1:
        print("harvest: --shards and --jobs must be at least 1", file=sys.stderr)
        return 2
    if args.source_lease < MIN_LEASE or args.crash_after <= 30:
        print(f"harvest: --source-lease must be at least {MIN_LEASE:.0f} s and --crash-after more than 30 s "
              "(the heartbeat interval)", file=sys.stderr)
        return 2
    corpus = _corpus_arg(args.corpus)
    index = checked_location(Path(args.workdir or PROJECT) / corpus, _index_arg(args.index))
    deployments = plan_pool(plans, args.shards, corpus, index, config, args.jobs, args.timeout, args.zero_runs,
                            args.max_lateness, args.busy_wait, args.source_lease)
    print("\n".join(describe(deployments, args.pool)))
    if index and public_location(index) != index:
        print("harvest: the index URL is stored without its password: give it to each worker (HARVEST_INDEX with "
              "the password, PGPASSWORD or ~/.pgpass)", file=sys.stderr)
    if args.write:
        options = "".join(f" {flag} {value}" for flag, value in (
            ("--shards", args.shards if args.shards > 1 else None), ("--config", args.config),
            ("--corpus", args.corpus), ("--workdir", args.workdir),
            ("--crash-after", args.crash_after if args.crash_after != CRASH_AFTER else None)) if value is not None)
        write_prefect_yaml(Path(args.write), deployments, args.pool, args.workdir, options, args.crash_after)
        print(f"wrote {args.write}: {len(deployments)} deployment(s)")
        return 0
    if args.dry_run:
        return 0
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.tempserver import api_configured

    if not api_configured():
        print("harvest: deploy needs a Prefect server that the workers share: start one with 'prefect server start' "
              "and set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api)", file=sys.stderr)
        return 2
    problem = prefect_api_problem()
    if problem:
        print(f"harvest: {problem}", file=sys.stderr)
        return 2
    try:
        return deploy(deployments, args.pool, str(Path(args.workdir or PROJECT)), args.crash_after)
    except ValueError as exc:  # a work pool of another type
        print(f"harvest: {exc}", file=sys.stderr)
        return 2


def cmd_sources(args: argparse.Namespace) -> int:
    config = args.config or _default_config()
    sources = load_sources(config)
    index = _index_arg(args.index)
    names = [s.name for s in sources]
    found = _last_discovery(args.corpus, names, index) if args.corpus or Path(DEFAULT_CORPUS).is_dir() else {}
    rows = [("name", "enabled", "url", "discovery declared", "discovery found", "schedule")]
    for s in sources:
        declared = f"feeds={len(s.feeds)} sitemaps={len(s.sitemaps)} listings={len(s.listings)}"
        disc = found.get(s.name)
        seen = (f"feeds={len(disc.get('feeds', []))} sitemaps={len(disc.get('sitemaps', []))} "
                f"wp-api={'yes' if disc.get('wordpress_api') else 'no'}") if disc else "(not crawled yet)"
        rows.append((s.name, "yes" if s.enabled else "no", s.url, declared, seen, s.schedule or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    states = _state_lines(args.corpus, names, index) if args.verbose else {}
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if r[0] in states and r is not rows[0]:
            print(f"  {states[r[0]]}")
    return 0


def _state_lines(corpus_dir: str | None, names: list[str], index: str) -> dict[str, str]:
    """The `--verbose` line of each source, from the corpus's index read only."""
    from flows.statecmd import load_states, state_line

    states = load_states(Path(_corpus_arg(corpus_dir)), names, index)
    return {name: state_line(state) for name, state in states.items()}


def _last_discovery(corpus_dir: str | None, names: list[str], index: str) -> dict[str, dict[str, Any]]:
    from flows.statecmd import last_ok_summaries

    rows = last_ok_summaries(Path(_corpus_arg(corpus_dir)), names, index)
    return {source: summary.get("discovered", {}) for source, summary in rows}


def cmd_export(args: argparse.Namespace) -> int:
    from storage.corpus import Corpus
    from storage.export import write_jsonl, write_parquet

    folder = existing_corpus(args.corpus)
    with Corpus(folder, index=_index_arg(args.index)) as corpus:
        if args.format == "parquet":
            if not args.output:
                raise ConfigError("parquet output needs -o FILE", key="--format")
            count = write_parquet(corpus, Path(args.output))
        elif args.output:
            with open(args.output, "w", encoding="utf-8") as out:
                count = write_jsonl(corpus, out)
        else:
            count = write_jsonl(corpus, sys.stdout)
    print(f"harvest: exported {count} documents", file=sys.stderr)
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    from flows.cleancmd import clean_paths

    return clean_paths(args.paths, args.url, args.format)


if __name__ == "__main__":
    sys.exit(main())
