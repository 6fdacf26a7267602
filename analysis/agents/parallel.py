"""Running the agents asked for: in parallel threads, each with a timeout, in two waves (an
agent that needs another's output, sentiment after news, runs in the second).

One agent's failure never sinks the run: an agent that raises, finds no data or times out is
recorded as a failed output saying why.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace

from analysis.agents import DEPENDENCIES, agent_runner
from analysis.agents.base import AgentContext, AgentOutput, NoData, failed_output
from analysis.market_data import MarketDataError, MarketDataProvider, PriceSeries

ProgressCallback = Callable[[str, str, int, str], None]  # stage, agent, percent, message

# Agents run in parallel threads; a timed-out agent's thread finishes in the
# background while its result is ignored, so the pool is shared and bounded.
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="agent")


def _timed(name: str, ctx: AgentContext) -> AgentOutput:
    started = time.perf_counter()
    try:
        output = agent_runner(name)(ctx)
    except NoData as exc:
        output = failed_output(name, f"No data: {exc}", source=ctx.provider.name)
    except MarketDataError as exc:
        output = failed_output(name, str(exc), source=ctx.provider.name)
    except Exception as exc:  # an agent's bug must not sink the run; recorded, not shown raw
        output = failed_output(name, f"Agent failed ({type(exc).__name__})", source=ctx.provider.name)
    return replace(_with_provenance(output, ctx), duration_seconds=time.perf_counter() - started)


def _with_provenance(output: AgentOutput, ctx: AgentContext) -> AgentOutput:
    """An answer from a provider that records provenance (`public`) carries its source, fetch
    time and whether it is point-in-time beside the agent's own keys (added, never replaced)."""
    provenance = getattr(ctx.provider, "provenance", None)
    found = provenance(output.agent_type, ctx.ticker) if output.success and callable(provenance) else None
    if not found:
        return output
    return replace(output, data={**found, **output.data})


def run_agents(
    *,
    ticker: str,
    as_of: dt.datetime,
    agents: Sequence[str],
    timeout_s: float,
    provider: MarketDataProvider,
    prices: PriceSeries,
    progress: ProgressCallback,
) -> dict[str, AgentOutput]:
    """Each agent's output by name, in the order asked; a failed or timed-out agent's says why."""
    ctx = AgentContext(ticker=ticker, as_of=as_of, provider=provider, prices=prices)
    first_wave = [a for a in agents if a not in DEPENDENCIES]
    second_wave = [a for a in agents if a in DEPENDENCIES]
    outputs: dict[str, AgentOutput] = {}
    total = len(agents)
    for wave in (first_wave, second_wave):
        wave_ctx = replace(ctx, upstream=dict(outputs))
        futures: dict[str, Future[AgentOutput]] = {}
        for name in wave:
            progress("agent_start", name, _percent(len(outputs), total), f"{name} agent started")
            futures[name] = _POOL.submit(_timed, name, wave_ctx)
        deadline = time.perf_counter() + timeout_s
        for name, future in futures.items():
            try:
                outputs[name] = future.result(timeout=max(0.0, deadline - time.perf_counter()))
            except FutureTimeout:
                outputs[name] = replace(
                    failed_output(name, f"Timed out after {timeout_s:g} s", source=provider.name),
                    duration_seconds=timeout_s,
                )
            status = "finished" if outputs[name].success else "failed"
            progress("agent_done", name, _percent(len(outputs), total), f"{name} agent {status}")
    return {name: outputs[name] for name in agents}


def _percent(done: int, total: int) -> int:
    return 10 + int(80 * done / max(total, 1))
