"""The market context answers the index and macro questions of its own moment, and no others."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np
import pytest

from analysis.agents.macro import PREVIOUS_LOOKBACK
from analysis.engine import HISTORY_DAYS, EngineRequest, run_engine
from analysis.market_context import ContextProvider, load_market_context, with_market_context
from analysis.market_data import NEW_YORK, MacroSnapshot, MarketDataError, PriceSeries
from analysis.providers import DemoProvider

AS_OF = dt.datetime(2025, 6, 13, 23, 0, tzinfo=dt.UTC)  # 19:00 New York, after that day's close
INDEX_START = AS_OF.date() - dt.timedelta(days=HISTORY_DAYS)


class CountingProvider:
    """The demo market, noting every question it is asked."""

    def __init__(self, inner: Any = None) -> None:
        self.inner = inner or DemoProvider()
        self.name = self.inner.name
        self.is_demo = self.inner.is_demo
        self.calls: list[tuple[Any, ...]] = []

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> PriceSeries:
        self.calls.append(("prices", ticker, start, as_of))
        return self.inner.prices(ticker, start=start, as_of=as_of)

    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None:
        self.calls.append(("macro", as_of))
        return self.inner.macro(as_of=as_of)

    def fundamentals(self, ticker: str, *, as_of: dt.datetime) -> Any:
        self.calls.append(("fundamentals", ticker, as_of))
        return self.inner.fundamentals(ticker, as_of=as_of)

    def news(self, ticker: str, *, as_of: dt.datetime, lookback_days: int = 7) -> Any:
        self.calls.append(("news", ticker, as_of, lookback_days))
        return self.inner.news(ticker, as_of=as_of, lookback_days=lookback_days)

    def options(self, ticker: str, *, as_of: dt.datetime) -> Any:
        self.calls.append(("options", ticker, as_of))
        return self.inner.options(ticker, as_of=as_of)

    def earnings_dates(self, ticker: str, *, start: dt.date, end: dt.date) -> Any:
        self.calls.append(("earnings_dates", ticker, start, end))
        return self.inner.earnings_dates(ticker, start=start, end=end)


class FailingProvider(CountingProvider):
    """Raises on the index, the macro snapshot or both, `failures` times each (None: always)."""

    def __init__(self, *, index: bool = False, macro: bool = False, failures: int | None = None) -> None:
        super().__init__()
        self.fail_index, self.fail_macro = index, macro
        self.failures_left = {"prices": failures, "macro": failures}

    def _fails(self, method: str) -> bool:
        left = self.failures_left[method]
        if left is None:
            return True
        self.failures_left[method] = left - 1
        return left > 0

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> PriceSeries:
        if self.fail_index and ticker.upper() == "SPY" and self._fails("prices"):
            self.calls.append(("prices", ticker, start, as_of))
            raise MarketDataError("The index feed is down")
        return super().prices(ticker, start=start, as_of=as_of)

    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None:
        if self.fail_macro and self._fails("macro"):
            self.calls.append(("macro", as_of))
            raise MarketDataError("The macro feed is down")
        return super().macro(as_of=as_of)


class NoMacroProvider(CountingProvider):
    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None:
        self.calls.append(("macro", as_of))
        return None


def _loaded(provider: CountingProvider) -> ContextProvider:
    """`provider` behind a context loaded at AS_OF, with the loading calls forgotten."""
    context = load_market_context(provider, as_of=AS_OF, index_start=INDEX_START)
    provider.calls.clear()
    wrapped = with_market_context(provider, context)
    assert isinstance(wrapped, ContextProvider)
    return wrapped


def _comparable(result: Any) -> dict[str, Any]:
    analysis = copy.deepcopy(result.analysis)
    analysis["diagnostics"].pop("agent_latencies_s")
    return analysis


def _assert_same_series(got: PriceSeries, expected: PriceSeries) -> None:
    assert (got.ticker, got.source, got.is_demo, got.adjusted) == (
        expected.ticker,
        expected.source,
        expected.is_demo,
        expected.adjusted,
    )
    for field in ("dates", "open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(getattr(got, field), getattr(expected, field))


def test_it_loads_the_index_and_macro_once() -> None:
    provider = CountingProvider()
    context = load_market_context(provider, as_of=AS_OF, index_start=INDEX_START)
    assert provider.calls == [
        ("prices", "SPY", INDEX_START, AS_OF),
        ("macro", AS_OF),
        ("macro", AS_OF - PREVIOUS_LOOKBACK),  # the previous release the macro agent compares with
    ]
    assert (context.as_of, context.index_start, context.macro_loaded) == (AS_OF, INDEX_START, True)
    assert context.index is not None and context.index.last_date == dt.date(2025, 6, 13)
    assert context.macro == DemoProvider().macro(as_of=AS_OF)


def test_without_a_context_the_provider_is_unwrapped() -> None:
    provider = DemoProvider()
    assert with_market_context(provider, None) is provider


@pytest.mark.parametrize("ticker", ["AAPL", "SPY"])
def test_an_engine_run_is_identical_with_and_without_the_context(ticker: str) -> None:
    request = EngineRequest(ticker=ticker, as_of=AS_OF, contract_enabled=True)
    plain = run_engine(request, provider=DemoProvider())
    counting = CountingProvider()
    shared = run_engine(request, provider=_loaded(counting))
    assert _comparable(shared) == _comparable(plain)
    assert {n: o.data for n, o in shared.agent_outputs.items()} == {
        n: o.data for n, o in plain.agent_outputs.items()
    }
    assert (shared.reference_price, shared.last_bar_date, shared.predicted_up_probability) == (
        plain.reference_price,
        plain.last_bar_date,
        plain.predicted_up_probability,
    )
    assert (shared.data_source, shared.is_demo) == ("demo", True)
    # The index and the macro snapshot came from the context: the run asked the provider neither.
    assert not [c for c in counting.calls if c[0] == "macro" or c[:2] == ("prices", "SPY")]


def test_the_index_and_macro_at_the_as_of_come_from_the_context() -> None:
    provider = CountingProvider()
    wrapped = _loaded(provider)
    expected = DemoProvider().prices("SPY", start=INDEX_START, as_of=AS_OF)
    _assert_same_series(wrapped.prices("SPY", start=INDEX_START, as_of=AS_OF), expected)
    _assert_same_series(wrapped.prices("spy", start=INDEX_START, as_of=AS_OF), expected)
    # The same instant in New York time is the same moment.
    _assert_same_series(wrapped.prices("SPY", start=INDEX_START, as_of=AS_OF.astimezone(NEW_YORK)), expected)
    assert wrapped.macro(as_of=AS_OF) == DemoProvider().macro(as_of=AS_OF)
    assert provider.calls == []


@pytest.mark.parametrize(
    "as_of",
    [
        AS_OF - dt.timedelta(days=30),
        AS_OF - dt.timedelta(minutes=1),  # the same session, but a different moment
        AS_OF + dt.timedelta(minutes=1),
        AS_OF + dt.timedelta(days=30),
    ],
)
def test_the_same_questions_about_another_moment_go_to_the_provider(as_of: dt.datetime) -> None:
    provider = CountingProvider()
    wrapped = _loaded(provider)
    # Point in time: the answer is the provider's for that moment, never the context's.
    _assert_same_series(
        wrapped.prices("SPY", start=INDEX_START, as_of=as_of),
        DemoProvider().prices("SPY", start=INDEX_START, as_of=as_of),
    )
    assert wrapped.macro(as_of=as_of) == DemoProvider().macro(as_of=as_of)
    assert provider.calls == [("prices", "SPY", INDEX_START, as_of), ("macro", as_of)]


def test_a_later_index_as_of_sees_bars_the_context_does_not_have() -> None:
    wrapped = _loaded(CountingProvider())
    later = wrapped.prices("SPY", start=INDEX_START, as_of=AS_OF + dt.timedelta(days=30))
    assert later.last_date is not None and later.last_date > dt.date(2025, 6, 13)


def test_another_ticker_goes_to_the_provider() -> None:
    provider = CountingProvider()
    wrapped = _loaded(provider)
    _assert_same_series(
        wrapped.prices("AAPL", start=INDEX_START, as_of=AS_OF),
        DemoProvider().prices("AAPL", start=INDEX_START, as_of=AS_OF),
    )
    assert provider.calls == [("prices", "AAPL", INDEX_START, AS_OF)]


@pytest.mark.parametrize(
    "start",
    [
        INDEX_START + dt.timedelta(days=1),
        dt.date(2024, 6, 15),  # a Saturday: the series starts on the Monday after
        dt.date(2025, 6, 13),  # the last session alone
        dt.date(2025, 6, 14),  # after the last session: no bars
    ],
)
def test_a_later_start_is_sliced_from_the_context(start: dt.date) -> None:
    provider = CountingProvider()
    wrapped = _loaded(provider)
    sliced = wrapped.prices("SPY", start=start, as_of=AS_OF)
    assert provider.calls == []
    _assert_same_series(sliced, DemoProvider().prices("SPY", start=start, as_of=AS_OF))
    assert len(sliced) == 0 or sliced.dates[0] >= np.datetime64(start, "D")


def test_an_earlier_start_goes_to_the_provider() -> None:
    provider = CountingProvider()
    wrapped = _loaded(provider)
    start = INDEX_START - dt.timedelta(days=365)
    earlier = wrapped.prices("SPY", start=start, as_of=AS_OF)
    assert provider.calls == [("prices", "SPY", start, AS_OF)]
    _assert_same_series(earlier, DemoProvider().prices("SPY", start=start, as_of=AS_OF))
    assert earlier.dates[0] < np.datetime64(INDEX_START, "D")


@pytest.mark.parametrize(("index", "macro"), [(True, False), (False, True), (True, True)])
def test_a_failed_load_is_not_kept_and_the_provider_raises_again(index: bool, macro: bool) -> None:
    provider = FailingProvider(index=index, macro=macro)
    context = load_market_context(provider, as_of=AS_OF, index_start=INDEX_START)
    assert (context.index is None) is index
    assert context.macro_loaded is not macro
    if macro:
        assert context.macro is None
    provider.calls.clear()
    wrapped = with_market_context(provider, context)
    if index:
        with pytest.raises(MarketDataError, match="The index feed is down"):
            wrapped.prices("SPY", start=INDEX_START, as_of=AS_OF)
        with pytest.raises(MarketDataError, match="The index feed is down"):
            wrapped.prices("SPY", start=INDEX_START + dt.timedelta(days=10), as_of=AS_OF)
    if macro:
        with pytest.raises(MarketDataError, match="The macro feed is down"):
            wrapped.macro(as_of=AS_OF)
    assert len(provider.calls) == 2 * index + macro  # each question went to the provider
    # The half that loaded is still answered from the context.
    provider.calls.clear()
    if not index:
        wrapped.prices("SPY", start=INDEX_START, as_of=AS_OF)
    if not macro:
        wrapped.macro(as_of=AS_OF)
    assert provider.calls == []


def test_a_provider_that_recovers_answers_the_next_question() -> None:
    # Why the failure is not cached: a blip during loading must not fail every ticker of the run.
    provider = FailingProvider(index=True, macro=True, failures=1)
    wrapped = with_market_context(
        provider, load_market_context(provider, as_of=AS_OF, index_start=INDEX_START)
    )
    _assert_same_series(
        wrapped.prices("SPY", start=INDEX_START, as_of=AS_OF),
        DemoProvider().prices("SPY", start=INDEX_START, as_of=AS_OF),
    )
    assert wrapped.macro(as_of=AS_OF) == DemoProvider().macro(as_of=AS_OF)


def test_no_macro_data_is_an_answer_kept_in_the_context() -> None:
    provider = NoMacroProvider()
    context = load_market_context(provider, as_of=AS_OF, index_start=INDEX_START)
    assert (context.macro, context.macro_loaded) == (None, True)
    provider.calls.clear()
    wrapped = with_market_context(provider, context)
    assert wrapped.macro(as_of=AS_OF) is None
    assert provider.calls == []


def test_an_engine_run_over_a_failed_context_matches_one_without() -> None:
    request = EngineRequest(ticker="AAPL", as_of=AS_OF, contract_enabled=True)
    plain = run_engine(request, provider=FailingProvider(index=True, macro=True))
    provider = FailingProvider(index=True, macro=True)
    context = load_market_context(provider, as_of=AS_OF, index_start=INDEX_START)
    shared = run_engine(request, provider=with_market_context(provider, context))
    assert shared.agent_outputs["macro"].success is False
    assert shared.agent_outputs["macro"].error == plain.agent_outputs["macro"].error
    assert _comparable(shared) == _comparable(plain)


def test_the_other_questions_and_the_name_are_the_providers() -> None:
    provider = CountingProvider()
    wrapped = _loaded(provider)
    demo = DemoProvider()
    assert (wrapped.name, wrapped.is_demo) == ("demo", True)
    assert wrapped.fundamentals("AAPL", as_of=AS_OF) == demo.fundamentals("AAPL", as_of=AS_OF)
    assert wrapped.news("AAPL", as_of=AS_OF, lookback_days=3) == demo.news(
        "AAPL", as_of=AS_OF, lookback_days=3
    )
    assert wrapped.options("AAPL", as_of=AS_OF) == demo.options("AAPL", as_of=AS_OF)
    window = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    dates = wrapped.earnings_dates("AAPL", start=window[0], end=window[1])
    assert dates and dates == demo.earnings_dates("AAPL", start=window[0], end=window[1])
    assert provider.calls == [
        ("fundamentals", "AAPL", AS_OF),
        ("news", "AAPL", AS_OF, 3),
        ("options", "AAPL", AS_OF),
        ("earnings_dates", "AAPL", *window),
    ]
    assert "as_of=2025-06-13T23:00:00+00:00" in repr(wrapped)
