"""Nothing dated after `as_of` can change an analysis for `as_of`."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from analysis.engine import EngineRequest, run_engine
from analysis.market_data import last_closed_session_day
from analysis.providers import CsvProvider, DemoProvider

AS_OF = dt.datetime(2024, 3, 15, 21, 30, tzinfo=dt.UTC)  # 17:30 New York, after that day's close


def _write_prices(directory: Path, ticker: str, *, future_multiplier: float) -> None:
    demo = DemoProvider().prices(ticker, start=dt.date(2021, 1, 1), as_of=AS_OF + dt.timedelta(days=60))
    cutoff = last_closed_session_day(AS_OF)
    lines = ["date,open,high,low,close,adj_close,volume"]
    for i, day in enumerate(demo.dates.astype(dt.date)):
        scale = future_multiplier if day > cutoff else 1.0
        o, h, lo, c = (float(a[i]) * scale for a in (demo.open, demo.high, demo.low, demo.close))
        lines.append(f"{day.isoformat()},{o:.4f},{h:.4f},{lo:.4f},{c:.4f},,{int(demo.volume[i])}")
    (directory / f"{ticker}.csv").write_text("\n".join(lines) + "\n")


def _comparable(result: Any) -> dict[str, Any]:
    analysis = copy.deepcopy(result.analysis)
    analysis["diagnostics"].pop("agent_latencies_s")
    return analysis


def test_changing_prices_after_as_of_changes_nothing(tmp_path: Path) -> None:
    calm, wild = tmp_path / "calm", tmp_path / "wild"
    for directory, multiplier in ((calm, 1.0), (wild, 3.0)):
        directory.mkdir()
        for ticker in ("MSFT", "SPY"):
            _write_prices(directory, ticker, future_multiplier=multiplier)
    request = EngineRequest(ticker="MSFT", as_of=AS_OF, agents=("market", "technical"), contract_enabled=True)
    calm_result = run_engine(request, provider=CsvProvider(calm))
    wild_result = run_engine(request, provider=CsvProvider(wild))
    assert calm_result.last_bar_date == dt.date(2024, 3, 15)
    assert _comparable(calm_result) == _comparable(wild_result)


def test_the_demo_provider_is_point_in_time_for_every_agent() -> None:
    # The same as_of asked of a provider that has also generated later data: identical result.
    fresh = DemoProvider()
    warmed = DemoProvider()
    warmed.prices("AAPL", start=dt.date(2020, 1, 1), as_of=AS_OF + dt.timedelta(days=400))
    warmed.news("AAPL", as_of=AS_OF + dt.timedelta(days=400))
    request = EngineRequest(ticker="AAPL", as_of=AS_OF, contract_enabled=True)
    assert _comparable(run_engine(request, provider=fresh)) == _comparable(
        run_engine(request, provider=warmed)
    )


def test_no_agent_sees_a_bar_or_article_after_as_of() -> None:
    result = run_engine(EngineRequest(ticker="AAPL", as_of=AS_OF), provider=DemoProvider())
    assert result.last_bar_date <= last_closed_session_day(AS_OF)
    for article in result.agent_outputs["news"].data["articles"]:
        assert dt.datetime.fromisoformat(article["published_at"]) <= AS_OF
    assert result.agent_outputs["market"].data["chart"]["dates"][-1] <= AS_OF.date().isoformat()
