import pytest

from analysis.market_data import MarketDataError
from analysis.providers.public.sec_facts import fundamentals_from_companyfacts
from tests.providers_public.conftest import ny


@pytest.mark.parametrize(
    "facts",
    [
        {"cik": 1},
        {"facts": {"us-gaap": {"Revenues": {"units": {"USD": "many"}}}}},
        {"facts": {"us-gaap": {"Revenues": {"units": {"USD": [{"end": "2024-01-01", "val": 1}]}}}}},
        {
            "facts": {
                "us-gaap": {
                    "Revenues": {"units": {"USD": [{"end": "soon", "val": 1, "filed": "2024-01-02"}]}}
                }
            }
        },
    ],
)
def test_it_rejects_malformed_companyfacts_with_a_clear_error(facts):
    with pytest.raises(MarketDataError, match="SEC companyfacts"):
        fundamentals_from_companyfacts(facts, as_of=ny(2025, 1, 2), price=10.0, sic=None)


def test_it_insists_on_an_aware_as_of():
    import datetime as dt

    with pytest.raises(MarketDataError, match="aware"):
        fundamentals_from_companyfacts({"facts": {}}, as_of=dt.datetime(2025, 1, 2), price=None)
