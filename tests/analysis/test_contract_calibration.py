"""Calibrated confidence: the curve's posterior with a prior from outside the bin, raw fallback, pick_bin.

``shrunk_confidence`` (the earlier shrinkage toward a base rate that includes the bin) is still
exported for ``calibration.stats`` and tested first; the contract no longer uses it.
"""

from __future__ import annotations

import copy
import itertools
import math

import pytest

from analysis.contract import (
    CONFIDENCE_SOURCES,
    MIN_BIN_SAMPLES,
    SHRUNK_BAND_PCT,
    CalibratedConfidence,
    ReliabilityEvidence,
    build_signal_contract_v2,
    calibrate_confidence,
    load_contract_schema,
    shrunk_confidence,
    validate_signal_contract_v2,
)
from analysis.contract.reliability import ReliabilityBinRow, pick_bin
from tests.analysis.test_contract_builder import make_inputs

# ------------------------------------------------------------------------------ shrunk_confidence


def test_shrinkage_worked_example() -> None:
    # n = 10, m = 30: w = 10/(10 + 30) = 0.25; 0.25·0.70 + 0.75·0.55 = 0.175 + 0.4125 = 0.5875.
    assert shrunk_confidence(bin_hit_rate=0.70, bin_samples=10, base_rate=0.55) == pytest.approx(0.5875)


def test_shrinkage_with_no_samples_is_the_base_rate() -> None:
    assert shrunk_confidence(bin_hit_rate=None, bin_samples=0, base_rate=0.55) == 0.55
    assert shrunk_confidence(bin_hit_rate=0.9, bin_samples=0, base_rate=0.55) == 0.55


def test_shrinkage_stops_at_min_samples() -> None:
    assert shrunk_confidence(bin_hit_rate=0.70, bin_samples=30, base_rate=0.55) == 0.70
    assert shrunk_confidence(bin_hit_rate=0.70, bin_samples=500, base_rate=0.55) == 0.70
    # 29 samples: w = 29/59; (29·0.70 + 30·0.55)/59 = (20.3 + 16.5)/59 = 36.8/59.
    assert shrunk_confidence(bin_hit_rate=0.70, bin_samples=29, base_rate=0.55) == pytest.approx(36.8 / 59)
    # A custom threshold: n = 5, m = 5 → the bin's rate; n = 5, m = 15 → w = 0.25.
    assert shrunk_confidence(bin_hit_rate=0.8, bin_samples=5, base_rate=0.4, min_samples=5) == 0.8
    assert shrunk_confidence(bin_hit_rate=0.8, bin_samples=5, base_rate=0.4, min_samples=15) == pytest.approx(
        0.25 * 0.8 + 0.75 * 0.4
    )


@pytest.mark.parametrize(("bin_rate", "base"), [(0.70, 0.55), (0.30, 0.60)])
def test_shrinkage_moves_monotonically_toward_the_bin_rate(bin_rate: float, base: float) -> None:
    values = [shrunk_confidence(bin_hit_rate=bin_rate, bin_samples=n, base_rate=base) for n in range(0, 61)]
    distances = [abs(v - bin_rate) for v in values]
    assert values[0] == base
    assert all(later <= earlier for earlier, later in itertools.pairwise(distances))
    assert values[MIN_BIN_SAMPLES] == bin_rate
    assert all(min(bin_rate, base) <= v <= max(bin_rate, base) for v in values)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bin_hit_rate": 0.5, "bin_samples": -1, "base_rate": 0.5}, "bin_samples"),
        ({"bin_hit_rate": 0.5, "bin_samples": 2.5, "base_rate": 0.5}, "bin_samples"),
        ({"bin_hit_rate": 0.5, "bin_samples": 3, "base_rate": 1.2}, "base_rate"),
        ({"bin_hit_rate": 0.5, "bin_samples": 3, "base_rate": math.nan}, "base_rate"),
        ({"bin_hit_rate": None, "bin_samples": 3, "base_rate": 0.5}, "bin_hit_rate"),
        ({"bin_hit_rate": -0.1, "bin_samples": 3, "base_rate": 0.5}, "bin_hit_rate"),
        ({"bin_hit_rate": 0.5, "bin_samples": 3, "base_rate": 0.5, "min_samples": 0}, "min_samples"),
    ],
)
def test_shrinkage_rejects_bad_inputs(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        shrunk_confidence(**kwargs)


# ------------------------------------------------------------------------------ calibrate_confidence


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        # Every value is the bin's posterior, K = 10, its prior the other bins shrunk toward 0.5.
        # 30 calls, 21 right, of 300 with 165 right: prior (144 + 5)/(270 + 10) = 149/280;
        # (21 + 10·149/280)/40 = (588 + 149)/1120 = 737/1120. The band keeps the earlier rule.
        (
            ReliabilityEvidence(0.7, 30, 0.55, 300),
            CalibratedConfidence(737 / 1120, 12.0, 30, "reliability_bin"),
        ),
        # 100 calls, 70 right: prior (95 + 5)/210 = 10/21; (70 + 100/21)/110 = 1570/2310.
        (
            ReliabilityEvidence(0.7, 100, 0.55, 300),
            CalibratedConfidence(1570 / 2310, 8.0, 100, "reliability_bin"),
        ),
        # 200 calls, 140 right: prior (25 + 5)/110 = 3/11; (140 + 30/11)/210 = 1570/2310.
        (
            ReliabilityEvidence(0.7, 200, 0.55, 300),
            CalibratedConfidence(1570 / 2310, 5.0, 200, "reliability_bin"),
        ),
        # Below 30: band 15, the bin's own sample size. 10 calls, 7 right, of 200 with 110 right:
        # prior (103 + 5)/(190 + 10) = 0.54; (7 + 5.4)/20 = 0.62.
        (ReliabilityEvidence(0.7, 10, 0.55, 200), CalibratedConfidence(0.62, 15.0, 10, "shrunk")),
        # An empty bin: its prior alone, (110 + 5)/(200 + 10).
        (ReliabilityEvidence(0.55, 0, 0.55, 200), CalibratedConfidence(115 / 210, 15.0, 0, "shrunk")),
        # A fitted curve's value is taken as it is.
        (
            ReliabilityEvidence(0.7, 10, 0.55, 200, 0.58, "isotonic"),
            CalibratedConfidence(0.58, 15.0, 10, "shrunk"),
        ),
        # No base rate (or none behind it): the bin alone, prior 0.5, (7 + 5)/(10 + 10) = 0.6.
        (ReliabilityEvidence(0.7, 10), CalibratedConfidence(0.6, 15.0, 10, "shrunk")),
        (ReliabilityEvidence(0.7, 10, 0.55, 0), CalibratedConfidence(0.6, 15.0, 10, "shrunk")),
        # Nothing at all behind it: the raw confidence.
        (ReliabilityEvidence(0.7, 0), CalibratedConfidence(0.6, 15.0, 0, "raw")),
        (None, CalibratedConfidence(0.6, 15.0, 0, "raw")),
    ],
)
def test_it_calibrates_with_a_prior_from_outside_the_bin(
    evidence: ReliabilityEvidence | None, expected: CalibratedConfidence
) -> None:
    got = calibrate_confidence(0.6, evidence)
    assert got.source == expected.source
    assert got.sample_size == expected.sample_size
    assert got.band_pct == expected.band_pct
    assert got.value == pytest.approx(expected.value)


def test_shrunk_band_is_no_narrower_than_the_raw_band() -> None:
    assert SHRUNK_BAND_PCT >= 15.0
    assert "shrunk" in CONFIDENCE_SOURCES


def test_calibration_never_raises_on_odd_evidence() -> None:
    # A non-finite bin rate counts as an empty bin: the prior (22 + 5)/(40 + 10) = 0.54, with
    # the bin's sample size.
    got = calibrate_confidence(0.6, ReliabilityEvidence(math.nan, 10, 0.55, 40))
    assert (got.value, got.source, got.sample_size) == (pytest.approx(0.54), "shrunk", 10)
    # Rates outside [0, 1] are clamped (40 of 40 right: (40 + 5)/50 = 0.9, never 1.0); a
    # non-finite base rate is no base rate.
    assert calibrate_confidence(0.6, ReliabilityEvidence(0.7, 0, 1.3, 40)).value == pytest.approx(0.9)
    assert calibrate_confidence(0.6, ReliabilityEvidence(0.7, 10, math.inf, 40)).value == pytest.approx(0.6)
    assert calibrate_confidence(0.6, ReliabilityEvidence(0.7, 0, math.inf, 40)).source == "raw"
    assert calibrate_confidence(0.6, ReliabilityEvidence(0.7, -5, 0.5, 40)) == CalibratedConfidence(
        0.5, 15.0, 0, "shrunk"
    )


# ------------------------------------------------------------------------------ the contract


def test_the_contract_carries_a_shrunk_confidence_and_validates() -> None:
    evidence = ReliabilityEvidence(hit_rate=0.70, sample_size=10, base_rate=0.55, base_sample_size=200)
    contract = build_signal_contract_v2(make_inputs(reliability={7: evidence}))
    assert contract["confidence"] == {
        "raw": 0.6,
        "calibrated": 0.62,  # (7 + 10·0.54)/(10 + 10), as above
        "uncertainty_band_pct": 15.0,
        "sample_size": 10,
        "source": "shrunk",
    }
    # The hit rate keeps the earlier rule below 30 samples: 0.45 + 0.45·0.6 = 0.72.
    assert contract["hit_rate"]["7d"] == 0.72
    assert validate_signal_contract_v2(contract) == []


def test_the_schema_allows_exactly_the_three_sources() -> None:
    schema = load_contract_schema()
    assert schema["properties"]["confidence"]["properties"]["source"]["enum"] == list(CONFIDENCE_SOURCES)
    contract = build_signal_contract_v2(make_inputs())
    for source in CONFIDENCE_SOURCES:
        candidate = copy.deepcopy(contract)
        candidate["confidence"]["source"] = source
        assert validate_signal_contract_v2(candidate) == []
    candidate = copy.deepcopy(contract)
    candidate["confidence"]["source"] = "guess"
    assert [p for p in validate_signal_contract_v2(candidate) if p.startswith("confidence.source")]


# ------------------------------------------------------------------------------ pick_bin

# Five bins of one horizon: hits = 0.3·10 + 0.5·20 + 0.7·10 = 3 + 10 + 7 = 20 over 40 samples,
# so the base rate is 20/40 = 0.5. The first and last bins are empty.
FIVE_BINS = [
    ReliabilityBinRow(0.0, 0.2, 0, 0.0),
    ReliabilityBinRow(0.2, 0.4, 10, 0.3),
    ReliabilityBinRow(0.4, 0.6, 20, 0.5),
    ReliabilityBinRow(0.6, 0.8, 10, 0.7),
    ReliabilityBinRow(0.8, 1.0, 0, 0.0),
]


def test_pick_bin_returns_the_bin_and_the_base_rate() -> None:
    # 40 calls, below the isotonic threshold: each bin's posterior. [0.6, 0.8): 7 of 10 right,
    # prior (13 + 5)/(30 + 10) = 0.45, (7 + 4.5)/20 = 0.575. [0.4, 0.6): 10 of 20, prior
    # (10 + 5)/(20 + 10) = 0.5, (10 + 5)/30 = 0.5.
    assert pick_bin(FIVE_BINS, 0.65) == ReliabilityEvidence(
        0.7, 10, 0.5, 40, pytest.approx(0.575), "posterior"
    )
    assert pick_bin(FIVE_BINS, 0.4) == ReliabilityEvidence(0.5, 20, 0.5, 40, 0.5, "posterior")  # left-closed
    calibrated = calibrate_confidence(0.65, pick_bin(FIVE_BINS, 0.65))
    assert calibrated.value == pytest.approx(0.575)
    assert (calibrated.source, calibrated.sample_size) == ("shrunk", 10)


@pytest.mark.parametrize("confidence", [0.9, 1.0, 0.1])
def test_an_empty_bin_gives_the_base_rate(confidence: float) -> None:
    # Its prior is all 40 calls, 20 right: (20 + 5)/(40 + 10) = 0.5.
    evidence = pick_bin(FIVE_BINS, confidence)
    assert evidence == ReliabilityEvidence(0.5, 0, 0.5, 40, 0.5, "posterior")
    assert calibrate_confidence(confidence, evidence) == CalibratedConfidence(0.5, 15.0, 0, "shrunk")


def test_a_missing_bin_gives_the_base_rate() -> None:
    middle = FIVE_BINS[1:4]  # no bin below 0.2 or from 0.8
    assert pick_bin(middle, 0.1) == ReliabilityEvidence(0.5, 0, 0.5, 40, 0.5, "posterior")
    assert pick_bin(middle, 0.95) == ReliabilityEvidence(0.5, 0, 0.5, 40, 0.5, "posterior")


def test_pick_bin_without_any_samples() -> None:
    assert pick_bin([], 0.5) is None
    empty = [ReliabilityBinRow(0.0, 0.5, 0, 0.0), ReliabilityBinRow(0.5, 1.0, 0, 0.0)]
    evidence = pick_bin(empty, 0.7)
    assert evidence == ReliabilityEvidence(0.0, 0)
    assert calibrate_confidence(0.7, evidence) == CalibratedConfidence(0.7, 15.0, 0, "raw")
    assert pick_bin(empty[:1], 0.7) is None


def test_pick_bin_keeps_the_30_sample_rule() -> None:
    # Legacy-style 7-day bins (4 bins); 0.6 falls in [0.5, 0.75) with 64 samples.
    bins = [
        ReliabilityBinRow(0.0, 0.25, 9, 0.2222),
        ReliabilityBinRow(0.25, 0.5, 31, 0.4516),
        ReliabilityBinRow(0.5, 0.75, 64, 0.6094),
        ReliabilityBinRow(0.75, 1.0, 27, 0.7778),
    ]
    evidence = pick_bin(bins, 0.6)
    assert evidence is not None
    assert (evidence.hit_rate, evidence.sample_size, evidence.base_sample_size) == (0.6094, 64, 131)
    # Base: (9·0.2222 + 31·0.4516 + 64·0.6094 + 27·0.7778)/131.
    expected_base = (9 * 0.2222 + 31 * 0.4516 + 64 * 0.6094 + 27 * 0.7778) / 131
    assert evidence.base_rate == pytest.approx(expected_base)
    # 131 calls: isotonic. Hits 2, 14, 39, 21 (rate·n rounded), 76 in all. [0.5, 0.75): prior
    # (37 + 5)/(67 + 10) = 42/77, (39 + 420/77)/74 = 3423/5698 ≈ 0.6007; the others
    # 1054/2508 ≈ 0.420, 2210/4510 ≈ 0.490, 2994/4218 ≈ 0.710 are already in order.
    assert evidence.curve_method == "isotonic"
    got = calibrate_confidence(0.6, evidence)
    assert (got.band_pct, got.sample_size, got.source) == (12.0, 64, "reliability_bin")
    assert got.value == pytest.approx(3423 / 5698)
    top = pick_bin(bins, 1.0)
    assert top is not None and top.sample_size == 27
