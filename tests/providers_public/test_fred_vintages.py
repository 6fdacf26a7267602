import pytest

from analysis.market_data import MarketDataError
from analysis.providers.public.fred import parse_fredgraph_csv, parse_observations
from tests.providers_public.conftest import body, ny

ALL = "fred/GDP-all-vintages-2016.json"
ASOF = "fred/GDP-asof-2019-01-01-2016.json"


def _q3_2018(series):
    return dict(zip(series.dates, series.values, strict=True))[ny(2018, 7, 1).date()]


def test_it_reads_gdp_as_known_on_2019_01_01_from_the_vintages():
    as_of = ny(2019, 1, 1, 18)
    every = parse_observations(body(ALL), "GDP", as_of=as_of)
    asked = parse_observations(body(ASOF), "GDP", as_of=as_of)
    # Q3 2018 rows: 20659.029 from 2018-10-26, 20660.34 from 2018-11-28, 20658.204 from
    # 2018-12-21 (current until 2019-07-25); Q4 2018 was first published on 2019-02-28.
    assert _q3_2018(every) == _q3_2018(asked) == 20658.204
    assert every.dates[-1].isoformat() == "2018-07-01"
    assert every.point_in_time and every.known_on.isoformat() == "2019-01-01"


def test_it_counts_a_vintage_from_17_00_new_york_on_its_day():
    assert _q3_2018(parse_observations(body(ALL), "GDP", as_of=ny(2018, 12, 21, 12))) == 20660.34
    assert _q3_2018(parse_observations(body(ALL), "GDP", as_of=ny(2018, 12, 21, 17))) == 20658.204


def test_it_reads_fredgraph_csv_as_not_point_in_time():
    series = parse_fredgraph_csv(body("fred/fredgraph-DGS10-tail.csv"), "DGS10")
    assert not series.point_in_time and series.series_id == "DGS10"
    assert (series.dates[-1].isoformat(), series.values[-1]) == ("2025-11-14", 4.14)


@pytest.mark.parametrize("text", [b"<html/>", b'{"observations": 3}', b'{"error_message": "Bad key"}'])
def test_it_rejects_a_malformed_observations_body(text):
    with pytest.raises(MarketDataError, match="FRED observations of GDP"):
        parse_observations(text, "GDP", as_of=ny(2019, 1, 1))


def test_it_rejects_a_csv_that_is_not_fredgraph():
    with pytest.raises(MarketDataError, match="header"):
        parse_fredgraph_csv("date,open,close\n2020-01-01,1,2\n")
