"""``harvest serve``: Prefect deployments with the cron schedules of ``sources.yaml``.

Sources sharing a ``group`` and a ``schedule`` share one deployment (``crawl-<group>``); a
source with a schedule and no group gets its own (``crawl-<source>``). Each deployment runs one
flow run at a time (a new run while one is running is cancelled), and a run that starts more
than ``max_lateness`` seconds after its scheduled time (after downtime) skips itself, so missed
runs do not pile up.
"""

from __future__ import annotations

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
            tags=["localgov-harvest"] + ([f"group:{plan.group}"] if plan.group else []),
            description=f"Crawl {', '.join(plan.sources)} on '{plan.cron}'.",
        ))
    return deployments
