"""A market data source behind HTTP, for the watchlist benchmark: recorded answers, fixed latency.

Three parts:

- `record(...)` asks a provider (the demo one in the benchmark) every question an analysis asks,
  for a set of tickers as of one moment, and writes the answers to a JSON file;
- `python bench/replay.py serve --data FILE --delay-ms D --port P` serves that file over HTTP,
  sleeping D ms before every answer, so each call costs what a remote data vendor's call costs;
- `ReplayProvider` (`MARKET_DATA_PROVIDER=bench.replay:ReplayProvider`,
  `MARKET_DATA_PROVIDER_OPTIONS={"base_url": "http://127.0.0.1:P"}`) is the client the server
  under test uses: one HTTP call per provider call, over a pooled keep-alive connection.

The data are the demo market's, labelled `is_demo`; only the transport and its latency are
what a remote source would have. The client stays point-in-time: it drops bars and articles
after the `as_of` it is asked about, and answers "no data" for snapshots recorded later.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    # Run as a script, this folder leads sys.path, and its `analysis.py` would shadow the app.
    _here = Path(__file__).resolve().parent
    sys.path[:] = [str(_here.parent), *(p for p in sys.path if Path(p or ".").resolve() != _here)]

import httpx
import numpy as np

from analysis.market_data import (
    Fundamentals,
    MacroSnapshot,
    MarketDataError,
    NewsItem,
    OptionsSummary,
    PriceSeries,
    UnknownTicker,
    UnusualOptionActivity,
    last_closed_session_day,
)

RECORDED_NEWS_DAYS = 30  # more than any agent asks for, so a lookback is cut client-side


# --- recording -----------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _prices_json(series: PriceSeries) -> dict[str, Any]:
    return {
        "ticker": series.ticker,
        "dates": [str(d) for d in series.dates.astype("datetime64[D]")],
        "open": series.open.tolist(),
        "high": series.high.tolist(),
        "low": series.low.tolist(),
        "close": series.close.tolist(),
        "volume": series.volume.tolist(),
        "is_demo": series.is_demo,
    }


def record(
    provider: Any, tickers: list[str], *, index: str, as_of: dt.datetime, start: dt.date
) -> dict[str, Any]:
    """Every answer an analysis of `tickers` as of `as_of` needs, as JSON-able data."""
    answers: dict[str, Any] = {
        "recorded_as_of": as_of.isoformat(),
        "macro": _jsonable(provider.macro(as_of=as_of)),
        "prices": {},
        "fundamentals": {},
        "news": {},
        "options": {},
    }
    for ticker in [index, *tickers]:
        answers["prices"][ticker] = _prices_json(provider.prices(ticker, start=start, as_of=as_of))
    for ticker in tickers:
        answers["fundamentals"][ticker] = _jsonable(provider.fundamentals(ticker, as_of=as_of))
        answers["news"][ticker] = _jsonable(
            provider.news(ticker, as_of=as_of, lookback_days=RECORDED_NEWS_DAYS)
        )
        answers["options"][ticker] = _jsonable(provider.options(ticker, as_of=as_of))
    return answers


# --- the server ----------------------------------------------------------------------


def make_server(answers: dict[str, Any], *, port: int, delay_s: float) -> ThreadingHTTPServer:
    """GET /{prices|fundamentals|news|options}/{TICKER} and /macro, each after `delay_s`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a vendor's API would

        def do_GET(self) -> None:
            time.sleep(delay_s)
            parts = self.path.strip("/").split("/")
            if parts == ["macro"]:
                found, body = True, answers["macro"]
            elif len(parts) == 2 and parts[0] in ("prices", "fundamentals", "news", "options"):
                found = parts[1] in answers[parts[0]]
                body = answers[parts[0]].get(parts[1])
            else:
                found, body = False, None
            payload = json.dumps(
                {"detail": f"nothing recorded for {self.path}"} if not found else body
            ).encode()
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per call would drown the benchmark's output

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


# --- the client ----------------------------------------------------------------------


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


class ReplayProvider:
    """A `MarketDataProvider` over the replay server; thread-safe (one pooled httpx client)."""

    # The recorded data are the demo market's, and are labelled so wherever they show.
    name = "demo"
    is_demo = True

    def __init__(self, base_url: str, timeout_s: float = 10.0) -> None:
        self._client = httpx.Client(
            base_url=base_url,
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )
        self._recorded_as_of: dt.datetime | None = None
        self._lock = threading.Lock()

    def _get(self, path: str) -> Any:
        try:
            response = self._client.get(path)
        except httpx.HTTPError as exc:
            raise MarketDataError(f"The replay source did not answer ({type(exc).__name__})") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise MarketDataError(f"The replay source answered {response.status_code}")
        return response.json()

    def _snapshot_visible(self, snapshot_as_of: str, as_of: dt.datetime) -> bool:
        """A snapshot recorded as of a later day is not known at `as_of` (point-in-time)."""
        return dt.date.fromisoformat(snapshot_as_of[:10]) <= last_closed_session_day(as_of) + dt.timedelta(
            days=1
        )

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> PriceSeries:
        data = self._get(f"/prices/{ticker}")
        if data is None:
            raise UnknownTicker(f"The replay source has nothing recorded for {ticker}")
        dates = np.array(data["dates"], dtype="datetime64[D]")
        keep = (dates >= np.datetime64(start, "D")) & (
            dates <= np.datetime64(last_closed_session_day(as_of), "D")
        )
        return PriceSeries(
            ticker=data["ticker"],
            dates=dates[keep],
            **{k: np.asarray(data[k], dtype=float)[keep] for k in ("open", "high", "low", "close", "volume")},
            source=self.name,
            is_demo=True,
        )

    def fundamentals(self, ticker: str, *, as_of: dt.datetime) -> Fundamentals | None:
        data = self._get(f"/fundamentals/{ticker}")
        if not data or not self._snapshot_visible(data["as_of"], as_of):
            return None
        for key in ("as_of", "next_earnings_date", "last_earnings_date"):
            data[key] = _date(data[key])
        return Fundamentals(**{**data, "source": self.name})

    def news(self, ticker: str, *, as_of: dt.datetime, lookback_days: int = 7) -> list[NewsItem]:
        rows = self._get(f"/news/{ticker}") or []
        since = as_of - dt.timedelta(days=lookback_days)
        items = [
            NewsItem(**{**row, "published_at": dt.datetime.fromisoformat(row["published_at"])})
            for row in rows
        ]
        return [item for item in items if since < item.published_at <= as_of]

    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None:
        data = self._get("/macro")
        if not data or not self._snapshot_visible(data["as_of"], as_of):
            return None
        return MacroSnapshot(**{**data, "as_of": _date(data["as_of"]), "source": self.name})

    def options(self, ticker: str, *, as_of: dt.datetime) -> OptionsSummary | None:
        data = self._get(f"/options/{ticker}")
        if not data or not self._snapshot_visible(data["as_of"], as_of):
            return None
        unusual = tuple(
            UnusualOptionActivity(**{**u, "expiry": _date(u["expiry"])}) for u in data.pop("unusual")
        )
        return OptionsSummary(
            **{**data, "as_of": _date(data["as_of"]), "unusual": unusual, "source": self.name}
        )

    def earnings_dates(self, ticker: str, *, start: dt.date, end: dt.date) -> list[dt.date]:
        return []  # not recorded: the benchmark does not schedule runs

    def __repr__(self) -> str:
        return f"ReplayProvider({str(self._client.base_url)!r})"


# --- command line --------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve recorded market data over HTTP with a fixed delay.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("--data", type=Path, required=True, help="a JSON file written by record()")
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--delay-ms", type=float, required=True, help="sleep before every answer")
    args = parser.parse_args(argv)
    if args.delay_ms < 0:
        parser.error("--delay-ms cannot be negative")
    try:
        answers = json.loads(args.data.read_text())
    except (OSError, ValueError) as exc:
        parser.error(f"cannot read {args.data}: {exc}")
    server = make_server(answers, port=args.port, delay_s=args.delay_ms / 1000.0)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is how it is stopped
            server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
