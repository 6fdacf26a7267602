"""replay_history fills outcomes, snapshots and bins from day one; a second run adds nothing."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from analysis.models import Analysis
from calibration.models import AnalysisOutcome, CalibrationSnapshot, ReliabilityBin
from rollout.models import FeatureFlag

pytestmark = pytest.mark.django_db

TICKERS = "AAPL,MSFT,NVDA,JPM,XOM,JNJ,PG,KO,CAT,BRK.B,AMZN,GOOGL,META,TSLA,V,MA,HD,UNH,PEP,COST"


@pytest.fixture(autouse=True)
def demo(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


def _replay(*args: str) -> str:
    out = StringIO()
    call_command("replay_history", *args, stdout=out)
    return out.getvalue()


def test_twenty_tickers_over_a_year_fill_bins_for_every_horizon_and_rerun_adds_nothing() -> None:
    args = ("--tickers", TICKERS, "--start", "2024-06-03", "--end", "2025-05-30", "--every", "5")
    output = _replay(*args)
    assert "20 ticker(s)" in output
    analyses = Analysis.objects.filter(run_kind="replay").count()
    assert analyses == 20 * 50  # 250 trading days, every fifth
    for horizon in (1, 7, 30):
        bins = ReliabilityBin.objects.filter(horizon_days=horizon)
        assert bins.exists(), horizon
        assert sum(b.sample_size for b in bins.filter(as_of_date=bins.latest("as_of_date").as_of_date)) > 0
        assert CalibrationSnapshot.objects.filter(horizon_days=horizon).exists()
    counts = (Analysis.objects.count(), AnalysisOutcome.objects.count(), ReliabilityBin.objects.count())
    evaluated = AnalysisOutcome.objects.filter(status="complete").count()

    second = _replay(*args)
    assert "0 analyses run, 1000 already there, 0 outcomes evaluated" in second
    assert (
        Analysis.objects.count(),
        AnalysisOutcome.objects.count(),
        ReliabilityBin.objects.count(),
    ) == counts
    assert AnalysisOutcome.objects.filter(status="complete").count() == evaluated


def test_each_replayed_analysis_is_calibrated_only_with_outcomes_known_on_its_date() -> None:
    FeatureFlag.objects.update_or_create(name="SIGNAL_CONTRACT_V2_ENABLED", defaults={"override": True})
    _replay("--tickers", "AAPL,MSFT,KO", "--start", "2025-01-02", "--end", "2025-04-30", "--every", "2")
    replayed = list(Analysis.objects.filter(run_kind="replay").order_by("as_of", "ticker"))
    assert replayed[0].signal_contract_v2["confidence"]["sample_size"] == 0  # nothing known on day one
    for analysis in replayed:
        evidence = analysis.signal_contract_v2["confidence"]
        known = AnalysisOutcome.objects.filter(
            horizon_days=7, status="complete", realized_date__lte=analysis.as_of.date()
        ).count()
        assert evidence["sample_size"] <= known, analysis.as_of
    # Later analyses did use the evidence that accumulated.
    assert replayed[-1].signal_contract_v2["confidence"]["source"] != "raw"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--tickers", "AAPL", "--start", "2025-02-01", "--end", "2025-01-01"),
            "--start must not be after --end",
        ),
        (("--tickers", "AAPL!", "--start", "2025-01-01", "--end", "2025-02-01"), "is not a US equity ticker"),
        (("--tickers", "AAPL", "--start", "2025-13-01", "--end", "2025-02-01"), "Dates are YYYY-MM-DD"),
        (("--tickers", "AAPL", "--start", "2025-01-01", "--end", "2999-01-01"), "--end must be a past date"),
        (
            ("--tickers", "AAPL", "--start", "2025-01-01", "--end", "2025-02-01", "--agents", "tea"),
            "Invalid agent names: tea",
        ),
        (("--tickers", "AAPL", "--start", "2025-01-04", "--end", "2025-01-05"), "No trading days"),
    ],
)
def test_bad_arguments_fail_with_a_reason(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        _replay(*args)
