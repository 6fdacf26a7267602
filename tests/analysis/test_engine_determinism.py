"""Same ticker, date and provider: the same analysis, apart from timings."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from analysis.engine import EngineRequest, run_engine
from analysis.providers import DemoProvider

AS_OF = dt.datetime(2025, 6, 13, 23, 0, tzinfo=dt.UTC)


def _without_timings(analysis: dict[str, Any]) -> dict[str, Any]:
    cleaned = copy.deepcopy(analysis)
    cleaned["diagnostics"].pop("agent_latencies_s")
    return cleaned


def test_it_gives_the_same_analysis_twice() -> None:
    request = EngineRequest(ticker="NVDA", as_of=AS_OF, contract_enabled=True)
    first = run_engine(request, provider=DemoProvider())
    second = run_engine(request, provider=DemoProvider())
    assert _without_timings(first.analysis) == _without_timings(second.analysis)
    assert {n: o.data for n, o in first.agent_outputs.items()} == {
        n: o.data for n, o in second.agent_outputs.items()
    }


def test_different_dates_give_different_analyses() -> None:
    first = run_engine(EngineRequest(ticker="NVDA", as_of=AS_OF), provider=DemoProvider())
    later = run_engine(
        EngineRequest(ticker="NVDA", as_of=AS_OF + dt.timedelta(days=40)), provider=DemoProvider()
    )
    assert (
        first.analysis["decision_card"]["reference_price"]
        != later.analysis["decision_card"]["reference_price"]
    )
