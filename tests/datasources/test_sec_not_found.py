"""SEC answers an unknown CIK with a 404 and an XML body: that is an answer, passed through."""

from __future__ import annotations

import httpx

from tests.datasources.conftest import replies

# SEC's recorded reply for an invalid CIK (GET https://data.sec.gov/submissions/CIK-000000001.json,
# 404, application/xml, 5 March 2026; ../shared/fixtures/online/sec/submissions-CIK-000000001-404.xml,
# from dgunning/edgartools' cassette test_no_company_for_cik.yaml), trimmed of its request ids.
NOT_FOUND = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
    b"<Message>The specified key does not exist.</Message>"
    b"<Key>submissions/CIK-000000001.json</Key></Error>"
)


def test_it_passes_the_404_through_without_retrying(make_client, clock) -> None:
    handler, seen = replies(
        httpx.Response(404, content=NOT_FOUND, headers={"Content-Type": "application/xml"})
    )
    response = make_client(handler).get("sec", "https://data.sec.gov/submissions/CIK-000000001.json")
    assert response.status == 404 and not response.ok
    assert response.content == NOT_FOUND
    assert len(seen) == 1 and clock.sleeps == []


def test_it_sends_the_sec_contact_string(make_client) -> None:
    handler, seen = replies(httpx.Response(200))
    make_client(handler, sec_user_agent="Jane Doe jane@example.com").get("sec", "https://data.sec.gov/x")
    assert seen[0].headers["User-Agent"] == "Jane Doe jane@example.com"
