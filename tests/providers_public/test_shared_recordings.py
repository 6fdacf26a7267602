"""The parsers over the full recordings in ../shared/fixtures/online (skipped when absent)."""

import json

import numpy as np
import pytest

from analysis.providers.public import fred, sec, yahoo
from tests.providers_public.conftest import SHARED, ny

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"recordings not present at {SHARED}")


def _read(relative):
    return (SHARED / relative).read_bytes()


def test_it_parses_every_yahoo_chart_recording():
    for name, ticker in (
        ("chart-AAPL-2020-08-31-to-2020-11-07-div-split-earn.json", "AAPL"),
        ("chart-MSFT-2021-02-01-to-2022-01-31-div.json", "MSFT"),
        ("chart-NVDA-2021-02-01-to-2022-01-31-split.json", "NVDA"),
    ):
        series = yahoo.parse_chart(_read(f"yahoo/{name}"), ticker, as_of=ny(2025, 1, 2, 18))
        assert len(series) > 40 and np.all(np.diff(series.dates.astype(int)) > 0)


def test_it_undoes_the_nvda_split_across_the_whole_2021_chart():
    raw = json.loads(_read("yahoo/chart-NVDA-2021-02-01-to-2022-01-31-split.json"))
    recorded_first_close = raw["chart"]["result"][0]["indicators"]["quote"][0]["close"][0]
    series = yahoo.parse_chart(raw, "NVDA", as_of=ny(2021, 7, 19, 18))
    assert series.close[0] == recorded_first_close * 4


def test_it_reads_full_companyfacts_of_both_filers():
    for cik, ticker in ((320193, "AAPL"), (1045810, "NVDA")):
        facts = json.loads(_read(f"sec/companyfacts-CIK{cik:010d}.json"))
        f = sec.fundamentals_from_companyfacts(
            facts, as_of=ny(2025, 1, 2, 18), price=100.0, sic="3674", ticker=ticker
        )
        assert f.earnings_per_share > 0 and 0 < f.profit_margin < 1 and f.revenue_growth is not None


def test_it_reads_every_submissions_recording_and_the_404():
    for cik in (320193, 789019, 1318605):
        past, upcoming = sec.earnings_dates_from_submissions(
            json.loads(_read(f"sec/submissions-CIK{cik:010d}.json")), as_of=ny(2025, 6, 1)
        )
        assert len(past) >= 4 and upcoming is not None and upcoming > ny(2025, 6, 1).date()
    assert sec.is_no_such_filer(_read("sec/submissions-CIK-000000001-404.xml"))


def test_it_reads_both_current_feeds_and_the_full_ticker_map():
    assert len(sec.parse_current_feed(_read("sec/browse-edgar-getcurrent-atom.xml"))) == 100
    assert {f.form for f in sec.parse_current_feed(_read("sec/browse-edgar-getcurrent-form4-atom.xml"))} == {
        "4"
    }
    assert len(sec.parse_ticker_map(_read("sec/company_tickers.json"))) > 9000


def test_it_reads_the_full_gdp_vintages_like_the_as_of_request():
    as_of = ny(2019, 1, 1, 18)
    every = fred.parse_observations(
        _read("fred/series-observations-GDP-all-vintages.json"), "GDP", as_of=as_of
    )
    asked = fred.parse_observations(
        _read("fred/series-observations-GDP-asof-2019-01-01.json"), "GDP", as_of=as_of
    )
    assert every.dates == asked.dates and every.values == asked.values
