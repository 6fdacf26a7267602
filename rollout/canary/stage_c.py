"""Stage C: a throw-away watchlist analysed over SSE (done, and opportunities when
WATCHLIST_RANKING_ENABLED), the same tickers analysed one after another, the speed-up.

The watchlist routes answer as the earlier API did: a create is a 200 `{id, name, tickers: []}`,
adding a ticker a 200 `{success, ticker, watchlist_id}`, a delete a 200 `{success, message}`.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any

import httpx

from core.flags import Flag
from rollout.canary.client import (
    CanaryClient,
    CheckFailed,
    Outcome,
    expect_status,
    fail,
    ok,
    require_keys,
    response_json,
)
from rollout.canary.options import CanaryOptions

WATCHLIST_PREFIX = "canary"


def throwaway_watchlist_name() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return f"{WATCHLIST_PREFIX}-{stamp}-{secrets.token_hex(3)}"


class WatchlistProbe:
    """A throw-away watchlist analysed over SSE, then the same tickers one after another.

    Before the timed run, an untimed run of the first ticker alone starts what a server
    starts on its first watchlist run (the engine worker processes), as a benchmark's
    warm-up would. The watchlist runs first, so the sequential baseline gets whatever
    caches it warmed: the measured speed-up is a lower bound.
    """

    def __init__(self, canary: CanaryClient, options: CanaryOptions) -> None:
        self.canary = canary
        self.options = options
        self.tickers = options.stage_c_tickers
        self.name = throwaway_watchlist_name()
        self.watchlist_id: int | None = None
        self.watchlist_s: float | None = None
        self.sequential_s: float | None = None

    def _agents_params(self) -> dict[str, str]:
        return {"agents": self.options.stage_c_agents} if self.options.stage_c_agents else {}

    def check_create(self) -> Outcome:
        response = self.canary.request("POST", "/api/watchlists", json={"name": self.name})
        expect_status(response, 200)
        body = require_keys(response_json(response), ("id", "name", "tickers"), "POST /api/watchlists")
        self.watchlist_id = int(body["id"])
        if body["tickers"] != []:
            return fail(
                f"POST /api/watchlists: a new watchlist should have tickers [], got {body['tickers']!r}"
            )
        self._add(self.tickers[0])
        started = time.perf_counter()
        warm_up = self.canary.sse_request(
            "POST", f"/api/watchlists/{self.watchlist_id}/analyze", params=self._agents_params()
        )
        warm_up_s = time.perf_counter() - started
        if not any(name == "done" for name, _ in warm_up):
            return fail(f"the warm-up run of {self.tickers[0]} ended without a done event")
        for ticker in self.tickers[1:]:
            self._add(ticker)
        return ok(
            f"watchlist '{self.name}' (#{self.watchlist_id}) with {', '.join(self.tickers)}; "
            f"untimed warm-up run of {self.tickers[0]} in {warm_up_s:.2f} s"
        )

    def _add(self, ticker: str) -> None:
        added = self.canary.request(
            "POST", f"/api/watchlists/{self.watchlist_id}/tickers", json={"ticker": ticker}
        )
        expect_status(added, 200)
        what = f"POST /api/watchlists/{self.watchlist_id}/tickers"
        body = require_keys(response_json(added), ("success", "ticker", "watchlist_id"), what)
        if body["success"] is not True or body["watchlist_id"] != self.watchlist_id:
            raise CheckFailed(f"{what}: answered {body!r} for {ticker}")

    def check_sse(self) -> Outcome:
        if self.watchlist_id is None:
            return fail("not run: no watchlist was created")
        try:
            posture = self.canary.posture(self.options.window_for("stage_c"))
            ranking = posture.get(Flag.WATCHLIST_RANKING.value)
            # Only analyses that carry a signal contract are ranked, as in the earlier API.
            contract = posture.get(Flag.SIGNAL_CONTRACT_V2.value)
            unknown = ""
        except CheckFailed as exc:  # still measure the stream: the speed-up needs its time
            ranking, contract, unknown = None, None, str(exc)
        started = time.perf_counter()
        events = self.canary.sse_request(
            "POST", f"/api/watchlists/{self.watchlist_id}/analyze", params=self._agents_params()
        )
        self.watchlist_s = time.perf_counter() - started
        results = sum(1 for name, _ in events if name == "result")
        errors = [data for name, data in events if name == "error"]
        done = [data for name, data in events if name == "done"]
        facts = f"{results} result(s), {len(errors)} error(s) in {self.watchlist_s:.2f} s"
        data = {"results": results, "errors": len(errors), "watchlist_s": round(self.watchlist_s, 3)}
        if not done:
            return fail(f"no done event; {facts}", **data)
        opportunities = done[-1].get("opportunities") if isinstance(done[-1], dict) else None
        count = len(opportunities) if isinstance(opportunities, list) else 0
        data["opportunities"] = count
        problems = []
        if errors:
            problems.append("errors: " + "; ".join(_error_event_text(e) for e in errors[:3]))
        if results != len(self.tickers):
            problems.append(f"expected {len(self.tickers)} result(s)")
        if not isinstance(opportunities, list):
            problems.append(f"done has no opportunities list (got {type(opportunities).__name__})")
        elif ranking is True and contract is True and count == 0:
            problems.append("WATCHLIST_RANKING_ENABLED is on but done has no opportunities")
        if unknown and count == 0:
            problems.append(f"no opportunities, and WATCHLIST_RANKING_ENABLED is unknown ({unknown})")
        if problems:
            return fail(f"done; {facts}; " + "; ".join(problems), **data)
        if count:
            ranked = f"{count} opportunities"
        elif ranking is True:
            ranked = "SIGNAL_CONTRACT_V2_ENABLED off: no analysis carries a contract to rank"
        else:
            ranked = "WATCHLIST_RANKING_ENABLED off: none required"
        return ok(f"done; {facts}; {ranked}", **data)

    def check_sequential(self) -> Outcome:
        started = time.perf_counter()
        timeout = httpx.Timeout(self.canary.timeout, read=self.canary.analysis_timeout)
        for ticker in self.tickers:
            response = self.canary.request(
                "POST", f"/api/analyze/{ticker}", params=self._agents_params(), timeout=timeout
            )
            expect_status(response, 200)
        self.sequential_s = time.perf_counter() - started
        return ok(
            f"{len(self.tickers)} analyses one after another in {self.sequential_s:.2f} s",
            sequential_s=round(self.sequential_s, 3),
        )

    def check_speedup(self) -> Outcome:
        if self.watchlist_s is None or self.sequential_s is None:
            return fail("not measured: the watchlist or the sequential run failed")
        speedup = self.sequential_s / max(self.watchlist_s, 1e-6)
        required = self.options.stage_c_required_speedup
        data = {
            "watchlist_s": round(self.watchlist_s, 3),
            "sequential_s": round(self.sequential_s, 3),
            "speedup": round(speedup, 3),
            "required_speedup": required,
        }
        detail = (
            f"speed-up {speedup:.2f}x (sequential {self.sequential_s:.2f} s / watchlist "
            f"{self.watchlist_s:.2f} s), required ≥ {required:g}x"
        )
        return ok(detail, **data) if speedup >= required else fail(detail, **data)

    def check_cleanup(self) -> Outcome:
        if self.watchlist_id is None:
            return ok("no watchlist was created; nothing to delete")
        response = self.canary.request("DELETE", f"/api/watchlists/{self.watchlist_id}")
        expect_status(response, 200)
        gone = self.canary.request("GET", f"/api/watchlists/{self.watchlist_id}")
        if gone.status_code != 404:
            return fail(f"deleted, but GET /api/watchlists/{self.watchlist_id} → {gone.status_code}")
        return ok(f"deleted watchlist '{self.name}' (#{self.watchlist_id})")


def _error_event_text(data: Any) -> str:
    if isinstance(data, dict):
        return f"{data.get('ticker', '?')}: {data.get('error') or data.get('detail') or data}"[:120]
    return str(data)[:120]


def run_stage_c(canary: CanaryClient, options: CanaryOptions) -> None:
    probe = WatchlistProbe(canary, options)
    try:
        canary.check("stage_c", "watchlist_create", probe.check_create)
        canary.check("stage_c", "watchlist_sse", probe.check_sse)
        canary.check("stage_c", "sequential_analyses", probe.check_sequential)
        canary.check("stage_c", "watchlist_speedup", probe.check_speedup)
    finally:
        canary.check("stage_c", "watchlist_cleanup", probe.check_cleanup)
