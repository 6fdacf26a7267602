"""The vectorised GARCH(1,1) variance recursion equals the textbook day-by-day loop."""

from __future__ import annotations

import numpy as np

from analysis.providers.demo_market import garch_variance


def _loop(z: np.ndarray, omega: float, alpha: float, beta: float, var0: float) -> np.ndarray:
    out = np.empty_like(z)
    out[0] = var0
    for t in range(1, len(z)):
        eps = np.sqrt(out[t - 1]) * z[t - 1]
        out[t] = omega + alpha * eps**2 + beta * out[t - 1]
    return out


def test_it_matches_the_recursion() -> None:
    z = np.random.default_rng(7).standard_t(5, 2000) * np.sqrt(3 / 5)
    fast = garch_variance(z, omega=2e-6, alpha=0.09, beta=0.9, var0=1e-4)
    np.testing.assert_allclose(fast, _loop(z, 2e-6, 0.09, 0.9, 1e-4), rtol=1e-12)


def test_it_survives_extreme_shocks() -> None:
    z = np.zeros(600)
    z[::50] = 12.0  # a crash every 50 days
    fast = garch_variance(z, omega=1e-6, alpha=0.1, beta=0.88, var0=1e-4)
    assert np.all(np.isfinite(fast)) and np.all(fast > 0)
    np.testing.assert_allclose(fast, _loop(z, 1e-6, 0.1, 0.88, 1e-4), rtol=1e-12)


def test_it_handles_an_empty_input() -> None:
    assert garch_variance(np.empty(0), omega=1e-6, alpha=0.1, beta=0.8, var0=1e-4).shape == (0,)
