"""Signal contract v2 validator and JSON Schema."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from analysis.contract import (
    SCHEMA_ID,
    build_signal_contract_v2,
    is_valid_signal_contract_v2,
    load_contract_schema,
    validate_signal_contract_v2,
)
from tests.analysis.test_contract_builder import make_inputs

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "analysis" / "schemas" / "signal_contract_v2.schema.json"


@pytest.fixture
def contract() -> dict[str, Any]:
    return build_signal_contract_v2(make_inputs())


def test_it_accepts_a_built_contract(contract: dict[str, Any]) -> None:
    assert validate_signal_contract_v2(contract) == []
    assert is_valid_signal_contract_v2(contract) is True
    assert validate_signal_contract_v2(json.loads(json.dumps(contract))) == []


def test_it_ships_a_draft_2020_12_schema() -> None:
    schema = load_contract_schema()
    assert schema == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID == "https://pmresearch.invalid/schemas/signal_contract_v2.schema.json"
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["recommendation"]["enum"] == ["BUY", "HOLD", "SELL"]
    assert schema["properties"]["rationale_summary"]["maxLength"] == 400
    assert schema["additionalProperties"] is False


def test_it_hands_out_a_copy_of_the_schema() -> None:
    schema = load_contract_schema()
    schema["properties"].clear()
    assert load_contract_schema()["properties"]


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(contract: dict[str, Any]) -> None:
        node = contract
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


def _delete(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def mutate(contract: dict[str, Any]) -> None:
        node = contract
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]

    return mutate


MALFORMED: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("missing top-level key", _delete(("risk",)), "'risk' is a required property"),
    ("missing nested key", _delete(("confidence", "calibrated")), "'calibrated' is a required property"),
    ("wrong schema_version", _set(("schema_version",), "1.0"), "schema_version"),
    ("wrong instrument_type", _set(("instrument_type",), "CRYPTO"), "instrument_type"),
    ("unknown recommendation", _set(("recommendation",), "STRONG_BUY"), "recommendation"),
    ("calibrated confidence 1.2", _set(("confidence", "calibrated"), 1.2), "confidence.calibrated"),
    ("raw confidence below 0", _set(("confidence", "raw"), -0.1), "confidence.raw"),
    ("evidence strength -0.1", _set(("evidence", 0, "strength"), -0.1), "evidence[0].strength"),
    ("bad evidence direction", _set(("evidence", 1, "direction"), "up"), "evidence[1].direction"),
    ("rationale of 401 chars", _set(("rationale_summary",), "a" * 401), "rationale_summary"),
    ("E1 inconsistent with E7", _set(("expected_return_pct", "1d"), 1.5), "expected_return_pct.1d"),
    ("E30 beyond the clamp", _set(("expected_return_pct", "30d"), 75.0), "expected_return_pct.30d"),
    ("string instead of number", _set(("risk", "data_quality_score"), "72.5"), "risk.data_quality_score"),
    ("bool instead of number", _set(("hit_rate", "7d"), True), "hit_rate.7d"),
    ("data quality above 100", _set(("risk", "data_quality_score"), 120.0), "risk.data_quality_score"),
    ("negative downside", _set(("downside_risk_pct", "7d"), -1.0), "downside_risk_pct.7d"),
    (
        "drawdown differs from D7",
        _set(("risk", "max_drawdown_est_pct_7d"), 5.0),
        "risk.max_drawdown_est_pct_7d",
    ),
    ("EV inconsistent", _set(("ev_score_7d",), 2.0), "ev_score_7d"),
    ("NaN", _set(("ev_score_7d",), math.nan), "ev_score_7d"),
    ("infinite risk/reward", _set(("risk", "risk_reward_ratio_7d"), math.inf), "risk.risk_reward_ratio_7d"),
    (
        "entry zone inverted",
        _set(("execution_plan", "entry_zone"), {"low": 103.0, "high": 97.0}),
        "entry_zone",
    ),
    ("unknown regime label", _set(("risk", "regime_label"), "bullish"), "risk.regime_label"),
    ("extra key", _set(("surprise",), 1), "surprise"),
    ("null evidence list", _set(("evidence",), None), "evidence"),
    ("non-integer sample size", _set(("confidence", "sample_size"), 12.5), "confidence.sample_size"),
]


@pytest.mark.parametrize(("case", "mutate", "field"), MALFORMED, ids=[case for case, _, _ in MALFORMED])
def test_it_rejects_a_malformed_contract_naming_the_field(
    contract: dict[str, Any], case: str, mutate: Callable[[dict[str, Any]], None], field: str
) -> None:
    broken = copy.deepcopy(contract)
    mutate(broken)
    problems = validate_signal_contract_v2(broken)
    assert problems, case
    assert any(field in problem for problem in problems), problems
    assert is_valid_signal_contract_v2(broken) is False


def test_it_reports_a_problem_once_per_field(contract: dict[str, Any]) -> None:
    contract["confidence"]["calibrated"] = 1.2
    problems = validate_signal_contract_v2(contract)
    assert len([p for p in problems if p.startswith("confidence.calibrated:")]) == 1


@pytest.mark.parametrize("value", [None, [], [1, 2], "contract", 42, 1.5, True, {}, set(), object()])
def test_it_reports_rather_than_raises_for_non_contracts(value: object) -> None:
    problems = validate_signal_contract_v2(value)
    assert problems
    assert all(isinstance(problem, str) for problem in problems)
    assert any(problem.startswith("contract") for problem in problems)
    assert is_valid_signal_contract_v2(value) is False


def test_it_survives_garbage_inside_a_contract(contract: dict[str, Any]) -> None:
    garbage = copy.deepcopy(contract)
    garbage["evidence"] = [None, 3, {"direction": [], "strength": "strong"}, {"strength": math.nan}]
    garbage["confidence"] = "high"
    garbage["expected_return_pct"] = {"1d": None, "7d": "5", "30d": [1]}
    garbage["downside_risk_pct"] = []
    garbage["risk"]["regime_detail"] = {"drivers": "not a list", 3: object()}
    garbage["execution_plan"]["entry_zone"] = {"low": "a", "high": None}
    problems = validate_signal_contract_v2(garbage)
    assert problems
    for field in (
        "evidence[0]",
        "evidence[2].direction",
        "confidence",
        "expected_return_pct.7d",
        "downside_risk_pct",
    ):
        assert any(problem.startswith(field) for problem in problems), (field, problems)
