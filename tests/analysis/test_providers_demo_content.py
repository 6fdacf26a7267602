"""What the demo provider's fundamentals, news, macro, options and earnings dates look like."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analysis.market_data import NEW_YORK, MarketDataError, UnknownTicker
from analysis.providers.calendar import is_trading_day
from analysis.providers.demo import DemoProvider
from analysis.providers.demo_news import CATEGORIES

AS_OF = dt.datetime(2025, 6, 13, 18, 0, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("ticker", "sector"),
    [
        ("AAPL", "Information Technology"),
        ("MSFT", "Information Technology"),
        ("NVDA", "Information Technology"),
        ("JPM", "Financials"),
        ("BRK.B", "Financials"),
        ("XOM", "Energy"),
        ("JNJ", "Health Care"),
        ("PG", "Consumer Staples"),
        ("KO", "Consumer Staples"),
        ("CAT", "Industrials"),
    ],
)
def test_it_knows_large_caps_sectors(ticker: str, sector: str) -> None:
    fundamentals = DemoProvider().fundamentals(ticker, as_of=AS_OF)
    assert fundamentals is not None and fundamentals.sector == sector


def test_it_fills_fundamentals_plausibly() -> None:
    f = DemoProvider().fundamentals("ZZZ", as_of=AS_OF)
    assert f is not None and f.is_demo and f.source == "demo"
    assert f.market_cap is not None and 1e8 < f.market_cap < 1e13
    assert f.pe_ratio is not None and 3 < f.pe_ratio < 150
    assert f.forward_pe is not None and f.forward_pe > 0
    assert f.profit_margin is not None and f.operating_margin is not None
    assert 0 < f.profit_margin < f.operating_margin < 1
    assert f.dividend_yield is not None and 0 <= f.dividend_yield < 0.1
    assert f.earnings_beat_rate is not None and 0 <= f.earnings_beat_rate <= 1
    assert f.last_earnings_date is not None and f.next_earnings_date is not None
    assert 60 <= (f.next_earnings_date - f.last_earnings_date).days <= 110


def test_it_changes_fundamentals_only_at_reports() -> None:
    provider = DemoProvider()
    reports = provider.earnings_dates("AAPL", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    within = [
        provider.fundamentals("AAPL", as_of=dt.datetime.combine(day, dt.time(20), tzinfo=NEW_YORK))
        for day in (reports[1] + dt.timedelta(days=3), reports[1] + dt.timedelta(days=40))
    ]
    assert within[0] is not None and within[1] is not None
    assert within[0].eps_growth == within[1].eps_growth
    assert within[0].profit_margin == within[1].profit_margin


def test_it_spaces_earnings_dates_quarterly() -> None:
    days = DemoProvider().earnings_dates("MSFT", start=dt.date(2023, 1, 1), end=dt.date(2025, 12, 31))
    assert len(days) == 12
    assert all(is_trading_day(day) for day in days)
    gaps = np.diff(np.array(days, dtype="datetime64[D]")).astype(int)
    assert gaps.min() >= 70 and gaps.max() <= 110
    # 25..35 days after the quarter's end (rolled to a session): late January, April, July, October.
    assert all(day.month in (1, 2, 4, 5, 7, 8, 10, 11) for day in days)


def test_it_gives_the_index_no_earnings() -> None:
    assert DemoProvider().earnings_dates("SPY", start=dt.date(2023, 1, 1), end=dt.date(2025, 12, 31)) == []


def test_it_writes_news_items() -> None:
    items = DemoProvider().news("AAPL", as_of=AS_OF, lookback_days=30)
    assert items
    assert [item.published_at for item in items] == sorted(
        (item.published_at for item in items), reverse=True
    )
    for item in items:
        assert item.is_demo and item.ticker == "AAPL"
        assert -1 <= item.sentiment <= 1
        assert item.category in CATEGORIES
        assert item.source.startswith("Demo")
        day = item.published_at.astimezone(NEW_YORK).date()
        assert item.url.startswith(f"https://demo.pmresearch.invalid/news/AAPL/{day.isoformat()}/")
        assert item.published_at.tzinfo is not None
        assert item.title


def test_it_writes_at_most_six_articles_a_day() -> None:
    items = DemoProvider().news("NVDA", as_of=AS_OF, lookback_days=120)
    per_day: dict[dt.date, int] = {}
    for item in items:
        day = item.published_at.astimezone(NEW_YORK).date()
        per_day[day] = per_day.get(day, 0) + 1
    assert max(per_day.values()) <= 6
    assert all(is_trading_day(day) for day in per_day)


def test_it_leans_sentiment_on_returns() -> None:
    # Articles after the close lean on that day's move, so sentiment and return agree more often than not.
    provider = DemoProvider()
    series = provider.prices("CAT", start=dt.date(2023, 1, 1), as_of=AS_OF)
    change = dict(
        zip(series.dates.astype(dt.date).tolist(), np.diff(np.log(series.close), prepend=np.nan), strict=True)
    )
    pairs = [
        (item.sentiment, change[item.published_at.date()])
        for item in provider.news("CAT", as_of=AS_OF, lookback_days=500)
        if item.published_at.hour >= 16 and item.category != "macro" and item.published_at.date() in change
    ]
    sentiment, moves = np.array(pairs).T
    assert np.corrcoef(sentiment, moves)[0, 1] > 0.2


def test_it_keeps_macro_within_bounds() -> None:
    provider = DemoProvider()
    for year in range(2010, 2027):
        m = provider.macro(as_of=dt.datetime(year, 7, 1, 12, tzinfo=NEW_YORK))
        assert m is not None and m.is_demo
        assert 0 <= m.fed_funds_rate <= 6.5
        assert -1 <= m.cpi_yoy <= 10
        assert -6 <= m.gdp_growth <= 8
        assert m.treasury_2y > 0
        assert 0 < m.treasury_10y < 9
        assert 3 <= m.unemployment_rate <= 11
        assert -3 <= m.fed_funds_change_6m <= 3


def test_it_summarises_options() -> None:
    provider = DemoProvider()
    summaries = [
        provider.options("AAPL", as_of=dt.datetime(2025, 1, 2, 18, tzinfo=NEW_YORK) + dt.timedelta(days=d))
        for d in range(0, 200, 3)
    ]
    ratios = []
    for s in summaries:
        assert s is not None and s.is_demo
        assert s.call_volume > 0 and s.put_volume > 0 and s.call_open_interest > 0 and s.put_open_interest > 0
        close = provider.prices(
            "AAPL", start=s.as_of, as_of=dt.datetime.combine(s.as_of, dt.time(17), tzinfo=NEW_YORK)
        )
        assert abs(s.max_pain / float(close.close[-1]) - 1) < 0.15
        assert 0.05 < s.highest_iv < 2
        assert len(s.unusual) <= 3
        for activity in s.unusual:
            assert activity.kind in ("call", "put")
            assert activity.volume >= 2 * activity.open_interest
            assert activity.expiry > s.as_of
        ratios.append(s.put_volume / s.call_volume)
    assert 0.5 <= float(np.median(ratios)) <= 1.5


def test_it_accepts_any_valid_symbol() -> None:
    assert len(DemoProvider().prices("QZXV", start=dt.date(2025, 1, 1), as_of=AS_OF)) > 100


@pytest.mark.parametrize("ticker", ["", "../etc", "TOO LONG", "1ABC", "AB$"])
def test_it_rejects_invalid_symbols(ticker: str) -> None:
    with pytest.raises(UnknownTicker):
        DemoProvider().prices(ticker, start=dt.date(2025, 1, 1), as_of=AS_OF)


def test_it_rejects_a_naive_as_of() -> None:
    with pytest.raises(MarketDataError):
        DemoProvider().prices("AAPL", start=dt.date(2025, 1, 1), as_of=dt.datetime(2025, 6, 13, 18))
