from analysis.providers.public.sec_facts import known_facts, quarters, ttm
from tests.providers_public.conftest import ny


def _fact(start, end, val, filed, accn):
    return {"start": start, "end": end, "val": val, "filed": filed, "accn": accn, "form": "10-Q"}


# Four quarters filed in 2023; the 2023-Q1 figure is restated from 100 to 90 in a filing of
# 2024-02-01.
FACTS = {
    "cik": 1,
    "entityName": "Example Co",
    "facts": {
        "us-gaap": {
            "Revenues": {
                "units": {
                    "USD": [
                        _fact("2023-01-01", "2023-03-31", 100, "2023-05-01", "a1"),
                        _fact("2023-04-01", "2023-06-30", 110, "2023-08-01", "a2"),
                        _fact("2023-07-01", "2023-09-30", 120, "2023-11-01", "a3"),
                        _fact("2023-10-01", "2023-12-31", 130, "2024-01-15", "a4"),
                        _fact("2023-01-01", "2023-03-31", 90, "2024-02-01", "a5"),
                    ]
                }
            }
        }
    },
}


def test_it_uses_the_original_figure_before_the_restatement_is_filed():
    chain = quarters(known_facts(FACTS, "revenue", as_of=ny(2024, 1, 31, 18)))
    assert ttm(chain) == 100 + 110 + 120 + 130


def test_it_uses_the_restated_figure_from_its_filing_on():
    chain = quarters(known_facts(FACTS, "revenue", as_of=ny(2024, 2, 1, 18)))
    assert ttm(chain) == 90 + 110 + 120 + 130
