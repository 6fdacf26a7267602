"""A body the server sends gzip-encoded is decoded for the caller and kept as it came.

SEC, Yahoo and FRED answer gzip to a client that accepts it (this one does): the cache then
stores the bytes as sent rather than compressing the decoded body again. A gzip body that does
not decompress is a failed try, retried like a broken connection, with a reason safe to show.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json

import httpx
import pytest

from datasources.cache import GZIP_MAGIC, Packed, cached_body
from datasources.http import SourceUnavailable
from datasources.models import CachedResponse
from tests.datasources.conftest import replies
from tests.providers_public.conftest import body

BODY = json.dumps(json.loads(body("sec/companyfacts-NVDA-2019-2021.json")), separators=(",", ":")).encode()
GZIPPED = gzip.compress(BODY)
URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK0001045810.json"


def _gzip_response(sent: bytes) -> httpx.Response:
    # `stream=`: the body reaches the client as a transport hands it over, still encoded.
    return httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(sent))


def test_it_decodes_a_gzip_body_and_keeps_the_bytes_as_sent(make_client) -> None:
    handler, seen = replies(_gzip_response(GZIPPED))
    response = make_client(handler).get("sec", URL)
    assert response.content == BODY and response.gzipped == GZIPPED
    assert "gzip" in seen[0].headers["Accept-Encoding"]


def test_a_body_sent_as_it_is_has_no_gzip_bytes(make_client) -> None:
    handler, _ = replies(httpx.Response(200, content=BODY))
    response = make_client(handler).get("sec", URL)
    assert response.content == BODY and response.gzipped is None


@pytest.mark.parametrize(
    "sent",
    [GZIPPED[: len(GZIPPED) // 2], GZIP_MAGIC + b"not a gzip stream"],
    ids=["cut short", "not deflate"],
)
def test_a_gzip_body_that_does_not_decompress_is_a_failed_try(make_client, sent: bytes) -> None:
    handler, seen = replies(*[_gzip_response(sent) for _ in range(3)])
    with pytest.raises(SourceUnavailable) as caught:
        make_client(handler, tries=3).get("sec", URL)
    assert caught.value.reason == "SEC unreachable: a body that does not decompress after 3 tries"
    assert len(seen) == 3


def test_a_bad_gzip_then_a_good_one_returns_the_good_one(make_client) -> None:
    handler, seen = replies(_gzip_response(GZIPPED[:100]), _gzip_response(GZIPPED))
    assert make_client(handler, tries=2).get("sec", URL).content == BODY and len(seen) == 2


@pytest.mark.django_db
def test_the_cache_keeps_the_gzip_bytes_and_reads_them_back() -> None:
    ttl = dt.timedelta(hours=24)
    small = b'{"cik": 1045810}'
    cached_body("sec", "companyfacts:1", lambda: Packed(BODY, GZIPPED), ttl=ttl)
    cached_body("sec", "submissions:1", lambda: Packed(small, gzip.compress(small)), ttl=ttl)
    for key, content in (("companyfacts:1", BODY), ("submissions:1", small)):
        row = CachedResponse.objects.get(source="sec", key=key)
        # Kept as sent, whatever its size; its size is the body's own.
        assert row.compressed and bytes(row.content[:2]) == GZIP_MAGIC
        assert row.size_bytes == len(content)
        again = cached_body("sec", key, lambda: pytest.fail("fetched again"), ttl=ttl)
        assert again.from_cache and again.content == content
    row = CachedResponse.objects.get(source="sec", key="companyfacts:1")
    assert bytes(row.content) == GZIPPED
