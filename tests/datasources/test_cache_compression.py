"""Large bodies are kept compressed and read back byte for byte; small ones are kept as they are."""

from __future__ import annotations

import datetime as dt
import json
import zlib

import pytest
from django.db import connection

from datasources.cache import COMPRESS_FROM_BYTES, Packed, cache_size, cached_body
from datasources.models import CachedResponse
from tests.providers_public.conftest import body

pytestmark = pytest.mark.django_db
TTL = dt.timedelta(hours=24)
# NVIDIA's companyfacts excerpt (compact, as SEC serves it), repeated past the threshold.
LARGE = json.dumps(
    [json.loads(body("sec/companyfacts-NVDA-2019-2021.json"))] * 3, separators=(",", ":")
).encode()


def _row(key: str) -> CachedResponse:
    return CachedResponse.objects.get(source="sec", key=key)


def test_a_large_body_is_kept_compressed_and_read_back_whole() -> None:
    assert len(LARGE) >= COMPRESS_FROM_BYTES
    first = cached_body("sec", "companyfacts:1", lambda: LARGE, ttl=TTL)
    row = _row("companyfacts:1")
    assert row.compressed and len(bytes(row.content)) * 5 < len(LARGE)
    assert zlib.decompress(row.content) == LARGE
    assert row.size_bytes == len(LARGE) and cache_size()["body_bytes"] == len(LARGE)
    again = cached_body("sec", "companyfacts:1", lambda: pytest.fail("fetched again"), ttl=TTL)
    assert (first.content, again.content, again.from_cache) == (LARGE, LARGE, True)


def test_a_body_packed_by_the_fetching_thread_is_stored_as_packed() -> None:
    packed = Packed(LARGE)
    packed.finish()  # as the fetching thread does once it has handed the body over
    assert packed.compressed and packed.content == LARGE
    cached_body("sec", "companyfacts:2", lambda: packed, ttl=TTL)
    assert bytes(_row("companyfacts:2").content) == packed.stored


def test_a_small_body_is_kept_as_it_is() -> None:
    small = b'{"cik": 320193}'
    cached_body("sec", "submissions:1", lambda: small, ttl=TTL)
    row = _row("submissions:1")
    assert not row.compressed and bytes(row.content) == small


def test_a_compressed_body_that_no_longer_decompresses_is_fetched_again() -> None:
    cached_body("sec", "companyfacts:3", lambda: LARGE, ttl=TTL)
    CachedResponse.objects.filter(key="companyfacts:3").update(content=b"not zlib")
    again = cached_body("sec", "companyfacts:3", lambda: LARGE, ttl=TTL)
    assert again.content == LARGE and not again.from_cache
    assert zlib.decompress(_row("companyfacts:3").content) == LARGE


def test_the_body_stays_the_last_column_where_that_matters() -> None:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, "datasources_cached_response")
    columns = [column.name for column in description]
    assert {"compressed", "content"} <= set(columns)
    if connection.vendor == "sqlite":  # PostgreSQL keeps large values out of line: order is moot
        assert columns[-2:] == ["compressed", "content"]


def test_a_body_whose_parse_fails_is_stored_and_the_parse_error_raised(monkeypatch) -> None:
    from analysis.providers.public import loaders, sec_loaders
    from analysis.providers.public.fetch_ahead import Planned

    monkeypatch.setattr(loaders, "fetch", lambda planned: Packed(b"not JSON"))

    def parse(content: bytes) -> object:
        raise ValueError("does not parse")

    with pytest.raises(ValueError, match="does not parse"):
        sec_loaders._parsed(Planned("sec", "submissions:5", "https://sec.test/x", ttl=TTL), parse)
    assert bytes(_row("submissions:5").content) == b"not JSON"
