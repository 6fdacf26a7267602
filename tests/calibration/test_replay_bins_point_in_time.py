"""Replay calibrates each day's analyses only with outcomes realised by that day.

A short replay, then, for every replayed day, the reliability bins recomputed here from the
outcomes whose realised session is on or before that day (`calibration.stats`, the pure
functions), compared with what the replay stored for the day and with the calibrated
confidence and hit rates each of that day's analyses recorded, after the replay has run a
second time (rebuilding every day's bins when all later outcomes are known). The same
comparison against bins that also hold the next day's outcomes disagrees, so it would catch a
replay that calibrated with an outcome realised later.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings

from analysis import contract
from analysis.contract.reliability import ReliabilityBinRow, pick_bin
from analysis.market_data import NEW_YORK, session_close
from analysis.models import Analysis
from calibration import stats
from calibration.models import HORIZONS, AnalysisOutcome, OutcomeStatus, ReliabilityBin
from calibration.replay import AFTER_CLOSE, replay_dates, replay_history
from rollout.models import FeatureFlag

pytestmark = pytest.mark.django_db

TICKERS = ("AAPL", "MSFT", "KO")
START, END = dt.date(2025, 1, 2), dt.date(2025, 2, 7)


@pytest.fixture(autouse=True)
def demo(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"
    FeatureFlag.objects.update_or_create(name="SIGNAL_CONTRACT_V2_ENABLED", defaults={"override": True})


def bins_realised_by(outcomes: list[AnalysisOutcome], day: dt.date, horizon: int) -> list[stats.BinStat]:
    """The non-empty bins of `horizon` from the outcomes realised on or before `day`."""
    window = dt.timedelta(days=django_settings.CALIBRATION_WINDOW_DAYS)
    known = [
        o
        for o in outcomes
        if o.horizon_days == horizon
        and o.realized_date is not None
        and o.realized_date <= day
        and day - window < o.analysis.as_of.astimezone(NEW_YORK).date() <= day
    ]
    bins = stats.reliability_bins(
        [o.confidence for o in known],
        [bool(o.direction_correct) for o in known],
        n_bins=django_settings.CALIBRATION_BIN_COUNT,
    )
    return [b for b in bins if b.sample_size > 0]


def disagreements(days: list[dt.date], evidence_day: Callable[[dt.date], dt.date]) -> list[str]:
    """Where the replay's bins, and its analyses' calibration, differ from the bins recomputed
    from the outcomes realised by `evidence_day(day)`; [] when they all agree."""
    outcomes = list(AnalysisOutcome.objects.filter(status=OutcomeStatus.COMPLETE).select_related("analysis"))
    found: list[str] = []
    for day in days:
        expected = {h: bins_realised_by(outcomes, evidence_day(day), h) for h in HORIZONS}
        for horizon in HORIZONS:
            stored = ReliabilityBin.objects.filter(as_of_date=day, horizon_days=horizon).order_by("bin_index")
            if [(b.bin_index, b.sample_size) for b in stored] != [
                (b.index, b.sample_size) for b in expected[horizon]
            ] or any(
                s.empirical_hit_rate != pytest.approx(e.hit_rate, abs=1e-12)
                for s, e in zip(stored, expected[horizon], strict=True)
            ):
                found.append(f"{day} {horizon}d stored bins")
        rows = {
            h: [ReliabilityBinRow(b.lower, b.upper, b.sample_size, b.hit_rate) for b in bins]
            for h, bins in expected.items()
            if bins
        }
        for analysis in Analysis.objects.filter(run_kind="replay", as_of=session_close(day) + AFTER_CLOSE):
            recorded = analysis.signal_contract_v2
            raw = analysis.confidence_score
            evidence = {h: pick_bin(r, raw) for h, r in rows.items()}
            calibrated = contract.calibrate_confidence(raw, evidence.get(7))
            hit_rates = {
                f"{h}d": contract.hit_rate(analysis.recommendation, raw, evidence.get(h)) for h in HORIZONS
            }
            if (
                recorded["confidence"]["source"] != calibrated.source
                or recorded["confidence"]["sample_size"] != calibrated.sample_size
                or recorded["confidence"]["calibrated"] != pytest.approx(calibrated.value, abs=6e-5)
                or recorded["hit_rate"] != pytest.approx(hit_rates, abs=6e-5)
            ):
                found.append(f"{day} {analysis.ticker} calibration")
    return found


def test_it_calibrates_each_replayed_day_only_with_outcomes_realised_by_that_day() -> None:
    summary = replay_history(tickers=TICKERS, start=START, end=END, agents="market,technical,news")
    days = replay_dates(START, END, 1)
    assert summary.analyses_run == len(TICKERS) * len(days) and summary.failures == 0
    # Evidence accumulated: calibrated confidence by the end, and bins large enough to be trusted.
    last = Analysis.objects.filter(run_kind="replay").order_by("-as_of").first()
    assert last.signal_contract_v2["confidence"]["source"] == "shrunk"
    assert ReliabilityBin.objects.filter(sample_size__gte=contract.MIN_BIN_SAMPLES).exists()
    for outcome in AnalysisOutcome.objects.filter(status=OutcomeStatus.COMPLETE).select_related("analysis"):
        # A realised session is the target's or later, and closed after the call was made.
        assert outcome.realized_date >= outcome.target_date
        assert outcome.realized_date > outcome.analysis.as_of.astimezone(NEW_YORK).date()

    # Run again, as a resumed replay would: every day's bins are rebuilt now that all the
    # window's outcomes are known, and must still hold only those realised by their day.
    again = replay_history(tickers=TICKERS, start=START, end=END, agents="market,technical,news")
    assert again.analyses_run == 0
    assert disagreements(days, lambda day: day) == []

    # Bins that also knew the next session's outcomes disagree on (almost) every day with
    # evidence: the comparison above would catch a replay that calibrated a day too late.
    next_day = dict(itertools.pairwise(days))
    leaked = disagreements(days[:-1], lambda day: next_day[day])
    assert len({line.split()[0] for line in leaked}) >= len(days) - 3, leaked
    assert any(line.endswith("calibration") for line in leaked)
