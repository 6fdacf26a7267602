"""Every route but /health and the login page needs a signed-in user or a token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {"/health", "/accounts/login/"}
# Signed links from e-mails: the token is the credential, so a made-up one is a 400, not a login.
SIGNED_LINKS = {"/desk/brief-email/opt-out/AAPL"}
SAMPLE_ARGUMENTS = {
    "int": "1",
    "str": "AAPL",
    "path": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _concrete(route: str) -> str | None:
    if route.startswith("^") or "(?P" in route:
        return None  # regex routes (the admin's internals) are covered by the admin prefix
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGUMENTS[m.group(1) or "str"], route)


def project_routes() -> list[str]:
    routes = {_concrete(r) for r in _walk(get_resolver().url_patterns)}
    return sorted(r for r in routes if r and not r.startswith("/admin/"))


def test_the_walk_finds_the_routes_we_know() -> None:
    routes = project_routes()
    assert "/api/analysis/tickers" in routes
    assert "/portfolio/" in routes
    assert len(routes) >= 12


@pytest.mark.parametrize("route", project_routes())
def test_anonymous_callers_are_refused(route: str) -> None:
    client = Client()
    for method in ("get", "post", "delete"):
        response = getattr(client, method)(route)
        if route in PUBLIC:
            assert response.status_code in (200, 405), (method, route)
        elif route in SIGNED_LINKS:
            assert response.status_code in (400, 405), (method, route, response.status_code)
        elif route.startswith("/api/"):
            assert response.status_code == 401, (method, route, response.status_code)
            if response["Content-Type"].startswith("application/json"):
                assert "detail" in response.json()
        elif response.status_code != 405:
            assert response.status_code == 302, (method, route, response.status_code)
            assert response["Location"].startswith("/accounts/login/?next=")


def test_the_admin_needs_a_login() -> None:
    response = Client().get("/admin/rollout/featureflag/")
    assert response.status_code == 302
    assert "login/?next=/admin/rollout/featureflag/" in response["Location"]
