"""The public sources replayed from recordings through an httpx mock transport.

Recordings used (tests/fixtures/online, origins in its README.md), and how the scenario is
composed from them, since they come from different dates:

- Yahoo chart: `chart-NVDA-2021-02-01-to-2021-08-31.json` as recorded (the 2021-07-20 4:1 split
  in its events); any other symbol is answered with Yahoo's "Not Found" chart error (the index
  SPY too: no 2021 recording of it exists, so the regime and beta go without it).
- Yahoo search news: `search-AAPL.json` with its four items' titles and links kept and their
  `providerPublishTime` moved to 3 and 1 days before `as_of` and 1 and 10 days after it.
- SEC: the ticker map excerpt and NVDA's companyfacts as recorded; NVDA's submissions (not
  recorded) composed from the companyfacts themselves: one 10-Q/10-K row per accession with its
  `filed` day at 16:05 as acceptance time, and SIC 3674 (NVIDIA's code on EDGAR).
- FRED without a key, for a current `as_of` (the clock frozen just after it): the fredgraph CSVs
  FEDFUNDS, CPIAUCSL, UNRATE (whole), DGS10 and DGS2 (2020-2021 excerpts), and GDP as fredgraph
  would give it, the latest vintage of each observation of `GDP-all-vintages-2016.json`.

`poison=True` multiplies every value dated after AS_OF (bars, facts filed, observations) by ten
and retitles the later news, so a test can show that nothing after `as_of` was read.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from analysis.market_data import NEW_YORK
from analysis.providers.public import loaders
from datasources.config import load_config
from datasources.http import SourceClient, reset_client
from datasources.state import SqliteState

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "online"
AS_OF = "2021-07-16"
AS_OF_MOMENT = dt.datetime(2021, 7, 16, 23, 59, tzinfo=NEW_YORK)  # how the API reads ?as_of=
FROZEN_NOW = dt.datetime(2021, 7, 16, 23, 59, 30, tzinfo=NEW_YORK)
NVDA_CIK = 1045810
NOT_FOUND = {"chart": {"result": None, "error": {"code": "Not Found", "description": "No data found"}}}


def load(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def _poisoned_chart() -> dict:
    chart = json.loads(load("yahoo/chart-NVDA-2021-02-01-to-2021-08-31.json"))
    result = chart["chart"]["result"][0]
    quote = result["indicators"]["quote"][0]
    cut = AS_OF_MOMENT.timestamp()
    for i, t in enumerate(result["timestamp"]):
        if t > cut:
            for name in ("open", "high", "low", "close"):
                quote[name][i] *= 10
    return chart


def companyfacts(*, poison: bool = False) -> dict:
    facts = json.loads(load("sec/companyfacts-NVDA-2019-2021.json"))
    if poison:
        for concepts in facts["facts"].values():
            for concept in concepts.values():
                for rows in concept["units"].values():
                    for row in rows:
                        if row["filed"] > AS_OF:
                            row["val"] *= 10
    return facts


def submissions(facts: dict) -> dict:
    filed: dict[str, tuple[str, str]] = {}
    for concepts in facts["facts"].values():
        for concept in concepts.values():
            for rows in concept["units"].values():
                for row in rows:
                    if row.get("form") in ("10-Q", "10-K"):
                        filed.setdefault(row["accn"], (row["form"], row["filed"]))
    rows = sorted(filed.items(), key=lambda item: item[1][1], reverse=True)
    return {
        "cik": str(NVDA_CIK),
        "name": "NVIDIA CORP",
        "sic": "3674",
        "filings": {
            "recent": {
                "accessionNumber": [accn for accn, _ in rows],
                "form": [form for _, (form, _) in rows],
                "acceptanceDateTime": [f"{day}T16:05:00.000Z" for _, (_, day) in rows],
                "items": ["" for _ in rows],
                "primaryDocument": ["" for _ in rows],
            }
        },
    }


def search(*, poison: bool = False) -> dict:
    body = json.loads(load("yahoo/search-AAPL.json"))
    shifts = (-3, -1, 1, 10)
    for item, days in zip(body["news"], shifts, strict=False):
        item["providerPublishTime"] = int((AS_OF_MOMENT + dt.timedelta(days=days)).timestamp())
        if poison and days > 0:
            item["title"] = "Record profit surge beats every estimate"
    return body


def fredgraph(series_id: str, *, poison: bool = False) -> str:
    if series_id == "GDP":
        rows = json.loads(load("fred/GDP-all-vintages-2016.json"))["observations"]
        latest = {r["date"]: r["value"] for r in rows if r["realtime_end"] == "9999-12-31"}
        lines = ["observation_date,GDP", *(f"{d},{v}" for d, v in sorted(latest.items()))]
    else:
        name = {"DGS10": "DGS10-2020-2021", "DGS2": "DGS2-2020-2021"}.get(series_id, f"{series_id}-tail")
        lines = load(f"fred/fredgraph-{name}.csv").decode().splitlines()
    if poison:
        out = [lines[0]]
        for line in lines[1:]:
            day, _, value = line.partition(",")
            if day > AS_OF and value not in ("", "."):
                value = str(float(value) * 10)
            out.append(f"{day},{value}")
        lines = out
    return "\n".join(lines) + "\n"


@dataclasses.dataclass
class Recordings:
    """The replaying handler, the requests it answered per host, and switches for failures."""

    poison: bool = False
    sec_down: bool = False
    seen: Counter = dataclasses.field(default_factory=Counter)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host, path = request.url.host, request.url.path
        self.seen[host] += 1
        if host.startswith("sec"):
            if self.sec_down:
                raise httpx.ConnectTimeout("timed out", request=request)
            facts = companyfacts(poison=self.poison)
            if path == "/files/company_tickers.json":
                return httpx.Response(200, content=load("sec/company_tickers-excerpt.json"))
            if path == f"/api/xbrl/companyfacts/CIK{NVDA_CIK:010d}.json":
                return httpx.Response(200, json=facts)
            if path == f"/submissions/CIK{NVDA_CIK:010d}.json":
                return httpx.Response(200, json=submissions(facts))
            return httpx.Response(404, content=load("sec/submissions-404.xml"))
        if host == "yahoo.test":
            if path == "/v8/finance/chart/NVDA":
                if self.poison:
                    return httpx.Response(200, json=_poisoned_chart())
                return httpx.Response(200, content=load("yahoo/chart-NVDA-2021-02-01-to-2021-08-31.json"))
            if path.startswith("/v8/finance/chart/"):
                return httpx.Response(404, json=NOT_FOUND)
            if path == "/v1/finance/search":
                return httpx.Response(200, json=search(poison=self.poison))
        if host == "fred.test" and path == "/graph/fredgraph.csv":
            return httpx.Response(200, text=fredgraph(request.url.params["id"], poison=self.poison))
        return httpx.Response(404, text="not recorded")

    @property
    def total(self) -> int:
        return sum(self.seen.values())


@pytest.fixture
def recordings(settings, tmp_path, monkeypatch) -> Iterator[Recordings]:  # type: ignore[no-untyped-def]
    """MARKET_DATA_PROVIDER=public with every source pointed at the recordings."""
    settings.MARKET_DATA_PROVIDER = "public"
    settings.SEC_USER_AGENT = "Test Desk desk@example.com"
    settings.SEC_DATA_URL, settings.SEC_WWW_URL = "http://sec-data.test", "http://sec-www.test"
    settings.YAHOO_QUERY_URL, settings.FRED_URL = "http://yahoo.test", "http://fred.test"
    settings.FRED_API_KEY = ""
    settings.MARKET_DATA_BACKOFF_SECONDS = 0.0
    for name in ("SEC", "YAHOO", "FRED"):
        setattr(settings, f"{name}_RATE_LIMIT_PER_SECOND", 1000.0)
    handler = Recordings()
    state = SqliteState(tmp_path / "state.sqlite3")
    reset_client()
    client = SourceClient(config=load_config(), transport=httpx.MockTransport(handler), state=state)
    monkeypatch.setattr(loaders, "get_client", lambda: client)
    yield handler
    client.close()
    reset_client()


@pytest.fixture
def frozen_clock(monkeypatch) -> Callable[[], dt.datetime]:  # type: ignore[no-untyped-def]
    """The sources' clock just after AS_OF, so it is a current run and keyless FRED may answer."""
    monkeypatch.setattr(loaders, "now", lambda: FROZEN_NOW)
    return loaders.now


def without_fetch_times(agent_results: dict) -> dict:
    cleaned = copy.deepcopy(agent_results)
    for result in cleaned.values():
        result.pop("duration_seconds", None)
        result.pop("timestamp", None)
        (result.get("data") or {}).pop("source_fetched_at", None)
    return cleaned


@pytest.fixture
def pm_api(pm):  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user=pm)
    return client


@pytest.fixture
def flag(db):  # type: ignore[no-untyped-def]
    from rollout.models import FeatureFlag

    def set_flag(name: str, on: bool) -> None:
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": on})

    return set_flag
