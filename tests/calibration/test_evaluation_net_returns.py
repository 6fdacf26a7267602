"""Net returns: stored when economics was on, otherwise from the row's or the default basis points."""

from __future__ import annotations

import numpy as np
import pytest

from calibration.evaluation.scoring import net_returns, net_source_summary

NAN = float("nan")


def test_it_prefers_the_stored_net_then_the_stored_bps_then_the_defaults() -> None:
    net, source = net_returns(
        gross_pct=np.array([1.0, 1.0, 1.0, 1.0]),
        stored_net_pct=np.array([0.8, NAN, NAN, NAN]),
        cost_bps=np.array([10.0, 10.0, NAN, 30.0]),
        slippage_bps=np.array([5.0, 5.0, NAN, NAN]),
        default_cost_bps=20.0,
        default_slippage_bps=5.0,
    )
    # 10 + 5 bps = 0.15 points; 20 + 5 = 0.25; 30 + default 5 = 0.35.
    assert net == pytest.approx([0.8, 0.85, 0.75, 0.65])
    assert source.tolist() == ["stored", "stored_bps", "profile_default_bps", "profile_default_bps"]
    assert net_source_summary(source) == ("mixed", {"profile_default_bps": 2, "stored": 1, "stored_bps": 1})
    assert net_source_summary(source[:1]) == ("stored", {"stored": 1})
