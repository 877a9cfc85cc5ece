"""``harvest serve``: Prefect deployments with the cron schedules of ``sources.yaml``.

Sources sharing a ``group`` and a ``schedule`` share one deployment (``crawl-<group>``); a
source with a schedule and no group gets its own (``crawl-<source>``). Each deployment runs one
flow run at a time (a new run while one is running is cancelled), and a run that starts more
than ``max_lateness`` seconds after its scheduled time (after downtime) skips itself, so missed
runs do not pile up.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from crawlers.sources import Source


@dataclass
class Plan:
    """One deployment to create: name, cron schedule and the sources it crawls."""

    name: str
    cron: str
    sources: list[str]
    group: str | None


def plan_deployments(sources: list[Source]) -> list[Plan]:
    """Group the enabled, scheduled sources into deployments (pure; no Prefect)."""
    buckets: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for source in sources:
        if source.enabled and source.schedule:
            buckets[(source.group or source.name, source.schedule)].append(source)
    names: dict[str, int] = defaultdict(int)
    plans = []
    for (key, cron), members in sorted(buckets.items()):
        names[key] += 1
        name = f"crawl-{key}" if names[key] == 1 else f"crawl-{key}-{names[key]}"
        plans.append(Plan(name, cron, [m.name for m in members], members[0].group))
    return plans


def build_deployments(plans: list[Plan], config: str | None, corpus: str, jobs: int, timeout: float,
                      zero_runs: int, max_lateness: float) -> list[Any]:
    """Prefect ``RunnerDeployment`` objects for the plans."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    from flows.pipeline import crawl_flow

    deployments = []
    for plan in plans:
        deployments.append(crawl_flow.to_deployment(
            name=plan.name,
            cron=plan.cron,
            parameters={"sources": plan.sources, "group": None, "config": config, "corpus": corpus,
                        "jobs": jobs, "timeout": timeout, "zero_runs": zero_runs,
                        "max_lateness": max_lateness},
            concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
            paused=False,  # schedules paused when the last `harvest serve` stopped run again
            tags=["localgov-harvest"] + ([f"group:{plan.group}"] if plan.group else []),
            description=f"Crawl {', '.join(plan.sources)} on '{plan.cron}'.",
        ))
    return deployments


_ACTIVE = ("PENDING", "RUNNING", "CANCELLING")


def serve_until_stopped(deployments: list[Any]) -> str:
    """Serve the deployments until SIGINT (Ctrl-C) or SIGTERM; return what stopped it.

    Both signals stop the same way: the schedules are paused, every run in progress is asked
    to stop (its crawls store what they have cleaned and the run ends Cancelled, which frees
    the deployment's concurrency slot), and then any run of these deployments still left
    Pending, Running or Cancelling by a process that is gone is set Cancelled, so no slot
    stays held and the next scheduled run is not turned away."""
    import asyncio

    from prefect.runner import Runner

    runner = Runner(name="harvest-serve", pause_on_shutdown=True)
    for deployment in deployments:
        runner.add_deployment(deployment)
    reason: list[str] = []
    try:
        asyncio.run(_serve(runner, reason))
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        why = reason[0] if reason else "harvest serve stopped"
        try:
            settle_abandoned_runs([d.name for d in deployments], why)
        except Exception as exc:  # the server itself may be gone: say so, do not hide the stop
            print(f"harvest: could not check for runs left in progress: {type(exc).__name__}: {exc}", file=sys.stderr)
    return reason[0] if reason else "stopped"


async def _serve(runner: Any, reason: list[str]) -> None:
    """Run the runner; once it has started, SIGINT and SIGTERM stop it through ``astop``
    (pause the schedules, cancel the runs in progress and wait for them); a second signal
    stops at once."""
    import asyncio
    import signal

    loop = asyncio.get_running_loop()
    names: dict[int, str] = {signal.SIGINT: "interrupted by Ctrl-C (SIGINT)", signal.SIGTERM: "stopped by SIGTERM"}

    def on_signal(signum: int) -> None:
        if reason:
            raise KeyboardInterrupt
        reason.append(names[signum])
        loop.create_task(runner.astop())

    async def install() -> None:
        while not runner.started:
            await asyncio.sleep(0.1)
        for signum in names:  # after the runner's own SIGTERM handler, which cannot stop it here
            loop.add_signal_handler(signum, on_signal, signum)

    watcher = loop.create_task(install())
    try:
        await runner.start()
    finally:
        watcher.cancel()
        for signum in names:
            loop.remove_signal_handler(signum)


def settle_abandoned_runs(names: list[str], why: str, wait: float = 15.0) -> list[str]:
    """Set Cancelled every run of the named deployments of ``harvest-crawl`` that is still
    Pending, Running or Cancelling although the process that ran it (on this machine) is gone.
    Waits up to ``wait`` seconds for such processes to end first. Returns the runs' names."""
    import socket
    import time

    from prefect import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Cancelled

    from storage.corpus import pid_alive

    host = socket.gethostname()
    settled: list[str] = []
    deadline = time.monotonic() + wait
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType(s) for s in _ACTIVE]))),
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=names)),
            )
            mine = []
            for run in runs:
                where, _, pid = (run.infrastructure_pid or "").rpartition(":")
                if where == host and pid.isdigit():
                    mine.append((run, pid_alive(int(pid))))
                elif run.state and run.state.type == StateType.PENDING and not run.infrastructure_pid:
                    mine.append((run, False))  # taken by a runner that never started it
            if not any(alive for _, alive in mine) or time.monotonic() >= deadline:
                break
            time.sleep(0.5)
        for run, alive in mine:
            if alive:
                continue
            message = f"{why}: harvest serve stopped while this run was in progress"
            client.set_flow_run_state(run.id, Cancelled(message=message), force=True)
            settled.append(run.name)
    return settled
