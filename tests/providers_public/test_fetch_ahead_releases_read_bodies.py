"""A prefetch lets go of each body once its loader has read and cached it, and keeps failures.

A watchlist or replay of hundreds of filers would otherwise hold every body it fetched (4 MB
for NVIDIA's companyfacts) until it ends.
"""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.providers.public import fetch_ahead, loaders
from analysis.providers.public.fetch_ahead import Planned
from datasources.cache import Packed
from datasources.http import SourceUnavailable

pytestmark = pytest.mark.django_db
TTL = dt.timedelta(hours=24)
FACTS = Planned("sec", "companyfacts:1", "u", ttl=TTL)
DOWN = Planned("sec", "submissions:1", "u", ttl=TTL)


def _source() -> tuple[list[str], fetch_ahead.Fetch]:
    """A fetch that answers FACTS, fails DOWN, and notes each key it was asked for."""
    asked: list[str] = []

    def fetch(planned: Planned, on_slot) -> Packed:
        asked.append(planned.key)
        on_slot()
        if planned is DOWN:
            raise SourceUnavailable("SEC unreachable: timed out after 3 tries")
        return Packed(b'{"facts": {}}')

    return asked, fetch


def test_a_body_read_and_cached_is_released_and_read_again_from_the_cache() -> None:
    asked, fetch = _source()
    with fetch_ahead.sending(2, fetch) as ahead:
        assert ahead.send([FACTS], held={}) == 1
        assert ahead.sent("sec", FACTS.key) is not None
        first = loaders._body(FACTS)
        assert not first.from_cache
        # Released: nothing of it held here, yet still counted as sent (never sent twice).
        assert ahead.sent("sec", FACTS.key) is None and ahead.started("sec", FACTS.key)
        assert ahead.send([FACTS], held={}) == 0
        again = loaders._body(FACTS)
        assert again.from_cache and again.content == first.content
    assert asked == [FACTS.key]


def test_a_failed_body_stays_and_fails_every_read_without_asking_again() -> None:
    asked, fetch = _source()
    with fetch_ahead.sending(2, fetch) as ahead:
        ahead.send([DOWN], held={})
        for _ in range(2):
            with pytest.raises(SourceUnavailable):
                loaders._body(DOWN)
            assert ahead.sent("sec", DOWN.key) is not None
    assert asked == [DOWN.key]
