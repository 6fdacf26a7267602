"""The earlier system's rollout canary, Stage B and Stage C, as tests against a live server.

The earlier canary (its `rollout_canary` runner) talks plain HTTP with a token and holds each
step to a 200 and to the few keys it reads: Stage B creates a v2 alert rule (`ev_above`) and
reads it back by id, creates a legacy rule (`recommendation_change`, no threshold), then deletes
both; Stage C creates a throw-away watchlist, adds tickers to it, and deletes it. Those steps are
restated here against uvicorn over the test database, so a 201 (or a missing key) is caught the
way that canary would catch it. The recordings of the same exchanges are POST__api_alerts_v2_ev_above,
GET__api_alerts_{rule_id}, POST__api_alerts_no_threshold, DELETE__api_alerts_{rule_id},
POST__api_watchlists and POST__api_watchlists_{watchlist_id}_tickers (replayed in test_alerts.py
and test_watchlists.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from knox.models import AuthToken

from accounts.roles import Role
from alerts.models import AlertRule
from core.flags import Flag
from rollout.models import FeatureFlag
from tests.flag_rows import ensure_flag_rows
from watchlists.models import Watchlist

pytestmark = pytest.mark.django_db(transaction=True)


def throwaway_ticker(first: str) -> str:
    """Five letters, as the earlier canary made them: a fixed first letter, four random ones."""
    return first + "".join(secrets.choice(string.ascii_uppercase) for _ in range(4))


@pytest.fixture
def earlier_canary(server_url: str, make_user: Any) -> Iterator[httpx.Client]:
    """An HTTP client as the earlier canary used one: a base URL, JSON, a token header."""
    ensure_flag_rows()
    token = AuthToken.objects.create(user=make_user(Role.PM, username="earlier-canary"))[1]
    with httpx.Client(base_url=server_url, headers={"Authorization": f"Token {token}"}, timeout=60) as client:
        yield client


def set_flags(**flags: bool) -> None:
    for name, on in flags.items():
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": on})


def answered(response: httpx.Response, *keys: str) -> dict[str, Any]:
    """The earlier canary's test of a step: status 200 and a JSON object with these keys."""
    assert response.status_code == 200, (
        f"{response.request.method} {response.request.url}: {response.text[:300]}"
    )
    body = response.json()
    assert isinstance(body, dict)
    missing = [key for key in keys if key not in body]
    assert not missing, f"{response.request.url}: missing {missing} in {body}"
    return body


# --- Stage B -------------------------------------------------------------------------------------


def test_stage_b_v2_alert_create_and_read_back(earlier_canary: httpx.Client) -> None:
    set_flags(**{Flag.ALERTS_V2.value: True, Flag.PORTFOLIO_OPTIMIZER_V2.value: True})
    ticker = throwaway_ticker("Q")
    created = answered(
        earlier_canary.post(
            "/api/alerts", json={"ticker": ticker, "rule_type": "ev_above", "threshold": 0.1}
        ),
        "id",
    )
    assert isinstance(created["id"], int)

    read = answered(earlier_canary.get(f"/api/alerts/{created['id']}"), "rule_type")
    assert read["rule_type"] == "ev_above"

    deleted = answered(earlier_canary.delete(f"/api/alerts/{created['id']}"), "success", "deleted_id")
    assert (deleted["success"], deleted["deleted_id"]) == (True, created["id"])
    assert not AlertRule.objects.exists()


def test_stage_b_legacy_alert_create(earlier_canary: httpx.Client) -> None:
    # With the flags as the earlier system defaults them (all off) and with ALERTS_V2 on: unchanged.
    for alerts_v2 in (False, True):
        set_flags(**{Flag.ALERTS_V2.value: alerts_v2})
        ticker = throwaway_ticker("L")
        created = answered(
            earlier_canary.post("/api/alerts", json={"ticker": ticker, "rule_type": "recommendation_change"}),
            "id",
        )
        assert isinstance(created["id"], int)
        assert (created["ticker"], created["threshold"]) == (ticker, None)
        deleted = answered(earlier_canary.delete(f"/api/alerts/{created['id']}"), "deleted_id")
        assert deleted["deleted_id"] == created["id"]
    assert not AlertRule.objects.exists()


# --- Stage C -------------------------------------------------------------------------------------


def test_stage_c_watchlist_create_and_add_tickers(earlier_canary: httpx.Client) -> None:
    set_flags(**{Flag.WATCHLIST_RANKING.value: True})
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    name = f"canary-stage-c-{stamp}-{throwaway_ticker('C')}"
    created = answered(earlier_canary.post("/api/watchlists", json={"name": name}), "id", "name", "tickers")
    assert isinstance(created["id"], int)
    assert (created["name"], created["tickers"]) == (name, [])

    for ticker in ("AAPL", "MSFT"):
        added = answered(
            earlier_canary.post(f"/api/watchlists/{created['id']}/tickers", json={"ticker": ticker}),
            "success",
            "ticker",
            "watchlist_id",
        )
        assert (added["success"], added["ticker"], added["watchlist_id"]) == (True, ticker, created["id"])
    # Adding one already there answers 200 again, as the earlier API did.
    answered(
        earlier_canary.post(f"/api/watchlists/{created['id']}/tickers", json={"ticker": "AAPL"}), "success"
    )

    answered(earlier_canary.delete(f"/api/watchlists/{created['id']}"), "success")
    assert not Watchlist.objects.exists()
