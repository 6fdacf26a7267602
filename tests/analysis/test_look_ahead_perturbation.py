"""Rewriting everything dated after an analysis's `as_of` leaves the stored analysis unchanged.

The analysis runs through `run_analysis` (all seven agents, signal contract v2, optimizer v2,
reasoning trace, alerts v2, calibration economics) on `PerturbedProvider`, once over the
demo market and once over the same market with every bar, article, fundamentals, macro and
options figure and earnings date dated after `as_of` rewritten. Before the second run the
database also holds what a later moment would leave behind: an analysis as of a later date
(whose bars and articles fill the legacy `price_history` / `news_cache` tables) and
reliability bins dated later. What is stored (the analysis row and payload, agent results,
sentiment factors, outcome baselines) must be the same bytes, ids and timings aside. The
second test moves the cutoff before `as_of` and shows that the same comparison then fails
for every agent, so the first one would catch an engine that read the future.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db.models import Model

from analysis.models import Analysis, NewsArticle, PriceBar
from analysis.providers import get_provider
from core.flags import Flag
from orchestration.analysis import RunContext, prepare_run, run_analysis
from tests.factories import PortfolioHoldingFactory, PortfolioProfileFactory, ReliabilityBinFactory

pytestmark = pytest.mark.django_db

PROVIDER = "tests.analysis.perturbed_provider:PerturbedProvider"
AS_OF = dt.datetime(2025, 3, 14, 21, 30, tzinfo=dt.UTC)  # 17:30 New York, after Friday's close
LATER = AS_OF + dt.timedelta(days=40)
TICKER = "AAPL"
AGENTS = ("news", "market", "fundamentals", "technical", "macro", "options", "sentiment")
# What differs between two runs of the same analysis: row ids, creation times and timings.
VOLATILE = {"id", "analysis", "timestamp", "created_at", "duration_seconds", "evaluated_at"}


@pytest.fixture(autouse=True)
def every_feature(flag: Any) -> None:
    for name in (
        Flag.SIGNAL_CONTRACT_V2,
        Flag.COT_PERSISTENCE,
        Flag.PORTFOLIO_OPTIMIZER_V2,
        Flag.CALIBRATION_ECONOMICS,
        Flag.ALERTS_V2,
    ):
        flag(name.value, True)


@pytest.fixture(autouse=True)
def book_and_evidence(db: Any) -> None:
    """A portfolio to size against and reliability bins known before `as_of`, as a desk would have."""
    PortfolioProfileFactory()
    PortfolioHoldingFactory(ticker="MSFT", shares=40, market_value=20_000, sector="Information Technology")
    PortfolioHoldingFactory(ticker="XOM", shares=300, market_value=30_000, sector="Energy", beta=0.9)
    _bins(AS_OF.date() - dt.timedelta(days=3), hit_rate=0.58)


def _bins(day: dt.date, *, hit_rate: float) -> None:
    for horizon in (1, 7, 30):
        for index in range(5):
            ReliabilityBinFactory(
                as_of_date=day,
                horizon_days=horizon,
                bin_index=index,
                bin_lower=index / 5,
                bin_upper=(index + 1) / 5,
                sample_size=40,
                empirical_hit_rate=hit_rate,
            )


def _use_market(settings: Any, *, cutoff: dt.datetime, perturb: bool) -> Any:
    settings.MARKET_DATA_PROVIDER = PROVIDER
    settings.MARKET_DATA_PROVIDER_OPTIONS = {"cutoff": cutoff.isoformat(), "perturb": perturb}
    provider = get_provider()
    provider.asked.clear()
    return provider


def _rows(model_rows: Any, order: str) -> list[dict[str, Any]]:
    return [_fields(row) for row in model_rows.order_by(order)]


def _fields(row: Model) -> dict[str, Any]:
    return {f.name: f.value_from_object(row) for f in row._meta.concrete_fields if f.name not in VOLATILE}


def _without_timings(payload: dict[str, Any]) -> dict[str, Any]:
    payload = json.loads(json.dumps(payload))
    payload["diagnostics"].pop("agent_latencies_s")
    return payload


def stored(analysis: Analysis) -> dict[str, str]:
    """Everything stored for `analysis`, each part as canonical JSON, ids and timings aside."""
    row = _fields(analysis)
    row["analysis_payload"] = _without_timings(row["analysis_payload"])
    parts = {
        "analysis": row,
        "agent_results": _rows(analysis.agent_results, "agent_type"),
        "sentiment_factors": _rows(analysis.sentiment_factors, "factor"),
        "outcomes": _rows(analysis.outcomes, "horizon_days"),
    }
    return {name: json.dumps(value, sort_keys=True, default=str) for name, value in parts.items()}


def _analyse(context: RunContext | None = None) -> Analysis:
    return run_analysis(ticker=TICKER, agents=list(AGENTS), as_of=AS_OF, context=context)


def _cached_after(moment: dt.datetime) -> set[tuple[str, str]]:
    bars = PriceBar.objects.filter(timestamp__gt=moment).values_list("ticker", "timestamp")
    news = NewsArticle.objects.filter(published_at__gt=moment).values_list("ticker", "url")
    return {(t, str(k)) for t, k in bars} | {(t, str(k)) for t, k in news}


def test_it_stores_the_same_analysis_when_everything_after_as_of_is_rewritten(settings: Any) -> None:
    _use_market(settings, cutoff=AS_OF, perturb=False)
    calm = stored(_analyse())
    assert set(json.loads(calm["agent_results"])[i]["success"] for i in range(7)) == {True}
    assert json.loads(calm["analysis"])["signal_contract_v2"]["confidence"]["source"] == "reliability_bin"
    assert json.loads(calm["analysis"])["analysis_payload"]["portfolio_action_v2"]["schema_version"]

    perturbed = _use_market(settings, cutoff=AS_OF, perturb=True)
    # What a later moment leaves in the database: a later analysis (its bars, articles and
    # outcome rows in the legacy caches) and reliability bins dated after as_of.
    later = run_analysis(ticker=TICKER, agents=list(AGENTS), as_of=LATER)
    _bins(AS_OF.date() + dt.timedelta(days=5), hit_rate=0.05)
    cached_later = _cached_after(AS_OF)
    assert any(ticker == TICKER for ticker, _ in cached_later)  # the caches do hold the future
    assert later.analysis_payload["decision_card"]["reference_price"] > 2 * float(
        json.loads(calm["outcomes"])[0]["baseline_price"]
    )  # and the later market really is another one
    perturbed.asked.clear()

    wild = stored(_analyse())

    for part in calm:
        assert wild[part] == calm[part], part
    # No question about a later moment, and nothing dated later written by this run.
    assert max(moment for _, moment in perturbed.asked) <= AS_OF
    assert _cached_after(AS_OF) == cached_later
    # A watchlist run's way: the index and macro loaded once for the run, the engine in a
    # worker process that builds the provider from its spec.
    shared = prepare_run(as_of=AS_OF, share_market=True, engine_processes=1)
    assert stored(_analyse(shared)) == calm


def test_it_stores_another_analysis_when_data_known_at_as_of_is_rewritten(settings: Any) -> None:
    _use_market(settings, cutoff=AS_OF, perturb=False)
    calm = stored(_analyse())
    # The same rewriting from three weeks before as_of: every agent must see it.
    _use_market(settings, cutoff=AS_OF - dt.timedelta(days=21), perturb=True)
    wild = stored(_analyse())

    assert wild["analysis"] != calm["analysis"]
    assert wild["outcomes"] != calm["outcomes"]  # the baseline price is a perturbed close
    calm_agents = {row["agent_type"]: row["data"] for row in json.loads(calm["agent_results"])}
    wild_agents = {row["agent_type"]: row["data"] for row in json.loads(wild["agent_results"])}
    assert [name for name in AGENTS if wild_agents[name] == calm_agents[name]] == []
