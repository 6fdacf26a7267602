"""Stage D: the PM-critical APIs, the login page and the dashboard's protection."""

from __future__ import annotations

from rollout.canary.client import (
    CanaryClient,
    Outcome,
    expect_status,
    fail,
    ok,
    require_keys,
    response_json,
)
from rollout.canary.options import CanaryOptions


def check_api(
    canary: CanaryClient, path: str, keys: tuple[str, ...] = (), *, allow_404: bool = False
) -> Outcome:
    response = canary.request("GET", path)
    if allow_404 and response.status_code == 404:
        return ok(f"GET {path} → 404 (no analysis yet; allowed)")
    expect_status(response, 200)
    require_keys(response_json(response), keys, f"GET {path}")
    return ok(f"GET {path} → 200" + (f" with {', '.join(keys)}" if keys else ""))


def check_login_page(canary: CanaryClient, frontend: str) -> Outcome:
    with canary.anonymous_client() as client:
        response = canary.request("GET", f"{frontend}/accounts/login/", client=client)
    if response.status_code != 200:
        return fail(f"GET {frontend}/accounts/login/ → {response.status_code}")
    return ok(f"GET {frontend}/accounts/login/ → 200")


def check_dashboard_protected(canary: CanaryClient, frontend: str) -> Outcome:
    with canary.anonymous_client() as client:
        response = canary.request("GET", f"{frontend}/", client=client)
    location = response.headers.get("location", "")
    if response.status_code in (301, 302, 303, 307, 308) and "/accounts/login/" in location:
        return ok(f"GET {frontend}/ without a session → {response.status_code} to {location}")
    return fail(
        f"GET {frontend}/ without a session → {response.status_code}"
        + (f" to {location}" if location else "")
        + ", expected a redirect to /accounts/login/"
    )


def run_stage_d(canary: CanaryClient, options: CanaryOptions) -> None:
    stage = "stage_d"
    analysed: list[str] = []

    def tickers() -> Outcome:
        payload = require_keys(
            canary.get_json("/api/analysis/tickers"), ("tickers",), "GET /api/analysis/tickers"
        )
        # The earlier shape: [{ticker, analysis_count, latest_recommendation, latest_timestamp}].
        for item in payload["tickers"] or []:
            analysed.append(str(item.get("ticker")) if isinstance(item, dict) else str(item))
        return ok(f"GET /api/analysis/tickers → 200, {len(analysed)} analysed ticker(s)")

    canary.check(stage, "api_analysis_tickers", tickers)
    ticker = analysed[0] if analysed else options.stage_c_tickers[0]
    canary.check(
        stage,
        "api_analysis_latest",
        lambda: check_api(canary, f"/api/analysis/{ticker}/latest", ("ticker",), allow_404=not analysed),
    )
    canary.check(
        stage,
        "api_analysis_history",
        lambda: check_api(canary, f"/api/analysis/{ticker}/history", ("analyses",)),
    )
    canary.check(stage, "api_portfolio", lambda: check_api(canary, "/api/portfolio"))
    canary.check(stage, "api_alerts", lambda: check_api(canary, "/api/alerts", ("rules", "total_count")))
    canary.check(
        stage,
        "api_notifications_count",
        lambda: check_api(canary, "/api/alerts/notifications/count", ("count",)),
    )
    canary.check(
        stage, "api_watchlists", lambda: check_api(canary, "/api/watchlists", ("watchlists", "total_count"))
    )
    canary.check(stage, "api_calibration_summary", lambda: check_api(canary, "/api/calibration/summary"))
    frontend = (options.frontend_url or canary.base_url).rstrip("/")
    canary.check(stage, "login_page", lambda: check_login_page(canary, frontend))
    canary.check(stage, "dashboard_protected", lambda: check_dashboard_protected(canary, frontend))
