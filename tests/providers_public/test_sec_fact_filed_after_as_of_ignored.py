from analysis.providers.public.sec_facts import fundamentals_from_companyfacts, known_facts, quarters, ttm
from tests.providers_public.conftest import data, ny

AAPL = "sec/companyfacts-AAPL-2019-2021.json"


def test_it_ignores_the_quarter_filed_later_that_day_until_the_filing_day_is_over():
    facts = data(AAPL)
    # Apple's Q1 FY2021 10-Q (revenue 111,439 M for 2020-09-27..2020-12-26) was filed 2021-01-28.
    # At noon that day the latest four quarters are FY2020's: Q1 91,819 + Q2 58,313 + Q3 59,685
    # + Q4 64,698 = 274,515 M (= the FY2020 total).
    noon = quarters(known_facts(facts, "revenue", as_of=ny(2021, 1, 28, 12)))
    assert ttm(noon) == 274_515_000_000
    # From 17:30 the new quarter counts: 58,313 + 59,685 + 64,698 + 111,439 = 294,135 M.
    evening = quarters(known_facts(facts, "revenue", as_of=ny(2021, 1, 28, 17, 30)))
    assert ttm(evening) == 294_135_000_000


def test_it_answers_none_before_any_fact_is_public():
    assert fundamentals_from_companyfacts(data(AAPL), as_of=ny(2018, 12, 31), price=150.0, sic="3571") is None
