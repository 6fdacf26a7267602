"""/api/watchlists CRUD and tickers: shapes, every validation error (400, never 500), roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import WatchlistFactory, WatchlistTickerFactory
from watchlists.models import Watchlist, WatchlistTicker

pytestmark = pytest.mark.django_db

W_KEYS = {"id", "name", "tickers", "ticker_count", "created_at", "updated_at"}


def _watchlist(name: str = "Large caps", tickers: tuple[str, ...] = ()) -> Watchlist:
    watchlist = WatchlistFactory(name=name)
    for ticker in tickers:
        WatchlistTickerFactory(watchlist=watchlist, ticker=ticker)
    return watchlist


# --- list, create, read, rename, delete ---------------------------------------------------------


def test_list_gives_every_watchlist_with_sorted_tickers(viewer_api: APIClient) -> None:
    _watchlist("banks", ("JPM", "BAC"))
    _watchlist("Alpha", ("MSFT", "AAPL", "NVDA"))
    body = viewer_api.get("/api/watchlists").json()
    assert body["count"] == 2
    assert [w["name"] for w in body["watchlists"]] == ["Alpha", "banks"]
    alpha = body["watchlists"][0]
    assert set(alpha) == W_KEYS
    assert alpha["tickers"] == ["AAPL", "MSFT", "NVDA"]
    assert alpha["ticker_count"] == 3


def test_list_is_empty_without_watchlists(viewer_api: APIClient) -> None:
    assert viewer_api.get("/api/watchlists").json() == {"watchlists": [], "count": 0}


def test_create_strips_the_name_and_answers_201_with_w(pm_api: APIClient) -> None:
    response = pm_api.post("/api/watchlists", {"name": "  Large caps  "}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == W_KEYS
    assert body["name"] == "Large caps"
    assert body["tickers"] == [] and body["ticker_count"] == 0
    assert Watchlist.objects.get(pk=body["id"]).name == "Large caps"


def test_a_name_of_exactly_50_characters_is_accepted(pm_api: APIClient) -> None:
    response = pm_api.post("/api/watchlists", {"name": "x" * 50}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": ""}, "A watchlist name is required."),
        ({"name": "   "}, "A watchlist name is required."),
        ({}, "A watchlist name is required."),
        ({"name": None}, "A watchlist name is required."),
        ({"name": "x" * 51}, "A watchlist name has at most 50 characters (51 given)."),
        ({"name": 42}, "A watchlist name must be text."),
        ({"name": ["a"]}, "A watchlist name must be text."),
        ({"name": "two\nlines"}, "A watchlist name cannot contain control characters or line breaks."),
        (["name"], 'Send a JSON object like {"name": "Large caps"}.'),
    ],
)
def test_create_refuses_bad_names_with_a_clear_400(pm_api: APIClient, body: Any, message: str) -> None:
    response = pm_api.post("/api/watchlists", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert not Watchlist.objects.exists()


def test_malformed_json_is_a_400(pm_api: APIClient) -> None:
    response = pm_api.post("/api/watchlists", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_names_are_unique_ignoring_case(pm_api: APIClient) -> None:
    _watchlist("Large caps")
    response = pm_api.post("/api/watchlists", {"name": "LARGE CAPS "}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "A watchlist named Large caps already exists."}
    assert Watchlist.objects.count() == 1


def test_read_one(viewer_api: APIClient) -> None:
    watchlist = _watchlist("Energy", ("XOM", "CVX"))
    body = viewer_api.get(f"/api/watchlists/{watchlist.pk}").json()
    assert body["id"] == watchlist.pk
    assert body["tickers"] == ["CVX", "XOM"]


def test_unknown_ids_are_404_with_a_message(pm_api: APIClient) -> None:
    for method, path, body in [
        ("get", "/api/watchlists/999", None),
        ("put", "/api/watchlists/999", {"name": "x"}),
        ("delete", "/api/watchlists/999", None),
        ("post", "/api/watchlists/999/tickers", {"ticker": "AAPL"}),
        ("delete", "/api/watchlists/999/tickers/AAPL", None),
        ("post", "/api/watchlists/999/analyze", None),
        ("get", "/api/watchlists/999/opportunities", None),
        ("get", "/api/watchlists/999/opportunities.csv", None),
    ]:
        response = getattr(pm_api, method)(path, body, format="json")
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "No watchlist with id 999."}


def test_rename(pm_api: APIClient) -> None:
    watchlist = _watchlist("Old", ("AAPL",))
    response = pm_api.put(f"/api/watchlists/{watchlist.pk}", {"name": " New name "}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "New name"
    assert response.json()["tickers"] == ["AAPL"]
    watchlist.refresh_from_db()
    assert watchlist.name == "New name"


def test_rename_may_change_only_the_case_of_its_own_name(pm_api: APIClient) -> None:
    watchlist = _watchlist("large caps")
    response = pm_api.put(f"/api/watchlists/{watchlist.pk}", {"name": "Large Caps"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Large Caps"


def test_rename_refuses_another_watchlists_name_and_bad_names(pm_api: APIClient) -> None:
    _watchlist("Banks")
    watchlist = _watchlist("Energy")
    response = pm_api.put(f"/api/watchlists/{watchlist.pk}", {"name": "banks"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "A watchlist named Banks already exists."}
    response = pm_api.put(f"/api/watchlists/{watchlist.pk}", {"name": ""}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "A watchlist name is required."}
    watchlist.refresh_from_db()
    assert watchlist.name == "Energy"


def test_delete_removes_the_watchlist_and_its_tickers(pm_api: APIClient) -> None:
    watchlist = _watchlist("Gone", ("AAPL", "MSFT"))
    response = pm_api.delete(f"/api/watchlists/{watchlist.pk}")
    assert response.status_code == 200
    assert response.json() == {"deleted_id": watchlist.pk}
    assert not Watchlist.objects.exists()
    assert not WatchlistTicker.objects.exists()


# --- tickers ---------------------------------------------------------------------------------


def test_add_a_ticker_normalises_it_and_answers_201_with_w(pm_api: APIClient) -> None:
    watchlist = _watchlist("Mixed", ("MSFT",))
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": " brk-b "}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == W_KEYS
    assert body["tickers"] == ["BRK.B", "MSFT"]
    assert body["ticker_count"] == 2


def test_adding_a_ticker_touches_updated_at(pm_api: APIClient) -> None:
    watchlist = _watchlist("Touched")
    Watchlist.objects.filter(pk=watchlist.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    before = Watchlist.objects.get(pk=watchlist.pk).updated_at
    pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": "AAPL"}, format="json")
    assert Watchlist.objects.get(pk=watchlist.pk).updated_at > before


def test_a_duplicate_ticker_is_refused_with_a_clear_message(pm_api: APIClient) -> None:
    watchlist = _watchlist("Dupes", ("AAPL",))
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": "aapl"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "AAPL is already on this watchlist."}
    assert WatchlistTicker.objects.filter(watchlist=watchlist).count() == 1


def test_the_same_ticker_may_sit_on_two_watchlists(pm_api: APIClient) -> None:
    _watchlist("One", ("AAPL",))
    two = _watchlist("Two")
    response = pm_api.post(f"/api/watchlists/{two.pk}/tickers", {"ticker": "AAPL"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"ticker": ""}, "A ticker is required, e.g. AAPL or BRK.B."),
        ({}, "A ticker is required, e.g. AAPL or BRK.B."),
        ({"ticker": 12}, "A ticker is required, e.g. AAPL or BRK.B."),
        ({"ticker": "TOOLONG"}, "'TOOLONG' is not a US equity ticker"),
        ({"ticker": "=HYPERLINK(1)"}, "is not a US equity ticker"),
        ("AAPL", 'Send a JSON object like {"ticker": "AAPL"}.'),
    ],
)
def test_bad_tickers_are_a_400(pm_api: APIClient, body: Any, fragment: str) -> None:
    watchlist = _watchlist("Strict")
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", body, format="json")
    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    assert not WatchlistTicker.objects.exists()


def test_remove_a_ticker(pm_api: APIClient) -> None:
    watchlist = _watchlist("Trim", ("AAPL", "BRK.B", "MSFT"))
    response = pm_api.delete(f"/api/watchlists/{watchlist.pk}/tickers/brk-b")
    assert response.status_code == 200
    assert response.json()["tickers"] == ["AAPL", "MSFT"]
    assert response.json()["ticker_count"] == 2


def test_removing_a_ticker_not_on_the_list_is_a_404(pm_api: APIClient) -> None:
    watchlist = _watchlist("Trim", ("MSFT",))
    response = pm_api.delete(f"/api/watchlists/{watchlist.pk}/tickers/aapl")
    assert response.status_code == 404
    assert response.json() == {"detail": "AAPL is not on this watchlist."}


def test_removing_an_invalid_symbol_is_a_400(pm_api: APIClient) -> None:
    watchlist = _watchlist("Trim", ("MSFT",))
    response = pm_api.delete(f"/api/watchlists/{watchlist.pk}/tickers/TOOLONG")
    assert response.status_code == 400
    assert "is not a US equity ticker" in response.json()["detail"]


def test_a_legacy_symbol_outside_todays_rules_can_still_be_removed(pm_api: APIClient) -> None:
    watchlist = _watchlist("Europa", ("SAP", "7203"))
    response = pm_api.delete(f"/api/watchlists/{watchlist.pk}/tickers/7203")
    assert response.status_code == 200
    assert response.json()["tickers"] == ["SAP"]


# --- roles and CSRF ----------------------------------------------------------------------------


def test_a_viewer_reads_but_cannot_write(viewer_api: APIClient) -> None:
    watchlist = _watchlist("Read only", ("AAPL",))
    assert viewer_api.get("/api/watchlists").status_code == 200
    assert viewer_api.get(f"/api/watchlists/{watchlist.pk}").status_code == 200
    assert viewer_api.get(f"/api/watchlists/{watchlist.pk}/opportunities").status_code == 200
    assert viewer_api.get(f"/api/watchlists/{watchlist.pk}/opportunities.csv").status_code == 200
    writes = [
        ("post", "/api/watchlists", {"name": "Mine"}),
        ("put", f"/api/watchlists/{watchlist.pk}", {"name": "Mine"}),
        ("delete", f"/api/watchlists/{watchlist.pk}", None),
        ("post", f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": "MSFT"}),
        ("delete", f"/api/watchlists/{watchlist.pk}/tickers/AAPL", None),
        ("post", f"/api/watchlists/{watchlist.pk}/analyze", None),
    ]
    for method, path, body in writes:
        response = getattr(viewer_api, method)(path, body, format="json")
        assert response.status_code == 403, (method, path)
        assert "detail" in response.json()
    watchlist.refresh_from_db()
    assert watchlist.name == "Read only"
    assert list(WatchlistTicker.objects.values_list("ticker", flat=True)) == ["AAPL"]


def test_anonymous_callers_get_401(anon_api: APIClient) -> None:
    watchlist = _watchlist("Private", ("AAPL",))
    for method, path in [
        ("get", "/api/watchlists"),
        ("post", "/api/watchlists"),
        ("get", f"/api/watchlists/{watchlist.pk}"),
        ("put", f"/api/watchlists/{watchlist.pk}"),
        ("delete", f"/api/watchlists/{watchlist.pk}"),
        ("post", f"/api/watchlists/{watchlist.pk}/tickers"),
        ("delete", f"/api/watchlists/{watchlist.pk}/tickers/AAPL"),
        ("post", f"/api/watchlists/{watchlist.pk}/analyze"),
        ("get", f"/api/watchlists/{watchlist.pk}/opportunities"),
        ("get", f"/api/watchlists/{watchlist.pk}/opportunities.csv"),
    ]:
        response = getattr(anon_api, method)(path)
        assert response.status_code == 401, (method, path)
        assert "detail" in response.json()


def test_an_admin_writes_too(desk_admin: Any) -> None:
    client = APIClient()
    client.force_authenticate(desk_admin)
    assert client.post("/api/watchlists", {"name": "Admin's"}, format="json").status_code == 201


def test_session_writes_need_the_csrf_token(pm: Any) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(pm)
    refused = client.post("/api/watchlists", {"name": "No token"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    secret = "k" * 32  # a CSRF secret as the cookie holds it; the header may carry it unmasked
    client.cookies["csrftoken"] = secret
    accepted = client.post(
        "/api/watchlists", {"name": "With token"}, format="json", headers={"X-CSRFToken": secret}
    )
    assert accepted.status_code == 201
