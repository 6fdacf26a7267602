import pytest

from analysis.market_data import MarketDataError
from analysis.providers.public.sec import (
    NoSuchFiler,
    companyfacts_url,
    is_no_such_filer,
    load_json,
    parse_ticker_map,
    submissions_url,
)
from tests.providers_public.conftest import body


def test_it_maps_tickers_to_ciks():
    mapping = parse_ticker_map(body("sec/company_tickers-excerpt.json"))
    assert mapping["MSFT"] == 789019 and mapping["AAPL"] == 320193 and mapping["NVDA"] == 1045810


def test_it_builds_zero_padded_urls():
    assert (
        companyfacts_url("https://data.test/", 320193)
        == "https://data.test/api/xbrl/companyfacts/CIK0000320193.json"
    )
    assert submissions_url("https://data.test", 1045810) == "https://data.test/submissions/CIK0001045810.json"


def test_it_recognises_the_xml_404_as_no_such_filer():
    xml = body("sec/submissions-404.xml")
    assert is_no_such_filer(xml)
    with pytest.raises(NoSuchFiler):
        load_json(xml, "CIK 1")


@pytest.mark.parametrize("text", [b"<html>busy</html>", b"[1, 2]", b"{not json"])
def test_it_rejects_other_bodies_with_a_clear_error(text):
    with pytest.raises(MarketDataError, match="SEC"):
        load_json(text, "submissions")
    assert not is_no_such_filer(text)


def test_it_rejects_a_ticker_map_row_without_a_cik():
    with pytest.raises(MarketDataError, match="cik_str"):
        parse_ticker_map(b'{"0": {"ticker": "X"}}')
