"""The earlier validator accepts contracts whose E7/D7 come from evidence and from scenarios."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.contract import validate_signal_contract_v2
from analysis.engine import EngineRequest, run_engine
from analysis.expected_returns import summarise_bands
from analysis.providers import DemoProvider

AS_OF = dt.datetime(2025, 6, 13, 23, 0, tzinfo=dt.UTC)
TICKERS = ("AAPL", "MSFT", "NVDA", "JPM", "XOM", "JNJ")


def _evidence(drift: float) -> dict[int, list]:
    # 40 outcomes at the middle of each of the six bands, returns drift ± 1 (half each).
    strengths = [s for s in (-80, -45, -15, 15, 45, 80) for _ in range(40)]
    gross = [drift + (1.0 if k % 2 else -1.0) for k in range(len(strengths))]
    bands = summarise_bands(strength=strengths, gross_pct=gross, cost_pct=[0.15] * len(strengths))
    return {1: bands, 7: bands, 30: bands}


@pytest.mark.parametrize("evidence", [{}, _evidence(0.5), _evidence(-0.5)], ids=["scenarios", "up", "down"])
def test_it_builds_valid_contracts_from_either_source(evidence):
    for ticker in TICKERS:
        request = EngineRequest(ticker=ticker, as_of=AS_OF, contract_enabled=True, return_evidence=evidence)
        analysis = run_engine(request, provider=DemoProvider()).analysis
        contract = analysis["signal_contract_v2"]
        assert validate_signal_contract_v2(contract) == []
        assert analysis["expected_return_source"] == ("evidence" if evidence else "scenarios")
        # New fields sit beside the contract, never inside it.
        assert "expected_return_source" not in contract and "signal_strength" not in contract
        if analysis["recommendation"] == "HOLD":
            assert contract["ev_score_7d"] == 0.0  # no new position, no built-in edge


def test_it_shows_the_evidence_in_the_ev_and_the_rationale_when_calls_went_the_other_way():
    # Every band fell: −0.5 ± 1, n = 40; sd = √(40/39) = 1.012739, half-width
    # 1.959964·1.012739/√40 = 0.313846 → r in [−0.813846, −0.186154]. A BUY's long net interval
    # tops out at −0.186154 − 0.15 = −0.336 < 0, a short's starts at 0.186154 − 0.15 = 0.036 > 0:
    # the BUY signal is reversed to SELL, expected to net 0.5 − 0.15 = 0.35 over 7 days.
    request = EngineRequest(
        ticker="AAPL", as_of=AS_OF, contract_enabled=True, return_evidence=_evidence(-0.5)
    )
    analysis = run_engine(request, provider=DemoProvider()).analysis
    assert analysis["signal_recommendation"] == "BUY"  # strength 80.2 on the demo market that day
    assert analysis["recommendation"] == "SELL"
    assert analysis["return_evidence"]["adaptation"] == "reversed"
    assert analysis["reasoning"].startswith("Past signals of strength 60..100 realised -0.65% net")
    assert "reversed to SELL" in analysis["reasoning"]
    assert analysis["expected_net_return_pct"]["7d"] == pytest.approx(0.35)
    contract = analysis["signal_contract_v2"]
    assert contract["expected_return_pct"]["7d"] == pytest.approx(-0.35)  # the long holder's view
    assert validate_signal_contract_v2(contract) == []
