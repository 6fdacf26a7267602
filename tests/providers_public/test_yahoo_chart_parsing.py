import json

import numpy as np
import pytest

from analysis.market_data import MarketDataError, UnknownTicker
from analysis.providers.public.yahoo import chart_url, parse_chart
from tests.providers_public.conftest import body, ny

AAPL = "yahoo/chart-AAPL-2020-08-31-to-2020-11-07.json"


def test_it_reads_bars_dated_in_the_exchange_zone_up_to_the_last_closed_session():
    # 2020-10-01 at noon: the 2020-10-01 session is still open, so the last bar is 2020-09-30.
    series = parse_chart(body(AAPL), "aapl", as_of=ny(2020, 10, 1, 12))
    assert series.ticker == "AAPL" and series.source == "yahoo" and not series.is_demo
    assert series.dates[0] == np.datetime64("2020-08-31") and series.last_date.isoformat() == "2020-09-30"
    assert len(series.close) == len(series.volume) == len(series) == 22
    after_close = parse_chart(body(AAPL), "AAPL", as_of=ny(2020, 10, 1, 16))
    assert after_close.last_date.isoformat() == "2020-10-01"


def test_it_keeps_the_traded_close_when_no_event_falls_after_the_bars():
    raw = json.loads(body(AAPL))["chart"]["result"][0]["indicators"]["quote"][0]
    series = parse_chart(body(AAPL), "AAPL", as_of=ny(2020, 10, 1, 12))
    # The 2020-08-31 split is the first bar's own ex-date, and the dividend of 2020-11-06 is
    # after as_of: neither changes a visible bar.
    assert series.close[0] == raw["close"][0] and series.volume[0] == raw["volume"][0]


def test_it_names_an_unknown_symbol():
    missing = b'{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found"}}}'
    with pytest.raises(UnknownTicker, match="ZZZZ"):
        parse_chart(missing, "ZZZZ", as_of=ny(2024, 1, 2, 17))


@pytest.mark.parametrize(
    "text",
    [
        b"<html>rate limited</html>",
        b"[]",
        b'{"chart": 1}',
        b'{"chart":{"result":[{"timestamp":[1],'
        b'"indicators":{"quote":[{"open":[1],"high":[1],"low":[1],"close":[1,2],"volume":[1]}]}}]}}',
    ],
)
def test_it_rejects_a_malformed_chart_with_a_clear_error(text):
    with pytest.raises(MarketDataError, match="Yahoo chart for AAPL"):
        parse_chart(text, "AAPL", as_of=ny(2024, 1, 2, 17))


def test_it_builds_the_chart_request_through_the_end_day():
    url, params = chart_url("https://example.test/", "NVDA", ny(2021, 2, 1).date(), ny(2021, 2, 1).date())
    assert url == "https://example.test/v8/finance/chart/NVDA"
    # 2021-02-01 00:00 UTC and the next midnight (period2 is exclusive).
    assert (params["period1"], params["period2"]) == ("1612137600", "1612224000")
    assert params["events"] == "div|split" and params["interval"] == "1d"


def test_it_answers_an_empty_series_for_a_window_without_sessions():
    empty = b'{"chart":{"result":[{"meta":{"symbol":"AAPL"},"indicators":{"quote":[{}]}}],"error":null}}'
    series = parse_chart(empty, "AAPL", as_of=ny(2024, 1, 2, 17))
    assert len(series) == 0 and series.last_date is None
