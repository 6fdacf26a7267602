"""Expected returns from evidence: what past calls of similar signal strength realised.

Pure functions on plain data (no Django import). The service reads the outcomes realised by an
analysis's ``as_of`` (point-in-time) and hands :func:`summarise_bands` their signal strength,
gross return and cost; the engine gets the band summaries and calls :func:`expected_returns_for`.

Units: returns, costs and downsides in percent; strengths in [−100, 100]; hit rates fractions.

Bands. The signal strength (``analysis.synthesis.scaled_call``) is cut into bands symmetric
about zero by ``BAND_EDGES`` on ``|strength|``: with edges (0, 31.5, 60, 100) the six bands are
[−100, −60], (−60, −31.5], (−31.5, 0), [0, 31.5), [31.5, 60), [60, 100] (chosen by walk-forward,
below). A band holds past analyses by their strength, whatever their call was.

Per band and horizon, over its ``n`` outcomes with gross return ``r_i`` (the stock's own move)
and round-trip cost ``c_i`` (transaction cost + slippage, bps/100):

* ``mean_gross = mean(r)``, its 95 % interval ``mean ± 1.96·sd/√n`` (sd with ddof 1);
* a long position nets ``r − c``, a short ``−r − c``; ``long_loss = mean(max(0, −(r − c)))``
  and ``short_loss = mean(max(0, −(−r − c)))`` are the average loss per call (downside);
* a HOLD takes no new position: its net return, downside and EV are 0 whatever the band did
  (the band's own figures are still reported beside it).

A band is used from ``MIN_BAND_SAMPLES`` = 30 outcomes of the horizon (the same bar as a
reliability bin); below that the horizon falls back to the scenario formula and says so
(``source``: ``"evidence"`` or ``"scenarios"``).

In the contract (a long holder's view, as it always was), from the 7-day evidence:
``E7 = mean_gross − mean_cost`` for BUY, ``mean_gross + mean_cost`` for SELL (the short's net,
seen from the long side), 0 for HOLD; ``D7`` the call's own average loss (``long_loss`` /
``short_loss``), 0 for HOLD. ``EV = E7·h7 − D7·(1 − h7)`` as before, with ``h7`` from the
calibration. The contract's 1- and 30-day figures stay scaled from E7 and D7 (its validator
requires it); the evidence of each horizon is reported beside the contract.

How the call adapts (7-day evidence only, the horizon the call is made for): when the interval
of the call's own net return lies wholly below zero (``hi < 0``), the band realised the opposite
of the call. The call is then reversed when the opposite position's interval lies wholly above
zero, and withheld (HOLD) otherwise; the rationale names the band, its mean and interval. The
evidence never makes a call out of a neutral band: a HOLD stays a HOLD, because what a neutral
band earned is the market's drift, not the signal's.

Walk-forward (how the threshold, the bands and the adaptation rule were chosen). Replay: ten
real tickers (nine large caps and SPY, daily adjusted bars), every 5th session from 2016-07-01
to 2020-08-28 with the ``csv`` provider (so only market + technical answer), economics on
(10 bps + 5 bps), 2,100 analyses, 2,090 complete 7-day outcomes. Fit: analyses dated up to
2018-06-30 (1,010 outcomes); judged: after (1,080). Objective on the fit half only.

* Threshold (``analysis.synthesis.STRENGTH_THRESHOLD``), by the mean 7-day net return of
  following the calls (long for BUY, short for SELL, 0 for HOLD) per analysis, fit | judged:
  20: −0.044 | +0.050; 31.5: +0.009 | +0.057; **45: +0.038 | +0.100**; 60: +0.015 | +0.036;
  80: −0.005 | +0.097; 95: −0.028 | +0.103 (percent). 45 kept: calls on 53 % | 55 % of analyses;
  judged mean net (long view) after BUY +0.39 % (n=451), after SELL +0.20 % (n=138).
* Bands, by the squared error of the band mean predicting later 7-day returns, fit on
  2016-07..2017-12 and scored on 2018-01..2018-06 (pooled mean: 11.070): edges (0, 31.5, 100)
  11.094, **(0, 31.5, 60, 100) 11.030**, (0, 20, 31.5, 45, 60, 80, 100) 11.084. Judged half:
  19.775 against the pooled 19.745, rank correlation +0.03: the bands barely beat a constant.
* Adaptation (reverse / withhold), replayed point-in-time: on the fit half it changed 96 calls,
  which earned +0.47 % net as adapted against −0.82 % as signalled, so it stays; on the judged
  half it changed 116, which earned −0.68 % against +0.46 %. Out of sample it cost money: the
  bands' 95 % intervals treat same-date outcomes of different tickers as independent, which
  they are not, so they exclude zero more often than they should.
* The strength's rank IC against the realised 7-day return: −0.021 fit, −0.025 judged. Price
  data alone carried no evidence of ordering in this sample.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: A band's evidence is used from this many outcomes of the horizon.
MIN_BAND_SAMPLES = 30
#: Band edges on |signal strength|; see the module docstring.
BAND_EDGES = (0.0, 31.5, 60.0, 100.0)
Z95 = 1.959964
HORIZON_KEYS = {1: "1d", 7: "7d", 30: "30d"}
E30_LIMIT_PCT = 60.0
SIDE = {"BUY": 1, "SELL": -1, "HOLD": 0}


@dataclass(frozen=True)
class BandEvidence:
    """One band's realised outcomes at one horizon (percent; hit rates fractions)."""

    lower: float
    upper: float
    sample_size: int
    mean_gross_pct: float
    sd_gross_pct: float
    mean_cost_pct: float
    long_loss_pct: float
    short_loss_pct: float
    long_hit_rate: float
    short_hit_rate: float

    def interval(self) -> tuple[float, float]:
        """95 % interval of ``mean_gross``; the mean itself twice when n < 2."""
        if self.sample_size < 2 or not math.isfinite(self.sd_gross_pct):
            return self.mean_gross_pct, self.mean_gross_pct
        half = Z95 * self.sd_gross_pct / math.sqrt(self.sample_size)
        return self.mean_gross_pct - half, self.mean_gross_pct + half

    def net_interval(self, side: int) -> tuple[float, float, float]:
        """(mean, low, high) of a position's net return: ``side·r − c`` (side +1 long, −1 short)."""
        low, high = self.interval()
        if side < 0:
            low, high = -high, -low
        cost = self.mean_cost_pct
        return side * self.mean_gross_pct - cost, low - cost, high - cost


def band_bounds(edges: Sequence[float] = BAND_EDGES) -> list[tuple[float, float]]:
    """The bands as signed (lower, upper), most bearish first (membership in the docstring)."""
    inner = list(edges)
    negative = [(-inner[k + 1], -inner[k]) for k in reversed(range(len(inner) - 1))]
    return negative + [(inner[k], inner[k + 1]) for k in range(len(inner) - 1)]


def band_index(strength: Any, edges: Sequence[float] = BAND_EDGES) -> np.ndarray:
    """Index into :func:`band_bounds` per strength (vectorised; edges on |strength|).

    ``s ≥ 0``: ``K + #(inner edges ≤ s)``; ``s < 0``: ``K − 1 − #(inner edges ≤ |s|)``, with
    ``K = len(edges) − 1`` bands per side, so a band's edge nearer zero is open on the
    negative side and closed on the positive side (−31.5 is in (−60, −31.5], 31.5 in [31.5, 60)).
    """
    s = np.clip(np.asarray(strength, dtype=float), -edges[-1], edges[-1])
    inner = np.asarray(edges[1:-1], dtype=float)
    k = len(edges) - 1
    above = np.searchsorted(inner, np.abs(s), side="right")
    return np.where(s >= 0, k + above, k - 1 - above)


def summarise_bands(
    *, strength: Any, gross_pct: Any, cost_pct: Any, edges: Sequence[float] = BAND_EDGES
) -> list[BandEvidence]:
    """One :class:`BandEvidence` per band (empty bands included, n = 0) from outcome columns.

    Rows with a non-finite strength, return or cost are left out.
    """
    s = np.asarray(strength, dtype=float)
    r = np.asarray(gross_pct, dtype=float)
    c = np.asarray(cost_pct, dtype=float)
    keep = np.isfinite(s) & np.isfinite(r) & np.isfinite(c)
    s, r, c = s[keep], r[keep], c[keep]
    index = band_index(s, edges) if s.size else np.empty(0, dtype=int)
    out = []
    for position, (lower, upper) in enumerate(band_bounds(edges)):
        rows = index == position
        n = int(rows.sum())
        if n == 0:
            out.append(BandEvidence(lower, upper, 0, math.nan, math.nan, math.nan, 0.0, 0.0, 0.0, 0.0))
            continue
        long_net, short_net = r[rows] - c[rows], -r[rows] - c[rows]
        out.append(
            BandEvidence(
                lower=lower,
                upper=upper,
                sample_size=n,
                mean_gross_pct=float(r[rows].mean()),
                sd_gross_pct=float(r[rows].std(ddof=1)) if n > 1 else math.nan,
                mean_cost_pct=float(c[rows].mean()),
                long_loss_pct=float(np.maximum(0.0, -long_net).mean()),
                short_loss_pct=float(np.maximum(0.0, -short_net).mean()),
                long_hit_rate=float((long_net > 0).mean()),
                short_hit_rate=float((short_net > 0).mean()),
            )
        )
    return out


def pick_band(bands: Sequence[BandEvidence], strength: float) -> BandEvidence | None:
    """The band holding ``strength`` among one horizon's bands (None when none holds it).

    The membership of :func:`band_index`: on the positive side ``lower ≤ s < upper``, on the
    negative side ``lower < s ≤ upper``, the outermost edges (±100) closed.
    """
    s = max(-100.0, min(100.0, float(strength)))
    for band in bands:
        positive = band.lower >= 0.0 and (band.lower <= s < band.upper or s == band.upper >= 100.0)
        negative = band.upper <= 0.0 and (band.lower < s <= band.upper or s == band.lower <= -100.0)
        if (s >= 0.0 and positive) or (s < 0.0 and negative):
            return band
    return None


@dataclass(frozen=True)
class HorizonExpectation:
    source: str  # "evidence" | "scenarios"
    expected_net_return_pct: float  # the call's own position, net of costs (HOLD: 0)
    downside_pct: float  # the call's average loss (HOLD: 0)
    band: BandEvidence | None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "expected_net_return_pct": _r(self.expected_net_return_pct),
            "downside_pct": _r(self.downside_pct),
            "sample_size": self.band.sample_size if self.band else 0,
        }
        if self.band is not None and self.band.sample_size > 0:
            low, high = self.band.interval()
            out["band"] = {
                "lower": self.band.lower,
                "upper": self.band.upper,
                "mean_gross_return_pct": _r(self.band.mean_gross_pct),
                "mean_gross_return_ci95_pct": [_r(low), _r(high)],
                "mean_cost_pct": _r(self.band.mean_cost_pct),
                "long_hit_rate": _r(self.band.long_hit_rate),
                "short_hit_rate": _r(self.band.short_hit_rate),
            }
        return out


@dataclass(frozen=True)
class ExpectedReturns:
    """What the engine records: the call after the evidence, per-horizon expectations, the
    contract's E7 / D7 (None: the builder's scenario formula), and a sentence when the
    evidence changed the call."""

    recommendation: str
    signal_recommendation: str
    horizons: Mapping[str, HorizonExpectation]
    contract_e7_pct: float | None
    contract_d7_pct: float | None
    adaptation: str | None
    note: str | None

    @property
    def source(self) -> str:
        return self.horizons["7d"].source

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "min_band_samples": MIN_BAND_SAMPLES,
            "signal_recommendation": self.signal_recommendation,
            "adaptation": self.adaptation,
            "note": self.note,
            "horizons": {key: h.to_dict() for key, h in self.horizons.items()},
        }


def _r(value: float | None) -> float | None:
    return round(float(value), 4) if value is not None and math.isfinite(value) else None


def _scenario_horizon(e7_long: float, d7: float, days: int, side: int, cost_pct: float) -> HorizonExpectation:
    """Scenario fallback: long E scaled from E7 as the contract does; the position's net."""
    if side == 0:
        return HorizonExpectation("scenarios", 0.0, 0.0, None)
    e = e7_long / 7.0 if days == 1 else e7_long if days == 7 else _clamp30(e7_long * 30.0 / 7.0)
    d = d7 * days / 7.0
    return HorizonExpectation("scenarios", side * e - cost_pct, d, None)


def _clamp30(value: float) -> float:
    return max(-E30_LIMIT_PCT, min(E30_LIMIT_PCT, value))


def _evidence_horizon(band: BandEvidence, side: int) -> HorizonExpectation:
    if side == 0:
        return HorizonExpectation("evidence", 0.0, 0.0, band)
    mean, _, _ = band.net_interval(side)
    loss = band.long_loss_pct if side > 0 else band.short_loss_pct
    return HorizonExpectation("evidence", mean, loss, band)


def _usable(band: BandEvidence | None) -> bool:
    return band is not None and band.sample_size >= MIN_BAND_SAMPLES and math.isfinite(band.mean_gross_pct)


def adapt_call(recommendation: str, band: BandEvidence | None) -> tuple[str, str | None]:
    """(call, adaptation) after the 7-day evidence: ``None``, ``"reversed"`` or ``"withheld"``."""
    side = SIDE[recommendation]
    if side == 0 or band is None or not _usable(band):
        return recommendation, None
    _, _, high = band.net_interval(side)
    if high >= 0.0:
        return recommendation, None
    _, opposite_low, _ = band.net_interval(-side)
    if opposite_low > 0.0:
        return ("SELL" if side > 0 else "BUY"), "reversed"
    return "HOLD", "withheld"


def expected_returns_for(
    *,
    recommendation: str,
    signal_recommendation: str,
    signal_strength: float,
    evidence: Mapping[int, Sequence[BandEvidence]],
    scenario_e7_pct: float,
    scenario_d7_pct: float,
    cost_pct: float,
) -> ExpectedReturns:
    """Expectations per horizon for ``recommendation``, the call after :func:`adapt_call` of
    ``signal_recommendation`` (see the module docstring).

    ``scenario_e7_pct`` / ``scenario_d7_pct``: the contract's scenario E7 (long view) and D7 for
    that call, used where a horizon's band holds fewer than 30 outcomes; ``cost_pct`` the
    round-trip cost of a new position then (percent).
    """
    bands = {days: pick_band(evidence.get(days, ()), signal_strength) for days in HORIZON_KEYS}
    side = SIDE[recommendation]
    horizons = {}
    for days, key in HORIZON_KEYS.items():
        band = bands[days]
        horizons[key] = (
            _evidence_horizon(band, side)
            if band is not None and _usable(band)
            else _scenario_horizon(scenario_e7_pct, scenario_d7_pct, days, side, cost_pct)
        )
    seven = horizons["7d"]
    e7: float | None = None
    d7: float | None = None
    if side == 0:
        e7, d7 = 0.0, 0.0  # no new position: no return, no cost, no downside
    elif seven.source == "evidence":
        e7 = side * seven.expected_net_return_pct  # the position's net, seen from the long side
        d7 = seven.downside_pct
    adaptation = None
    note = None
    band7 = bands[7]
    if recommendation != signal_recommendation and band7 is not None:
        adaptation = "withheld" if side == 0 else "reversed"
        mean, low, high = band7.net_interval(SIDE[signal_recommendation])
        verb = f"reversed to {recommendation}" if side else "withheld (HOLD)"
        note = (
            f"Past signals of strength {band7.lower:g}..{band7.upper:g} realised {mean:+.2f}% net "
            f"over 7 days as a {signal_recommendation} (n={band7.sample_size}, 95% CI "
            f"{low:+.2f}..{high:+.2f}): the call is {verb}."
        )
    elif side != 0 and seven.source == "evidence" and seven.band is not None:
        mean, low, high = seven.band.net_interval(side)
        if mean < 0.0:
            note = (
                f"Past signals of strength {seven.band.lower:g}..{seven.band.upper:g} realised "
                f"{mean:+.2f}% net over 7 days as a {recommendation} (n={seven.band.sample_size}, "
                f"95% CI {low:+.2f}..{high:+.2f}): against the call, though not beyond chance."
            )
    return ExpectedReturns(recommendation, signal_recommendation, horizons, e7, d7, adaptation, note)
