import copy

import pytest

from analysis.providers.public.sec_facts import fundamentals_from_companyfacts, known_facts, quarters, ttm
from tests.providers_public.conftest import data, ny

AAPL = "sec/companyfacts-AAPL-2019-2021.json"
CONCEPT = "RevenueFromContractWithCustomerExcludingAssessedTax"


def _without_filed_q4(facts):
    """Apple files its fiscal Q4 as a quarter; drop those rows so Q4 must be derived."""
    trimmed = copy.deepcopy(facts)
    rows = trimmed["facts"]["us-gaap"][CONCEPT]["units"]["USD"]
    rows[:] = [r for r in rows if not (r["start"] == "2020-06-28" and r["end"] == "2020-09-26")]
    return trimmed


def test_it_derives_q4_as_the_year_minus_its_three_quarters():
    chain = quarters(known_facts(_without_filed_q4(data(AAPL)), "revenue", as_of=ny(2020, 12, 1)))
    q4 = chain[-1]
    # FY2020 (2019-09-29..2020-09-26) 274,515 M − Q1 91,819 − Q2 58,313 − Q3 59,685 = 64,698 M,
    # the figure the filed Q4 row (dropped above) carries.
    assert (q4.start.isoformat(), q4.end.isoformat(), q4.value) == (
        "2020-06-28",
        "2020-09-26",
        64_698_000_000,
    )
    assert ttm(chain) == 274_515_000_000


def test_it_computes_ttm_ratios_and_growth_against_hand_figures():
    as_of = ny(2021, 2, 1, 18)
    f = fundamentals_from_companyfacts(data(AAPL), as_of=as_of, price=134.14, sic="3571", ticker="aapl")
    # Diluted EPS by quarter, the latest filing of each (the FY2020 10-K of 2020-10-30 restated
    # the earlier quarters for the August 2020 4:1 split, e.g. 2019-Q2 2.18 → 0.55):
    # 2019-12-29..2020-03-28 0.64, ..2020-06-27 0.65, ..2020-09-26 0.73, ..2020-12-26 1.68 → 3.70;
    # a year earlier 0.61 + 0.55 + 0.76 + 1.25 = 3.17.
    assert f.earnings_per_share == pytest.approx(3.70)
    assert f.pe_ratio == pytest.approx(134.14 / 3.70)
    assert f.eps_growth == pytest.approx(3.70 / 3.17 - 1)
    # Revenue TTM 294,135 M against the four quarters a year earlier,' 58,015 + 53,809 + 64,040 + 91,819.
    assert f.revenue_growth == pytest.approx(294_135 / (58_015 + 53_809 + 64_040 + 91_819) - 1)
    assert f.ticker == "AAPL" and f.sector == "Information Technology" and f.company_name == "Apple Inc."
    assert f.earnings_beat_rate is None and f.beta is None and f.forward_pe is None
