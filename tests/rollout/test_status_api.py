"""GET /api/rollout/phase7/status: the earlier system's shape, window validation, access."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.flags import Flag
from rollout.metrics import rollout_status
from tests.rollout.gate_rows import NOW, make_analysis, make_runs, valid_contract

pytestmark = pytest.mark.django_db

URL = "/api/rollout/phase7/status"
ANALYSIS_METRIC_KEYS = {
    "total",
    "schema_v2_count",
    "signal_contract_present_count",
    "signal_contract_valid_count",
    "signal_contract_valid_coverage",
    "portfolio_action_v2_parseable_count",
    "portfolio_action_v2_coverage_on_v2",
    "ev_score_non_null_count",
    "confidence_calibrated_non_null_count",
    "data_quality_non_null_count",
    "regime_label_non_null_count",
}


def test_it_answers_with_the_earlier_systems_keys(viewer_api: APIClient) -> None:
    response = viewer_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "generated_at",
        "window_hours",
        "since_timestamp",
        "metrics",
        "gates",
        "feature_flags",
        "legacy_reads",  # added for the N+1 deprecation gate
    }
    assert body["window_hours"] == 72  # the earlier API's default
    generated, since = (
        dt.datetime.fromisoformat(body["generated_at"]),
        dt.datetime.fromisoformat(body["since_timestamp"]),
    )
    assert generated - since == dt.timedelta(hours=72)
    metrics = body["metrics"]
    assert set(metrics) == {
        "scheduled_runs",
        "scheduled_analyses",
        "all_analyses",
        "reliability_bins",
        "alert_rules",
    }
    assert set(metrics["scheduled_runs"]) == {"total_runs", "success_runs", "success_rate"}
    assert set(metrics["scheduled_analyses"]) == ANALYSIS_METRIC_KEYS
    assert set(metrics["all_analyses"]) == ANALYSIS_METRIC_KEYS
    assert set(metrics["reliability_bins"]) == {"horizons", "non_empty_horizon_count"}
    assert set(metrics["alert_rules"]) == {
        "by_type",
        "legacy_count",
        "v2_count",
        "unknown_type_count",
        "unknown_types",
    }
    assert set(body["gates"]) == {"stage_a", "stage_b", "stage_c", "stage_d"}
    for gate in body["gates"].values():
        assert set(gate) == {"passed", "checks", "manual_checks"}
        assert gate["checks"]
        for check in gate["checks"]:
            assert set(check) == {
                "name",
                "passed",
                "actual",
                "threshold",
                "threshold_value",
                "comparison",
                "detail",
            }
            # The earlier API's threshold is a string such as ">= 0.99"; the bare bound is beside it.
            assert check["threshold"].split(" ")[0] in (">=", "<=", "==")
    assert set(body["feature_flags"]) == {flag.value for flag in Flag}
    assert set(body["legacy_reads"]) >= {
        "v2_declared",
        "legacy_only",
        "legacy_only_share",
        "by_route",
        "threshold",
        "below_threshold",
    }


def test_the_window_comes_from_the_query(viewer_api: APIClient) -> None:
    body = viewer_api.get(URL, {"window_hours": 72}).json()
    assert body["window_hours"] == 72
    assert body["gates"]["stage_a"]["checks"][0]["detail"] == "no scheduled runs in the window"


@pytest.mark.parametrize("window", ["0", "721", "-5", "abc", "1.5"])
def test_it_rejects_a_bad_window_with_a_422(viewer_api: APIClient, window: str) -> None:
    response = viewer_api.get(URL, {"window_hours": window})
    assert response.status_code == 422  # a declared bound, as the earlier API answered
    assert "window_hours" in response.json()["detail"]


def test_an_empty_window_means_the_default(viewer_api: APIClient) -> None:
    # As for every query parameter of this API: present but empty is the same as absent.
    assert viewer_api.get(URL, {"window_hours": ""}).json()["window_hours"] == 72


@pytest.mark.parametrize("window", [1, 720])
def test_it_accepts_the_window_bounds(viewer_api: APIClient, window: int) -> None:
    assert viewer_api.get(URL, {"window_hours": window}).status_code == 200


def test_anonymous_callers_get_401() -> None:
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_the_flag_posture_reflects_admin_overrides(viewer_api: APIClient, flag: Any, settings: Any) -> None:
    settings.FEATURE_FLAG_DEFAULTS = {**settings.FEATURE_FLAG_DEFAULTS, "ALERTS_V2_ENABLED": True}
    flag("SCHEDULED_SIGNAL_CONTRACT_V2_ENABLED", True)
    flag("ALERTS_V2_ENABLED", False)
    flags = viewer_api.get(URL).json()["feature_flags"]
    assert flags["SCHEDULED_SIGNAL_CONTRACT_V2_ENABLED"] is True
    assert flags["ALERTS_V2_ENABLED"] is False  # the override beats the environment
    assert flags["SIGNAL_CONTRACT_V2_ENABLED"] is False
    flag("ALERTS_V2_ENABLED", None)
    assert viewer_api.get(URL).json()["feature_flags"]["ALERTS_V2_ENABLED"] is True


def test_it_counts_analyses_in_the_window_only_and_never_replays() -> None:
    make_analysis(run_kind="scheduled", contract=valid_contract())
    make_analysis(run_kind="interactive", contract=valid_contract())
    make_analysis(run_kind=None)  # a legacy row with no run kind is still an analysis
    make_analysis(run_kind="replay", contract=valid_contract())
    make_analysis(run_kind="scheduled", contract=valid_contract(), at=NOW - dt.timedelta(hours=30))
    make_analysis(run_kind="scheduled", at=NOW + dt.timedelta(hours=1))  # after `now`
    make_runs(1, at=NOW - dt.timedelta(hours=30))
    make_runs(2, at=NOW - dt.timedelta(hours=3))

    metrics = rollout_status(window_hours=24, now=NOW)["metrics"]
    assert metrics["scheduled_analyses"] == {
        "total": 1,
        "schema_v2_count": 1,
        "signal_contract_present_count": 1,
        "signal_contract_valid_count": 1,
        "signal_contract_valid_coverage": 1.0,
        "portfolio_action_v2_parseable_count": 0,
        "portfolio_action_v2_coverage_on_v2": 0.0,
        "ev_score_non_null_count": 1,
        "confidence_calibrated_non_null_count": 1,
        "data_quality_non_null_count": 1,
        "regime_label_non_null_count": 1,
    }
    assert metrics["all_analyses"]["total"] == 3
    assert metrics["all_analyses"]["signal_contract_valid_count"] == 2
    assert metrics["all_analyses"]["signal_contract_valid_coverage"] == round(2 / 3, 4)
    assert metrics["scheduled_runs"]["total_runs"] == 2

    wider = rollout_status(window_hours=48, now=NOW)["metrics"]
    assert wider["scheduled_analyses"]["total"] == 2
    assert wider["scheduled_runs"]["total_runs"] == 3


def test_present_and_valid_contracts_are_counted_apart() -> None:
    make_analysis(run_kind="scheduled", contract={"schema_version": "2.0"}, ev_score_7d=None)
    status = rollout_status(window_hours=24, now=NOW)["metrics"]["scheduled_analyses"]
    assert (status["signal_contract_present_count"], status["signal_contract_valid_count"]) == (1, 0)
    assert status["ev_score_non_null_count"] == 0
    assert status["signal_contract_valid_coverage"] == 0.0


def test_an_empty_database_has_null_ratios_not_zero_divisions() -> None:
    metrics = rollout_status(window_hours=24, now=timezone.now())["metrics"]
    assert metrics["scheduled_runs"]["success_rate"] is None
    assert metrics["all_analyses"]["signal_contract_valid_coverage"] is None


def test_the_service_refuses_a_window_out_of_range() -> None:
    with pytest.raises(ValueError, match="window_hours"):
        rollout_status(window_hours=0)
