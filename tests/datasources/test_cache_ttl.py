"""Bodies expire after their TTL, closed data is kept for good, and a failed refetch serves the old body."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from datasources.cache import cached_body
from datasources.http import SourceUnavailable

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


def _at(moment: dt.datetime):  # type: ignore[no-untyped-def]
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_it_refetches_once_the_ttl_has_passed() -> None:
    bodies = iter([b"v1", b"v2"])
    with _at(T0):
        assert cached_body("sec", "k", lambda: next(bodies), ttl=dt.timedelta(hours=24)).content == b"v1"
    with _at(T0 + dt.timedelta(hours=23, minutes=59)):
        assert cached_body("sec", "k", lambda: next(bodies), ttl=dt.timedelta(hours=24)).content == b"v1"
    with _at(T0 + dt.timedelta(hours=24, minutes=1)):
        again = cached_body("sec", "k", lambda: next(bodies), ttl=dt.timedelta(hours=24))
    assert (again.content, again.from_cache) == (b"v2", False)


def test_it_keeps_a_body_without_ttl_for_good() -> None:
    with _at(T0):
        cached_body("yahoo", "chart/NVDA/2021", lambda: b"bars", ttl=None)
    with _at(T0 + dt.timedelta(days=3650)):
        held = cached_body("yahoo", "chart/NVDA/2021", lambda: pytest.fail("refetched closed bars"), ttl=None)
    assert held.from_cache and held.content == b"bars"


def test_it_serves_the_expired_body_marked_stale_when_the_refetch_fails() -> None:
    def unreachable() -> bytes:
        raise SourceUnavailable("SEC unreachable: timed out after 3 tries")

    with _at(T0):
        cached_body("sec", "facts", lambda: b"old", ttl=dt.timedelta(hours=1))
    with _at(T0 + dt.timedelta(hours=2)):
        held = cached_body("sec", "facts", unreachable, ttl=dt.timedelta(hours=1))
    assert (held.content, held.stale, held.fetched_at) == (b"old", True, T0)


def test_it_raises_when_nothing_is_held_and_the_fetch_fails() -> None:
    def unreachable() -> bytes:
        raise SourceUnavailable("FRED unreachable: HTTP 503 after 3 tries")

    with pytest.raises(SourceUnavailable, match="FRED unreachable"):
        cached_body("fred", "series/GDP", unreachable, ttl=dt.timedelta(hours=1))
