"""One agent's failure or timeout is recorded and never sinks the run."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from analysis.agents import fundamentals, options
from analysis.engine import EngineRequest, run_engine
from analysis.providers import DemoProvider

AS_OF = dt.datetime(2025, 6, 13, 23, 0, tzinfo=dt.UTC)


def test_a_crashing_agent_is_recorded_without_its_exception_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(ctx: Any) -> Any:
        raise RuntimeError("secret connection string leaked")

    monkeypatch.setattr(fundamentals, "run", explode)
    result = run_engine(EngineRequest(ticker="AAPL", as_of=AS_OF), provider=DemoProvider())
    failed = result.agent_outputs["fundamentals"]
    assert failed.success is False
    assert failed.error == "Agent failed (RuntimeError)"
    assert all(o.success for name, o in result.agent_outputs.items() if name != "fundamentals")
    assert result.analysis["diagnostics"]["failed_agents"] == ["fundamentals"]
    assert result.analysis["diagnostics"]["data_quality_level"] == "warn"


def test_a_slow_agent_times_out_and_the_rest_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    real = options.run

    def slow(ctx: Any) -> Any:
        time.sleep(0.5)
        return real(ctx)

    monkeypatch.setattr(options, "run", slow)
    started = time.perf_counter()
    result = run_engine(
        EngineRequest(ticker="AAPL", as_of=AS_OF, agent_timeout_s=0.1), provider=DemoProvider()
    )
    assert time.perf_counter() - started < 0.45  # the run did not wait for the slow agent
    timed_out = result.agent_outputs["options"]
    assert (timed_out.success, timed_out.error) == (False, "Timed out after 0.1 s")
    assert result.analysis["recommendation"] in ("BUY", "HOLD", "SELL")
