import datetime as dt

import pytest

from analysis.market_data import MarketDataError
from analysis.providers.public.fred import (
    NEEDS_KEY,
    FredSeries,
    NeedsFredKey,
    macro_snapshot,
    parse_fredgraph_csv,
)
from tests.providers_public.conftest import body, ny


def _series(series_id, pairs, point_in_time=True):
    dates = tuple(dt.date.fromisoformat(d) for d, _ in pairs)
    return FredSeries(series_id, dates, tuple(v for _, v in pairs), point_in_time)


SERIES = {
    "DFF": _series("DFF", [("2023-06-01", 4.0), ("2023-12-01", 5.25), ("2023-12-31", 5.33)]),
    "CPILFESL": _series("CPILFESL", [("2022-12-01", 300.0), ("2023-11-01", 309.0), ("2023-12-01", 312.0)]),
    "GDP": _series("GDP", [("2023-04-01", 100.0), ("2023-07-01", 102.0)]),
    "DGS10": _series("DGS10", [("2023-12-29", 3.88)]),
    "DGS2": _series("DGS2", [("2023-12-29", 4.23)]),
    "UNRATE": _series("UNRATE", [("2023-11-01", 3.7)]),
}


def test_it_maps_the_series_onto_the_snapshot():
    snapshot = macro_snapshot(SERIES, as_of=ny(2024, 1, 2, 18))
    assert snapshot.source == "fred" and not snapshot.is_demo and snapshot.as_of.isoformat() == "2024-01-02"
    assert snapshot.fed_funds_rate == 5.33
    # 6 months before 2023-12-31 is 2023-06-28; the value on or before it is 4.0 → +1.33.
    assert snapshot.fed_funds_change_6m == 1.33
    assert snapshot.cpi_yoy == 4.0  # 312 / 300 − 1
    assert snapshot.gdp_growth == round(((102 / 100) ** 4 - 1) * 100, 2) == 8.24
    assert (snapshot.treasury_10y, snapshot.treasury_2y, snapshot.unemployment_rate) == (3.88, 4.23, 3.7)


def test_it_refuses_today_values_for_a_past_as_of_without_a_key():
    today = {**SERIES, "DGS10": parse_fredgraph_csv(body("fred/fredgraph-DGS10-tail.csv"))}
    with pytest.raises(NeedsFredKey, match="point-in-time macro needs FRED_API_KEY"):
        macro_snapshot(today, as_of=ny(2024, 1, 2, 18), now=ny(2025, 11, 17, 9))
    assert str(NeedsFredKey()) == NEEDS_KEY == "no data: point-in-time macro needs FRED_API_KEY"


def test_it_uses_today_values_for_a_current_as_of_without_a_key():
    now = ny(2025, 11, 17, 18)
    series = {
        sid: parse_fredgraph_csv(body(f"fred/fredgraph-{sid}-tail.csv"))
        for sid in ("FEDFUNDS", "CPIAUCSL", "DGS10", "DGS2", "UNRATE")
    }
    series["GDP"] = _series("GDP", [("2025-01-01", 100.0), ("2025-04-01", 101.0)], point_in_time=False)
    snapshot = macro_snapshot(series, as_of=now, now=now)
    assert snapshot.treasury_10y == 4.14 and snapshot.treasury_2y == series["DGS2"].values[-1]


def test_it_names_the_missing_series():
    partial = {k: v for k, v in SERIES.items() if k != "UNRATE"}
    with pytest.raises(MarketDataError, match="UNRATE"):
        macro_snapshot(partial, as_of=ny(2024, 1, 2, 18))
