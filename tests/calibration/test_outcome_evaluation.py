"""Pending outcomes are scored once, with prices strictly after the analysis."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from analysis.market_data import NEW_YORK, session_close
from analysis.providers import DemoProvider
from calibration.models import AnalysisOutcome, OutcomeStatus
from calibration.outcomes import evaluate_due_outcomes
from orchestration.analysis import run_analysis
from rollout.models import FeatureFlag

pytestmark = pytest.mark.django_db

# Friday 2025-06-13, after the close.
ANALYSIS_AS_OF = session_close(dt.date(2025, 6, 13)) + dt.timedelta(minutes=30)
MUCH_LATER = session_close(dt.date(2025, 8, 29)) + dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def demo(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


def _analysis(ticker: str = "AAPL", as_of: dt.datetime = ANALYSIS_AS_OF) -> int:
    return run_analysis(ticker=ticker, as_of=as_of).pk


def test_it_scores_each_horizon_at_the_first_close_on_or_after_its_target() -> None:
    analysis_id = _analysis()
    summary = evaluate_due_outcomes(as_of=MUCH_LATER)
    assert summary.evaluated == 3
    outcomes = {o.horizon_days: o for o in AnalysisOutcome.objects.filter(analysis_id=analysis_id)}
    # Target dates: Sat 06-14, Fri 06-20, Sun 07-13 → sessions Mon 06-16, Fri 06-20, Mon 07-14.
    assert {h: o.realized_date.isoformat() for h, o in outcomes.items()} == {
        1: "2025-06-16",
        7: "2025-06-20",
        30: "2025-07-14",
    }
    bars = DemoProvider().prices("AAPL", start=dt.date(2025, 6, 1), as_of=MUCH_LATER)
    closes = dict(zip(bars.dates.astype(dt.date), bars.close, strict=True))
    for outcome in outcomes.values():
        assert outcome.status == OutcomeStatus.COMPLETE
        assert outcome.realized_price == pytest.approx(closes[outcome.realized_date])
        expected = (outcome.realized_price / outcome.baseline_price - 1) * 100
        assert outcome.realized_return_pct == pytest.approx(expected)
        assert outcome.brier_component == pytest.approx(
            (outcome.predicted_up_probability - float(outcome.outcome_up)) ** 2
        )
        # Economics off by default: no net figures.
        assert outcome.realized_return_net_pct is None


def test_with_economics_on_it_records_net_drawdown_and_utility() -> None:
    FeatureFlag.objects.update_or_create(name="CALIBRATION_ECONOMICS_ENABLED", defaults={"override": True})
    analysis_id = _analysis("MSFT")
    evaluate_due_outcomes(as_of=MUCH_LATER)
    outcome = AnalysisOutcome.objects.get(analysis_id=analysis_id, horizon_days=7)
    costs = (outcome.transaction_cost_bps + outcome.slippage_bps) / 100
    assert outcome.realized_return_net_pct == pytest.approx(outcome.realized_return_pct - costs)
    bars = DemoProvider().prices(
        "MSFT", start=dt.date(2025, 6, 14), as_of=session_close(outcome.realized_date)
    )
    lowest = float(bars.low.min())
    assert outcome.max_drawdown_pct == pytest.approx(
        max(0.0, (outcome.baseline_price - lowest) / outcome.baseline_price * 100)
    )
    assert outcome.utility_score == pytest.approx(
        outcome.realized_return_net_pct - 0.5 * outcome.max_drawdown_pct
    )


def test_it_waits_until_the_realised_session_has_closed() -> None:
    _analysis()
    # Monday 06-16 at noon: the 1-day outcome's session has not closed yet.
    summary = evaluate_due_outcomes(as_of=dt.datetime(2025, 6, 16, 12, 0, tzinfo=NEW_YORK))
    assert summary.evaluated == 0
    assert AnalysisOutcome.objects.filter(status=OutcomeStatus.PENDING).count() == 3
    assert evaluate_due_outcomes(as_of=session_close(dt.date(2025, 6, 16))).evaluated == 1


def test_an_analysis_before_the_close_uses_that_days_close_not_an_earlier_one() -> None:
    # Friday at noon: Friday's own close comes after the analysis, so it counts for a 0-gap target.
    analysis_id = _analysis("KO", as_of=dt.datetime(2025, 6, 13, 12, 0, tzinfo=NEW_YORK))
    evaluate_due_outcomes(as_of=MUCH_LATER)
    one_day = AnalysisOutcome.objects.get(analysis_id=analysis_id, horizon_days=1)
    assert one_day.realized_date == dt.date(2025, 6, 16)  # the first session on or after Saturday
    # Its baseline is Thursday's close: the last one known at noon on Friday.
    thursday = DemoProvider().prices(
        "KO", start=dt.date(2025, 6, 12), as_of=session_close(dt.date(2025, 6, 12))
    )
    assert one_day.baseline_price == pytest.approx(float(thursday.close[-1]))


def test_running_twice_evaluates_each_outcome_exactly_once() -> None:
    _analysis("JPM")
    assert evaluate_due_outcomes(as_of=MUCH_LATER).evaluated == 3
    before = list(AnalysisOutcome.objects.order_by("id").values())
    assert evaluate_due_outcomes(as_of=MUCH_LATER).evaluated == 0
    assert list(AnalysisOutcome.objects.order_by("id").values()) == before


def test_a_crash_mid_evaluation_leaves_the_outcome_pending_for_the_next_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _analysis("XOM")
    from calibration import stats

    real = stats.evaluate_outcome
    calls = {"n": 0}

    def crash_once(inputs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("worker died")
        return real(inputs)

    monkeypatch.setattr(stats, "evaluate_outcome", crash_once)
    with pytest.raises(RuntimeError):
        evaluate_due_outcomes(as_of=MUCH_LATER)
    assert AnalysisOutcome.objects.filter(status=OutcomeStatus.PENDING).count() == 3
    assert evaluate_due_outcomes(as_of=MUCH_LATER).evaluated == 3


def test_an_unknown_ticker_is_skipped_not_retried_forever(settings: Any, tmp_path: Any) -> None:
    analysis_id = _analysis("PG")
    settings.MARKET_DATA_PROVIDER = "csv"
    settings.MARKET_DATA_CSV_DIR = str(tmp_path)  # no PG.csv there
    summary = evaluate_due_outcomes(as_of=MUCH_LATER)
    assert summary.skipped == 3
    assert set(AnalysisOutcome.objects.filter(analysis_id=analysis_id).values_list("status", flat=True)) == {
        "skipped"
    }
