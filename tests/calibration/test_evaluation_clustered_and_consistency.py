"""Worked examples for the date-clustered mean interval and the ECE a calibrated forecaster shows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from calibration.evaluation.intervals import clustered_mean_interval, mean_interval
from calibration.evaluation.scoring import confidence_bin_index, ece_if_calibrated, group_table


def test_one_value_per_date_gives_the_ordinary_t_interval():
    values = np.array([1.0, -2.0, 4.0, 0.5, 3.0])
    assert clustered_mean_interval(values, np.arange(5)) == pytest.approx(mean_interval(values))


def test_two_dates_of_two_outcomes_worked_by_hand():
    # Date A: 1, 3; date B: -1, -3. Mean 0; cluster sums u = 4, -4; Γ0 = 32;
    # variance = G/(G-1) · Γ0 / n² = 2 · 32 / 16 = 4, se 2; t(0.975, 1) = 12.7062.
    values = np.array([1.0, 3.0, -1.0, -3.0])
    dates = np.array(["2020-01-03", "2020-01-03", "2020-01-10", "2020-01-10"], dtype="datetime64[D]")
    mean, lower, upper = clustered_mean_interval(values, dates)
    half = 12.706204736174707 * 2.0
    assert (mean, lower, upper) == pytest.approx((0.0, -half, half))
    # The same four values as independent draws: s = √(20/3), se = s/2, t(3) = 3.1824.
    _, naive_lower, _ = mean_interval(values)
    assert naive_lower == pytest.approx(-3.182446305284263 * math.sqrt(20 / 3) / 2)
    assert lower < naive_lower  # same-date outcomes no longer count as independent


def test_bartlett_lag_weights_the_neighbouring_dates():
    # Dates 1..3 with cluster sums u = (2, 2, -4) around the mean 0 (values 2, 2, -4, one each).
    # Γ0 = 24, Γ1 = 2·2 + 2·(-4) = -4; lag 1 weight 1/2: 24 + 2·0.5·(-4) = 20;
    # variance = 3/2 · 20 / 9 = 10/3.
    values = np.array([2.0, 2.0, -4.0])
    _, lower, upper = clustered_mean_interval(values, np.array([1, 2, 3]), lag=1)
    half = scipy_stats.t.ppf(0.975, 2) * math.sqrt(10 / 3)
    assert (lower, upper) == pytest.approx((-half, half))


def test_a_single_date_has_no_interval():
    assert clustered_mean_interval(np.array([1.0, 2.0]), np.array([7, 7])) == (1.5, None, None)


def test_group_table_clusters_by_date_when_given_dates():
    labels = np.array(["BUY", "BUY", "BUY", "BUY"])
    hits = np.array([1, 1, 0, 0])
    net = np.array([1.0, 3.0, -1.0, -3.0])
    dates = np.array([0, 0, 1, 1])
    row = group_table(labels, hits, net, clusters=dates)[0]
    assert row["mean_net_return_ci"] == pytest.approx([-2 * 12.706204736174707, 2 * 12.706204736174707])


def test_ece_of_a_calibrated_forecaster_at_one_half_over_four_outcomes():
    # One bin, four outcomes at 0.5: k ~ Binomial(4, 1/2), ECE = |k/4 - 1/2|, which is
    # 0 (6/16), 0.25 (8/16) or 0.5 (2/16): mean 3/16 = 0.1875 and 95th percentile 0.5.
    c = np.full(4, 0.5)
    figures = ece_if_calibrated(c, confidence_bin_index(c, 10), 10, draws=4000)
    assert figures["mean"] == pytest.approx(0.1875, abs=0.01)
    assert figures["p95"] == 0.5
    assert figures == ece_if_calibrated(c, confidence_bin_index(c, 10), 10, draws=4000)  # seeded


def test_ece_of_a_calibrated_forecaster_with_two_confidences_in_one_bin():
    # One bin (0.4-0.5), confidences 0.41 and 0.49: f = 0.45, k = X1 + X2 with P(k=0) = 0.59 x 0.51
    # = 0.3009, P(k=2) = 0.41 x 0.49 = 0.2009, P(k=1) = 0.4982; ECE = |k/2 - 0.45| is 0.45, 0.05
    # or 0.55: mean 0.45 x 0.3009 + 0.05 x 0.4982 + 0.55 x 0.2009 = 0.27081, 95th percentile 0.55.
    c = np.array([0.41, 0.49])
    figures = ece_if_calibrated(c, confidence_bin_index(c, 10), 10, draws=20000)
    assert figures["mean"] == pytest.approx(0.27081, abs=0.004)
    assert figures["p95"] == pytest.approx(0.55)


def test_ece_of_a_calibrated_forecaster_over_two_bins():
    # Five outcomes at 0.2 and five at 0.8, each bin weighing one half. For k ~ Binomial(5, 0.2),
    # |k/5 - 0.2| is 0.2, 0, 0.2, 0.4, 0.6, 0.8 with P 0.32768, 0.4096, 0.2048, 0.0512, 0.0064,
    # 0.00032: mean 0.131072; the 0.8 bin mirrors it, so the mean ECE is 0.131072 too.
    c = np.array([0.2] * 5 + [0.8] * 5)
    figures = ece_if_calibrated(c, confidence_bin_index(c, 10), 10, draws=20000)
    assert figures["mean"] == pytest.approx(0.131072, abs=0.003)


def test_certain_forecasts_show_no_sampling_ece():
    c = np.array([0.0, 1.0, 1.0, 0.0])
    assert ece_if_calibrated(c, confidence_bin_index(c, 10), 10)["p95"] == 0.0
