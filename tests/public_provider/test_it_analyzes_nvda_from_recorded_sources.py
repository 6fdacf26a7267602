"""POST /api/analyze/NVDA under MARKET_DATA_PROVIDER=public, every source replayed (conftest.py).

As of 2021-07-16, a session before NVIDIA's 4:1 split of 2021-07-20: the sources' clock is
frozen just after that evening, so it is a current run (keyless FRED may answer with today's
revision, labelled not point-in-time).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from analysis.models import Analysis
from calibration.models import AnalysisOutcome
from tests.public_provider.conftest import AS_OF, FIXTURES, fredgraph, load, without_fetch_times

pytestmark = pytest.mark.django_db


def _recorded_close(day: str) -> float:
    result = json.loads(load("yahoo/chart-NVDA-2021-02-01-to-2021-08-31.json"))["chart"]["result"][0]
    import datetime as dt

    from analysis.market_data import NEW_YORK

    days = [dt.datetime.fromtimestamp(t, NEW_YORK).date().isoformat() for t in result["timestamp"]]
    return result["indicators"]["quote"][0]["close"][days.index(day)]


def _latest_csv_value(series_id: str) -> float:
    rows = [line.split(",") for line in fredgraph(series_id).splitlines()[1:]]
    return float([value for day, value in rows if day <= AS_OF and value not in ("", ".")][-1])


def test_it_analyzes_nvda_point_in_time(pm_api: Any, recordings: Any, frozen_clock: Any) -> None:
    response = pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}")
    assert response.status_code == 200, response.content
    body = response.json()
    agents = body["agent_results"]

    # Prices: bars through 2021-07-16 only, the later 4:1 split undone (Yahoo divided them by it).
    market = agents["market"]["data"]
    assert market["as_of_date"] == AS_OF
    assert market["data_source"] == "yahoo" and market["point_in_time"] is True
    assert market["source_fetched_at"]
    outcome = AnalysisOutcome.objects.filter(analysis_id=body["analysis_id"]).first()
    assert outcome.baseline_price == pytest.approx(4 * _recorded_close(AS_OF))

    # Fundamentals from companyfacts; the last report is the latest 10-Q/10-K filed by then.
    fundamentals = agents["fundamentals"]
    assert fundamentals["success"], fundamentals["error"]
    assert fundamentals["data"]["data_source"] == "sec"
    facts = json.loads(load("sec/companyfacts-NVDA-2019-2021.json"))
    filed = {
        row["filed"]
        for concept in facts["facts"]["us-gaap"].values()
        for rows in concept["units"].values()
        for row in rows
        if row.get("form") in ("10-Q", "10-K") and row["filed"] <= AS_OF
    }
    assert fundamentals["data"]["last_earnings_date"] == max(filed) == "2021-05-26"
    assert fundamentals["data"]["next_earnings_date"] > AS_OF  # an estimate, after as_of

    # Macro: today's revision for a current as_of, read only up to as_of and labelled so.
    macro = agents["macro"]
    assert macro["success"], macro["error"]
    assert macro["data"]["point_in_time"] is False
    assert macro["data"]["fed_funds_rate"] == pytest.approx(_latest_csv_value("FEDFUNDS"))
    assert macro["data"]["unemployment_rate"] == pytest.approx(_latest_csv_value("UNRATE"))

    # News: the two items published before as_of, never the later ones.
    news = agents["news"]
    assert news["success"], news["error"]
    recorded = json.loads(load("yahoo/search-AAPL.json"))["news"]
    titles = {article["title"] for article in news["data"]["articles"]}
    assert titles == {recorded[0]["title"], recorded[1]["title"]}

    assert agents["options"]["success"] is False
    assert "OPTIONS_SOURCE=none" in agents["options"]["error"]


def test_it_reads_nothing_dated_after_as_of(pm_api: Any, recordings: Any, frozen_clock: Any) -> None:
    first = pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}").json()
    from datasources.cache import clear

    clear()
    recordings.poison = True  # every bar, fact, observation and article after as_of changed
    second = pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}").json()
    assert without_fetch_times(second["agent_results"]) == without_fetch_times(first["agent_results"])
    assert Analysis.objects.count() == 2


def test_it_makes_no_request_for_data_already_held(pm_api: Any, recordings: Any, frozen_clock: Any) -> None:
    assert pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}").status_code == 200
    cold = recordings.total
    assert cold > 0
    assert pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}").status_code == 200
    assert recordings.total == cold


def test_it_has_no_past_macro_without_a_fred_key(pm_api: Any, recordings: Any) -> None:
    # The real clock: 2021-07-16 is a past as_of, and fredgraph holds only today's values.
    agents = pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}").json()["agent_results"]
    assert agents["macro"]["success"] is False
    assert agents["macro"]["error"] == "No data: point-in-time macro needs FRED_API_KEY"
    assert recordings.seen["fred.test"] == 0


assert FIXTURES.exists()
