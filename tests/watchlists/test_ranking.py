"""`rank_opportunities`: a pure function (no database)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from watchlists.ranking import OPPORTUNITY_FIELDS, ROW_FIELDS, rank_opportunities


def row(ticker: str, ev: Any = None, conf: Any = None, quality: Any = None, **extra: Any) -> dict[str, Any]:
    base = dict.fromkeys(ROW_FIELDS)
    base.update(
        ticker=ticker,
        analysis_id=extra.pop("analysis_id", hash(ticker) % 1000),
        ev_score_7d=ev,
        confidence_calibrated=conf,
        data_quality_score=quality,
        is_demo_data=True,
    )
    base.update(extra)
    return base


def tickers(ranked: list[dict[str, Any]]) -> list[str]:
    return [r["ticker"] for r in ranked]


def test_ev_first_highest_first() -> None:
    ranked = rank_opportunities([row("A", 1.0), row("B", 3.5), row("C", -2.0), row("D", 0.0)])
    assert tickers(ranked) == ["B", "A", "D", "C"]
    assert [r["rank"] for r in ranked] == [1, 2, 3, 4]


def test_ties_on_ev_go_to_calibrated_confidence_then_data_quality_then_ticker() -> None:
    rows = [
        row("D", 1.0, 0.6, 80.0),
        row("C", 1.0, 0.6, 90.0),
        row("B", 1.0, 0.7, 10.0),
        row("A", 1.0, 0.6, 80.0),
        row("E", 2.0, 0.1, 0.0),
    ]
    assert tickers(rank_opportunities(rows)) == ["E", "B", "C", "A", "D"]


def test_missing_values_sort_last_at_each_step() -> None:
    rows = [
        row("NOCONF", 1.0, None, 99.0),
        row("CONF", 1.0, 0.2, None),
        row("NOQ", 1.0, 0.5, None),
        row("Q", 1.0, 0.5, 10.0),
    ]
    assert tickers(rank_opportunities(rows)) == ["Q", "NOQ", "CONF", "NOCONF"]


def test_v1_rows_without_ev_come_after_every_row_with_one() -> None:
    rows = [
        row("V1HIGH", None, 0.99, 100.0),
        row("NEG", -50.0, 0.01, 1.0),
        row("V1LOW", None, None, None),
        row("POS", 0.5, 0.5, 50.0),
    ]
    assert tickers(rank_opportunities(rows)) == ["POS", "NEG", "V1HIGH", "V1LOW"]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "3.0", True])
def test_non_numbers_and_non_finite_values_count_as_missing(bad: Any) -> None:
    ranked = rank_opportunities([row("BAD", bad, 0.9, 90.0), row("OK", -1.0, 0.1, 1.0)])
    assert tickers(ranked) == ["OK", "BAD"]


def test_min_quality_keeps_rows_at_or_above_and_drops_unknown_quality() -> None:
    rows = [
        row("A", 1.0, 0.5, 60.0),
        row("B", 2.0, 0.5, 59.9),
        row("C", 3.0, 0.5, None),
        row("D", 0.0, 0.5, 100),
    ]
    assert tickers(rank_opportunities(rows, min_quality=60)) == ["A", "D"]


def test_min_ev_keeps_rows_at_or_above_and_drops_v1_rows() -> None:
    rows = [row("A", -0.5), row("B", -1.5), row("C", None), row("D", 4.0)]
    assert tickers(rank_opportunities(rows, min_ev=-1.0)) == ["D", "A"]


def test_both_filters_combine() -> None:
    rows = [row("A", 1.0, quality=90), row("B", 1.0, quality=10), row("C", -1.0, quality=90)]
    assert tickers(rank_opportunities(rows, min_ev=0, min_quality=50)) == ["A"]


def test_limit_cuts_after_ranking_and_none_keeps_all() -> None:
    rows = [row(f"T{i}", float(i)) for i in range(30)]
    assert tickers(rank_opportunities(rows)) == [f"T{i}" for i in range(29, 9, -1)]  # default 20
    assert tickers(rank_opportunities(rows, limit=3)) == ["T29", "T28", "T27"]
    assert len(rank_opportunities(rows, limit=None)) == 30


@pytest.mark.parametrize("limit", [0, -1, 1.5, True])
def test_a_bad_limit_is_a_value_error(limit: Any) -> None:
    with pytest.raises(ValueError, match="limit"):
        rank_opportunities([row("A", 1.0)], limit=limit)


def test_a_non_finite_filter_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="min_ev"):
        rank_opportunities([row("A", 1.0)], min_ev=math.nan)


def test_each_result_has_exactly_the_opportunity_keys_and_inputs_stay_untouched() -> None:
    partial = {"ticker": "AAPL", "ev_score_7d": 1.0, "unrelated": "x"}
    original = dict(partial)
    (ranked,) = rank_opportunities([partial])
    assert tuple(ranked) == OPPORTUNITY_FIELDS
    assert ranked["rank"] == 1 and ranked["ticker"] == "AAPL" and ranked["capacity_usd"] is None
    assert partial == original


def test_empty_input_gives_an_empty_ranking() -> None:
    assert rank_opportunities([]) == []


def test_the_order_does_not_depend_on_the_input_order() -> None:
    rows = [row("A", 1.0, 0.5, 50), row("B", 1.0, 0.5, 50), row("C", None), row("D", 2.0)]
    assert tickers(rank_opportunities(rows)) == tickers(rank_opportunities(list(reversed(rows))))
