"""Fundamentals from SEC XBRL companyfacts, as known at `as_of`.

Point-in-time: a fact counts only once its filing is public. companyfacts gives the filing
day (`filed`) without a time, so a fact is taken as available from 17:30 New York that day
(EDGAR's filing-day cutoff: anything accepted later carries the next day's date), i.e. after the
close. For each period the value of the latest filing visible at `as_of` applies, so a
restatement counts from its own filing and the figure it replaced is used before that.

| field             | concepts (us-gaap unless marked; first alias wins within one filing) | unit       |
| ----------------- | ---------------------------------------------------------------------- | ---------- |
| revenue           | RevenueFromContractWithCustomerExcludingAssessedTax, Revenues,          | USD        |
|                   | SalesRevenueNet, RevenueFromContractWithCustomerIncludingAssessedTax,   |            |
|                   | SalesRevenueGoodsNet                                                   |            |
| net income        | NetIncomeLoss, ProfitLoss                                              | USD        |
| diluted EPS       | EarningsPerShareDiluted, EarningsPerShareBasicAndDiluted               | USD/shares |
| operating income  | OperatingIncomeLoss                                                    | USD        |
| equity            | StockholdersEquity, StockholdersEquityIncludingPortionAttributable…    | USD        |
| liabilities       | Liabilities                                                            | USD        |
| debt              | LongTermDebt, or LongTermDebtNoncurrent + LongTermDebtCurrent; plus    | USD        |
|                   | CommercialPaper and ShortTermBorrowings at the same balance-sheet date |            |
| shares            | dei:EntityCommonStockSharesOutstanding, CommonStockSharesOutstanding   | shares     |
| dividends / share | CommonStockDividendsPerShareDeclared,                                  | USD/shares |
|                   | CommonStockDividendsPerShareCashPaid                                   |            |

Flows (revenue, net income, EPS, operating income, dividends) are trailing twelve months: the
sum of the last four contiguous quarters (80–100-day periods). A fiscal Q4 is rarely filed as a
quarter, so it is derived as the fiscal year minus its three quarters (Q4 = FY − Q1 − Q2 − Q3).
Balances are the latest balance-sheet date. Ratios: margins = TTM flow / TTM revenue; D/E =
debt / equity (total liabilities are not debt, so they do not feed it); ROE = TTM net income /
equity; P/E = price / TTM diluted EPS; market cap = price × shares; dividend yield = TTM
dividends per share / price; growth = TTM against the TTM four quarters earlier. Facts whose
period ended more than STALE_DAYS before `as_of` are not current evidence. A field without
evidence is None (beta, forward P/E and the beat rate need prices or estimates, not filings).

Known limit: a stock split after the latest filing but before `as_of` leaves EPS and shares on
the pre-split basis until the next filing restates them, while the price is post-split.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from analysis.market_data import NEW_YORK, Fundamentals, MarketDataError
from analysis.providers.public.sectors import sector_of_sic

SOURCE = "sec"
FACT_AVAILABLE_AT = dt.time(17, 30)
QUARTER_DAYS = (80, 100)
YEAR_DAYS = (350, 380)
STALE_DAYS = 550
USD, PER_SHARE, SHARES = "USD", "USD/shares", "shares"
G, DEI = "us-gaap", "dei"
CONCEPTS: dict[str, tuple[tuple[str, str], ...]] = {
    "revenue": tuple(
        (G, c)
        for c in (
            "RevenueFromContractWithCustomerExcludingAssessedTax",
            "Revenues",
            "SalesRevenueNet",
            "RevenueFromContractWithCustomerIncludingAssessedTax",
            "SalesRevenueGoodsNet",
        )
    ),
    "net_income": ((G, "NetIncomeLoss"), (G, "ProfitLoss")),
    "eps": ((G, "EarningsPerShareDiluted"), (G, "EarningsPerShareBasicAndDiluted")),
    "operating_income": ((G, "OperatingIncomeLoss"),),
    "equity": (
        (G, "StockholdersEquity"),
        (G, "StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest"),
    ),
    "liabilities": ((G, "Liabilities"),),
    "long_term_debt": ((G, "LongTermDebt"),),
    "long_term_debt_noncurrent": ((G, "LongTermDebtNoncurrent"),),
    "long_term_debt_current": ((G, "LongTermDebtCurrent"),),
    "commercial_paper": ((G, "CommercialPaper"),),
    "short_term_borrowings": ((G, "ShortTermBorrowings"),),
    "shares": ((DEI, "EntityCommonStockSharesOutstanding"), (G, "CommonStockSharesOutstanding")),
    "dividends_per_share": (
        (G, "CommonStockDividendsPerShareDeclared"),
        (G, "CommonStockDividendsPerShareCashPaid"),
    ),
}
UNITS = {"eps": PER_SHARE, "dividends_per_share": PER_SHARE, "shares": SHARES}
CONCEPT_KEYS = frozenset(pair for pairs in CONCEPTS.values() for pair in pairs)


def fact_available_at(filed: dt.date) -> dt.datetime:
    """When a fact filed on `filed` is taken as public (module docstring)."""
    return dt.datetime.combine(filed, FACT_AVAILABLE_AT, tzinfo=NEW_YORK)


@dataclass(frozen=True)
class Fact:
    start: dt.date | None
    end: dt.date
    value: float
    filed: dt.date
    accession: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1 if self.start else 0


def _date(text: object) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError as error:
        raise MarketDataError(f"SEC companyfacts: {text!r} is not a date") from error


@dataclass(frozen=True)
class FactTable:
    """The facts of one companyfacts body that the fields read, parsed once.

    `rows[field]` holds every fact of the field's concepts (only those, out of the several
    hundred a filer reports), each with its alias rank (its place in CONCEPTS[field]), in the
    body's order. Filtering by `as_of` happens per question (`known_facts`), so one table serves
    every `as_of` of a replay.
    """

    cik: str
    entity_name: str | None
    rows: dict[str, tuple[tuple[int, Fact], ...]]


def fact_table(facts: dict | FactTable, fields: Iterable[str] = CONCEPTS) -> FactTable:
    """The parsed table of a companyfacts body, for `fields` (a table is returned as it is)."""
    if isinstance(facts, FactTable):
        return facts
    if not isinstance(facts, dict):
        raise MarketDataError("SEC companyfacts: the response is not a JSON object")
    taxonomies = facts.get("facts")
    if not isinstance(taxonomies, dict):
        raise MarketDataError("SEC companyfacts: no 'facts' object")
    rows: dict[str, tuple[tuple[int, Fact], ...]] = {}
    for field in fields:
        found: list[tuple[int, Fact]] = []
        for rank, (taxonomy, concept) in enumerate(CONCEPTS[field]):
            units = (((taxonomies.get(taxonomy) or {}).get(concept) or {}).get("units") or {}).get(
                UNITS.get(field, USD)
            ) or []
            if not isinstance(units, list):
                raise MarketDataError(f"SEC companyfacts: {concept} units are not a list")
            for row in units:
                try:
                    fact = Fact(
                        _date(row["start"]) if row.get("start") else None,
                        _date(row["end"]),
                        float(row["val"]),
                        _date(row["filed"]),
                        str(row.get("accn", "")),
                    )
                except (KeyError, TypeError, ValueError) as error:
                    raise MarketDataError(f"SEC companyfacts: a {concept} fact is malformed") from error
                found.append((rank, fact))
        rows[field] = tuple(found)
    return FactTable(str(facts.get("cik", "")), facts.get("entityName") or None, rows)


def known_facts(facts: dict | FactTable, field: str, *, as_of: dt.datetime) -> dict[tuple, Fact]:
    """{(start, end): fact} of one field visible at `as_of`: per period, the latest filing's value."""
    if as_of.tzinfo is None:
        raise MarketDataError("as_of must be an aware datetime")
    # The first filing day whose facts are still hidden at `as_of` (they count from 17:30 that day).
    local = as_of.astimezone(NEW_YORK)
    hidden_from = local.date() + dt.timedelta(days=1 if local.time() >= FACT_AVAILABLE_AT else 0)
    chosen: dict[tuple, tuple[tuple, Fact]] = {}
    for rank, fact in fact_table(facts, (field,)).rows[field]:
        if fact.filed >= hidden_from:
            continue
        key = (fact.start, fact.end)
        order = (fact.filed, -rank)  # the latest filing; within one filing the first alias
        held = chosen.get(key)
        if held is None or order > held[0]:
            chosen[key] = (order, fact)
    return {key: fact for key, (_, fact) in chosen.items()}


def quarters(known: dict[tuple, Fact]) -> list[Fact]:
    """Quarterly values oldest first, with each fiscal Q4 derived as FY − Q1..Q3 when not filed."""
    facts = [f for f in known.values() if f.start is not None]
    found = {f.end: f for f in facts if QUARTER_DAYS[0] <= f.days <= QUARTER_DAYS[1]}
    for year in (f for f in facts if YEAR_DAYS[0] <= f.days <= YEAR_DAYS[1]):
        if year.end in found:
            continue
        inside = sorted(
            (q for q in found.values() if q.start >= year.start - dt.timedelta(days=3) and q.end < year.end),
            key=lambda q: q.end,
        )
        if len(inside) != 3 or not _contiguous(inside) or (inside[0].start - year.start).days > 3:
            continue
        start = inside[-1].end + dt.timedelta(days=1)
        value = year.value - sum(q.value for q in inside)
        found[year.end] = Fact(
            start, year.end, value, max(year.filed, *(q.filed for q in inside)), year.accession
        )
    return sorted(found.values(), key=lambda q: q.end)


def _contiguous(chain: list[Fact]) -> bool:
    return all(1 <= (b.start - a.end).days <= 7 for a, b in itertools.pairwise(chain))


def ttm(chain: list[Fact], back: int = 0) -> float | None:
    """The sum of four contiguous quarters ending `back` quarters before the latest; None if broken."""
    stop = len(chain) - back
    window = chain[stop - 4 : stop] if stop >= 4 else []
    if len(window) != 4 or not _contiguous(window):
        return None
    if not YEAR_DAYS[0] <= (window[-1].end - window[0].start).days + 1 <= YEAR_DAYS[1]:
        return None
    return sum(q.value for q in window)


def _flow(
    facts: FactTable, field: str, as_of: dt.datetime, today: dt.date
) -> tuple[float | None, float | None]:
    """(TTM now, TTM a year earlier) for a flow field; None where the evidence is missing or stale."""
    chain = quarters(known_facts(facts, field, as_of=as_of))
    if not chain or (today - chain[-1].end).days > STALE_DAYS:
        return None, None
    return ttm(chain), ttm(chain, back=4)


def _balance(facts: FactTable, field: str, as_of: dt.datetime, today: dt.date) -> Fact | None:
    instants = [f for f in known_facts(facts, field, as_of=as_of).values() if f.start is None]
    latest = max(instants, key=lambda f: f.end, default=None)
    return latest if latest is not None and (today - latest.end).days <= STALE_DAYS else None


def _debt(facts: FactTable, as_of: dt.datetime, on: dt.date) -> float | None:
    def at(field: str) -> float | None:
        fact = known_facts(facts, field, as_of=as_of).get((None, on))
        return fact.value if fact else None

    long_total = at("long_term_debt")
    if long_total is None:
        noncurrent, current = at("long_term_debt_noncurrent"), at("long_term_debt_current")
        long_total = (
            None if noncurrent is None and current is None else (noncurrent or 0.0) + (current or 0.0)
        )
    short = [v for v in (at("commercial_paper"), at("short_term_borrowings")) if v is not None]
    if long_total is None and not short:
        return None
    return (long_total or 0.0) + sum(short)


def _ratio(numerator: float | None, denominator: float | None, *, positive: bool = False) -> float | None:
    if numerator is None or denominator is None or denominator == 0 or (positive and denominator < 0):
        return None
    return numerator / denominator


def _growth(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None or before <= 0 else now / before - 1.0


def fundamentals_from_companyfacts(
    facts: dict | FactTable,
    *,
    as_of: dt.datetime,
    price: float | None,
    shares_fallback: float | None = None,
    sic: str | None = None,
    ticker: str | None = None,
    earnings: tuple[list[dt.date], dt.date | None] | None = None,
) -> Fundamentals | None:
    """The fundamentals agent's fields from a companyfacts body or its `fact_table` (module
    docstring), or None when no fact at all is public by `as_of`.

    `price` is the point-in-time close (None: no P/E, market cap or yield); `shares_fallback`
    stands in when no share count is filed; `earnings` is `earnings_dates_from_submissions`'s
    answer, giving the last and the (estimated) next report day.
    """
    if as_of.tzinfo is None:
        raise MarketDataError("as_of must be an aware datetime")
    facts = fact_table(facts)
    today = as_of.astimezone(NEW_YORK).date()
    if not any(known_facts(facts, field, as_of=as_of) for field in CONCEPTS):
        return None
    revenue, revenue_before = _flow(facts, "revenue", as_of, today)
    net_income, _ = _flow(facts, "net_income", as_of, today)
    operating_income, _ = _flow(facts, "operating_income", as_of, today)
    eps, eps_before = _flow(facts, "eps", as_of, today)
    dividends, _ = _flow(facts, "dividends_per_share", as_of, today)
    equity = _balance(facts, "equity", as_of, today)
    shares_fact = _balance(facts, "shares", as_of, today)
    shares = shares_fact.value if shares_fact else shares_fallback
    debt = _debt(facts, as_of, equity.end) if equity else None
    equity_value = equity.value if equity else None
    price = price if price is not None and price > 0 else None
    past, upcoming = earnings if earnings is not None else ([], None)
    return Fundamentals(
        ticker=(ticker or facts.cik).upper(),
        as_of=today,
        source=SOURCE,
        is_demo=False,
        sector=sector_of_sic(sic),
        market_cap=price * shares if price is not None and shares else None,
        pe_ratio=_ratio(price, eps),
        profit_margin=_ratio(net_income, revenue, positive=True),
        operating_margin=_ratio(operating_income, revenue, positive=True),
        debt_to_equity=_ratio(debt, equity_value, positive=True),
        return_on_equity=_ratio(net_income, equity_value, positive=True),
        dividend_yield=_ratio(dividends, price),
        eps_growth=_growth(eps, eps_before),
        revenue_growth=_growth(revenue, revenue_before),
        last_earnings_date=past[-1] if past else None,
        next_earnings_date=upcoming,
        company_name=facts.entity_name,
        earnings_per_share=eps,
    )


def balances(facts: dict | FactTable, *, as_of: dt.datetime) -> dict[str, float | None]:
    """The latest equity, liabilities and debt known at `as_of` (for display and checks)."""
    facts = fact_table(facts)
    today = as_of.astimezone(NEW_YORK).date()
    equity = _balance(facts, "equity", as_of, today)
    liabilities = _balance(facts, "liabilities", as_of, today)
    return {
        "equity": equity.value if equity else None,
        "liabilities": liabilities.value if liabilities else None,
        "debt": _debt(facts, as_of, equity.end) if equity else None,
    }
