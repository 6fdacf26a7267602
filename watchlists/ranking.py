"""Ranking a watchlist's opportunities: a pure function over plain rows (no database, no clock).

A row is a mapping with (at least) the keys of `ROW_FIELDS`, one per ticker, usually built by
`watchlists.selectors.opportunity_row` from the ticker's latest analysis. The default order
(`sort="ev"`, the earlier system's) is:

1. `ev_score_7d`, highest first;
2. then `confidence_calibrated`, highest first;
3. then `data_quality_score`, highest first;
4. then `ticker` alphabetically (and the newer analysis id, should a ticker appear twice).

`sort="expected_net_return"` puts `expected_net_return_pct` first instead (what the call's own
position is expected to earn over 7 days net of costs, HOLD 0: BUYs and SELLs with an edge rise
together), then the same steps 2 to 4.

A missing value (None, NaN, infinity, or not a number) sorts after every present one at its
step, so v1 analyses, which have no EV, come after all rows that have one.

Filters: `min_quality` keeps rows whose data quality is at least that many points (0..100);
`min_ev` keeps rows whose EV is at least that value. A row without the value a filter asks
about does not pass that filter (nothing is known to meet the bar).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.numeric import finite_number

ROW_FIELDS = (
    "ticker",
    "analysis_id",
    "timestamp",
    "as_of",
    "recommendation",
    "ev_score_7d",
    "expected_net_return_pct",
    "expected_return_source",
    "confidence_calibrated",
    "calibration_sample_size",
    "data_quality_score",
    "capacity_usd",
    "regime_label",
    "recommended_action",
    "optimizer_action",
    "is_demo_data",
)
#: The keys of one ranked opportunity, in order (also the CSV header).
OPPORTUNITY_FIELDS = ("rank", *ROW_FIELDS)
#: `?sort=` values and the row key each ranks by first.
SORT_KEYS = {"ev": "ev_score_7d", "expected_net_return": "expected_net_return_pct"}
DEFAULT_SORT = "ev"


def _descending(value: Any) -> tuple[bool, float]:
    """A sort key part: present values first, highest first; missing ones last."""
    number = finite_number(value)
    return (number is None, -number if number is not None else 0.0)


def _sort_key(row: Mapping[str, Any], first: str = "ev_score_7d") -> tuple[Any, ...]:
    analysis_id = finite_number(row.get("analysis_id"))
    return (
        *_descending(row.get(first)),
        *_descending(row.get("confidence_calibrated")),
        *_descending(row.get("data_quality_score")),
        str(row.get("ticker") or ""),
        -(analysis_id or 0.0),
    )


def _passes(row: Mapping[str, Any], min_quality: float | None, min_ev: float | None) -> bool:
    if min_quality is not None:
        quality = finite_number(row.get("data_quality_score"))
        if quality is None or quality < min_quality:
            return False
    if min_ev is not None:
        ev = finite_number(row.get("ev_score_7d"))
        if ev is None or ev < min_ev:
            return False
    return True


def rank_opportunities(
    rows: Iterable[Mapping[str, Any]],
    *,
    min_quality: float | None = None,
    min_ev: float | None = None,
    limit: int | None = 20,
    sort: str = DEFAULT_SORT,
) -> list[dict[str, Any]]:
    """The rows that pass the filters, in ranking order, at most `limit` (None: all).

    Each result is a new dict with exactly the keys of `OPPORTUNITY_FIELDS`: `rank` (1, 2, ...)
    then the row's `ROW_FIELDS` (a key the row lacks is None). The input is not modified.
    Raises ValueError for a `limit` below 1, a non-finite filter or an unknown `sort`.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}, got {sort!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a whole number of at least 1 (or None), got {limit!r}")
    for name, bound in (("min_quality", min_quality), ("min_ev", min_ev)):
        if bound is not None and finite_number(bound) is None:
            raise ValueError(f"{name} must be a finite number (or None), got {bound!r}")
    kept = [row for row in rows if _passes(row, min_quality, min_ev)]
    first = SORT_KEYS[sort]
    kept.sort(key=lambda row: _sort_key(row, first))
    if limit is not None:
        kept = kept[:limit]
    return [
        {"rank": position, **{field: row.get(field) for field in ROW_FIELDS}}
        for position, row in enumerate(kept, start=1)
    ]
