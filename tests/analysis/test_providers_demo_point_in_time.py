"""Nothing the demo provider returns is dated after `as_of`; a day's bar appears only after its close."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analysis.market_data import NEW_YORK, NewsItem, last_closed_session_day
from analysis.providers.demo import DemoProvider

START = dt.date(2024, 1, 1)
THURSDAY = dt.date(2024, 3, 28)  # the session before Good Friday


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


def test_it_shows_a_bar_only_after_its_close() -> None:
    provider = DemoProvider()
    before = provider.prices("AAPL", start=START, as_of=_at(THURSDAY, 15, 59))
    after = provider.prices("AAPL", start=START, as_of=_at(THURSDAY, 16, 1))
    assert before.last_date == dt.date(2024, 3, 27)
    assert after.last_date == THURSDAY
    assert len(after) == len(before) + 1


def test_it_reads_as_of_in_new_york_time() -> None:
    # 20:30 UTC is 16:30 in New York (daylight saving time): Thursday's session has closed.
    as_of = dt.datetime(2024, 3, 28, 20, 30, tzinfo=dt.UTC)
    assert DemoProvider().prices("AAPL", start=START, as_of=as_of).last_date == THURSDAY


def test_it_has_no_bar_on_a_holiday() -> None:
    series = DemoProvider().prices("AAPL", start=START, as_of=_at(dt.date(2024, 3, 29), 18))
    assert series.last_date == THURSDAY


def test_it_returns_an_empty_series_before_the_synthetic_market() -> None:
    series = DemoProvider().prices("AAPL", start=dt.date(2000, 1, 1), as_of=_at(dt.date(2005, 1, 3), 18))
    assert len(series) == 0 and series.last_date is None


AS_OFS = [
    _at(THURSDAY, 15, 59),
    _at(THURSDAY, 16, 1),
    _at(dt.date(2024, 3, 30), 10),  # a Saturday
    _at(dt.date(2024, 4, 15), 8, 29),  # a minute before the macro release
    _at(dt.date(2024, 4, 15), 8, 30),
    _at(dt.date(2024, 1, 2), 9, 30),  # just after the year turned
]


@pytest.mark.parametrize("as_of", AS_OFS)
@pytest.mark.parametrize("ticker", ["AAPL", "SPY", "XYZ"])
def test_it_dates_nothing_after_as_of(ticker: str, as_of: dt.datetime) -> None:
    provider = DemoProvider()
    last_day = last_closed_session_day(as_of)
    series = provider.prices(ticker, start=dt.date(2023, 1, 1), as_of=as_of)
    assert series.last_date is not None and series.last_date <= last_day

    for item in provider.news(ticker, as_of=as_of, lookback_days=10):
        assert as_of - dt.timedelta(days=10) < item.published_at <= as_of

    options = provider.options(ticker, as_of=as_of)
    assert options is not None and options.as_of == series.last_date

    fundamentals = provider.fundamentals(ticker, as_of=as_of)
    assert fundamentals is not None and fundamentals.as_of <= last_day
    if fundamentals.last_earnings_date is not None:
        assert fundamentals.last_earnings_date <= as_of.date()
    if fundamentals.next_earnings_date is not None:
        assert fundamentals.next_earnings_date >= as_of.date()

    macro = provider.macro(as_of=as_of)
    assert macro is not None and macro.as_of <= as_of.date()


def test_it_releases_macro_data_on_schedule() -> None:
    provider = DemoProvider()
    before = provider.macro(as_of=_at(dt.date(2024, 4, 15), 8, 29))
    after = provider.macro(as_of=_at(dt.date(2024, 4, 15), 8, 30))
    assert before is not None and after is not None
    assert before.as_of == dt.date(2024, 3, 15)  # February's figures
    assert after.as_of == dt.date(2024, 4, 15)  # March's figures


def test_it_reveals_fundamentals_only_once_reported() -> None:
    provider = DemoProvider()
    report = provider.earnings_dates("AAPL", start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30))[0]
    the_evening_before = provider.fundamentals("AAPL", as_of=_at(report - dt.timedelta(days=1), 20))
    that_morning = provider.fundamentals("AAPL", as_of=_at(report, 7, 0))
    assert the_evening_before is not None and that_morning is not None
    assert the_evening_before.next_earnings_date == report
    assert (
        the_evening_before.last_earnings_date is not None and the_evening_before.last_earnings_date < report
    )
    assert that_morning.last_earnings_date == report


def test_it_keeps_the_close_out_of_earlier_news() -> None:
    # An article published before 16:00 must not know how the day ends; one after may.
    provider = DemoProvider()
    as_of = dt.datetime(2025, 6, 13, 18, 0, tzinfo=NEW_YORK)
    series = provider.prices("CAT", start=dt.date(2022, 1, 1), as_of=as_of)
    move = dict(
        zip(series.dates.astype(dt.date).tolist(), np.diff(np.log(series.close), prepend=np.nan), strict=True)
    )
    articles = [
        item
        for item in provider.news("CAT", as_of=as_of, lookback_days=1200)
        if item.category != "macro" and item.published_at.date() in move
    ]

    def correlation(items: list[NewsItem]) -> float:
        pairs = np.array([(item.sentiment, move[item.published_at.date()]) for item in items])
        return float(np.corrcoef(pairs[:, 0], pairs[:, 1])[0, 1])

    before_close = [item for item in articles if item.published_at.hour < 16]
    after_close = [item for item in articles if item.published_at.hour >= 16]
    assert abs(correlation(before_close)) < 0.15
    assert correlation(after_close) > 0.3
