"""The JSON Schema of signal contract v2 and the validator.

:func:`validate_signal_contract_v2` checks a contract against
``analysis/schemas/signal_contract_v2.schema.json`` plus cross-field rules; it never raises.
"""

from __future__ import annotations

import copy
import functools
import json
import math
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from analysis.contract.numeric import clamp
from analysis.contract.returns import E30_LIMIT_PCT, ev_score_7d, risk_reward_ratio_7d
from analysis.contract.vocabulary import (
    ELLIPSIS,
    EVIDENCE_DIRECTIONS,
    INSTRUMENT_TYPE,
    RECOMMENDATIONS,
    SCHEMA_VERSION,
)
from core.numeric import finite_number

SCHEMA_ID = "https://pmresearch.invalid/schemas/signal_contract_v2.schema.json"
SCHEMA_RESOURCE = "schemas/signal_contract_v2.schema.json"
# ``SCHEMA_RESOURCE`` is a path inside the ``analysis`` package (analysis/schemas/), not this one.
_SCHEMA_PACKAGE = "analysis"


@functools.cache
def _schema() -> dict[str, Any]:
    text = resources.files(_SCHEMA_PACKAGE).joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_contract_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of signal contract v2, as a fresh dict (the parsed file is
    cached; callers may mutate the copy they get).
    """
    return copy.deepcopy(_schema())


@functools.cache
def _validator() -> Draft202012Validator:
    schema = _schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _path_text(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "contract"


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + ELLIPSIS


def _schema_message(error: Any) -> str:
    """jsonschema's message, without long echoes of the offending value."""
    instance = error.instance
    if error.validator == "maxLength" and isinstance(instance, str):
        return f"is {len(instance)} characters long; at most {error.validator_value} allowed"
    if error.validator == "minLength" and isinstance(instance, str):
        return f"is {len(instance)} characters long; at least {error.validator_value} required"
    if error.validator == "maxItems" and isinstance(instance, list):
        return f"has {len(instance)} items; at most {error.validator_value} allowed"
    return _short(error.message)


_MISSING = object()


def _get(container: Any, *path: Any) -> Any:
    node = container
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or not -len(node) <= part < len(node):
                return _MISSING
        elif not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _num(container: Any, *path: Any) -> float | None:
    """A finite number at ``path`` (bools excluded), else None."""
    value = _get(container, *path)
    if value is _MISSING or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return finite_number(value)


def _non_finite_paths(node: Any, path: tuple[Any, ...], out: list[tuple[str, float]], depth: int = 0) -> None:
    if depth > 20:
        return
    if isinstance(node, float) and not math.isfinite(node):
        out.append((_path_text(path), node))
    elif isinstance(node, Mapping):
        for key, value in node.items():
            _non_finite_paths(value, (*path, key), out, depth + 1)
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            _non_finite_paths(value, (*path, index), out, depth + 1)


def _close(actual: float, expected: float, abs_tol: float = 1e-3) -> bool:
    return math.isclose(actual, expected, rel_tol=1e-3, abs_tol=abs_tol)


def _rule_problems(
    contract: Mapping[str, Any], bad_paths: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Cross-field rules as ``(field path, message)``.

    Consistency rules are only evaluated where their operands are finite numbers that the schema
    did not already reject (``bad_paths``), so one wrong value does not cascade into others.
    """
    problems: list[tuple[str, str]] = []

    def operand(*path: Any) -> float | None:
        return None if _path_text(path) in bad_paths else _num(contract, *path)

    # No NaN or infinity anywhere (JSON cannot carry them; the schema's ranges do not catch NaN).
    non_finite: list[tuple[str, float]] = []
    _non_finite_paths(contract, (), non_finite)
    problems.extend((path, f"must be a finite number (got {value!r})") for path, value in non_finite)

    # The earlier validator's rules: values from their sets, confidences and strengths in range.
    for key, allowed in (
        ("schema_version", (SCHEMA_VERSION,)),
        ("instrument_type", (INSTRUMENT_TYPE,)),
        ("recommendation", RECOMMENDATIONS),
    ):
        value = _get(contract, key)
        if value is not _MISSING and value not in allowed:
            problems.append((key, f"must be one of {', '.join(allowed)} (got {value!r})"))
    for key in ("raw", "calibrated"):
        present = _get(contract, "confidence", key) is not _MISSING
        value = _num(contract, "confidence", key)
        if present and (value is None or not 0.0 <= value <= 1.0):
            problems.append((f"confidence.{key}", "must be a number between 0 and 1"))
    evidence = _get(contract, "evidence")
    if isinstance(evidence, list):
        for index, item in enumerate(evidence):
            direction = _get(item, "direction")
            if direction is not _MISSING and direction not in EVIDENCE_DIRECTIONS:
                problems.append(
                    (f"evidence[{index}].direction", f"must be one of {', '.join(EVIDENCE_DIRECTIONS)}")
                )
            present = _get(item, "strength") is not _MISSING
            strength = _num(item, "strength")
            if present and (strength is None or not 0.0 <= strength <= 1.0):
                problems.append((f"evidence[{index}].strength", "must be a number between 0 and 1"))

    # Consistency between horizons and with the 7-day figures.
    e1, e7, e30 = (operand("expected_return_pct", k) for k in ("1d", "7d", "30d"))
    d1, d7, d30 = (operand("downside_risk_pct", k) for k in ("1d", "7d", "30d"))
    h7 = operand("hit_rate", "7d")
    if e7 is not None and e1 is not None and not _close(e1, e7 / 7.0):
        problems.append(("expected_return_pct.1d", f"must equal 7d/7 = {e7 / 7.0:.4f} (got {e1})"))
    if e7 is not None and e30 is not None:
        expected = clamp(e7 * 30.0 / 7.0, -E30_LIMIT_PCT, E30_LIMIT_PCT)
        if not _close(e30, expected):
            problems.append(
                (
                    "expected_return_pct.30d",
                    f"must equal clamp(7d·30/7, −60, 60) = {expected:.4f} (got {e30})",
                )
            )
    for key, value in (("1d", d1), ("7d", d7), ("30d", d30)):
        if value is not None and value < 0.0:
            problems.append((f"downside_risk_pct.{key}", f"must be >= 0 (got {value})"))
    if d7 is not None and d1 is not None and not _close(d1, d7 / 7.0):
        problems.append(("downside_risk_pct.1d", f"must equal 7d/7 = {d7 / 7.0:.4f} (got {d1})"))
    if d7 is not None and d30 is not None and not _close(d30, d7 * 30.0 / 7.0):
        problems.append(("downside_risk_pct.30d", f"must equal 7d·30/7 = {d7 * 30.0 / 7.0:.4f} (got {d30})"))
    drawdown = operand("risk", "max_drawdown_est_pct_7d")
    if d7 is not None and drawdown is not None and not _close(drawdown, d7):
        problems.append(
            ("risk.max_drawdown_est_pct_7d", f"must equal downside_risk_pct.7d = {d7} (got {drawdown})")
        )
    if e7 is not None and d7 is not None and d7 >= 0.0:
        ratio = operand("risk", "risk_reward_ratio_7d")
        expected_ratio = risk_reward_ratio_7d(e7, d7)
        if ratio is not None and not _close(ratio, expected_ratio):
            problems.append(
                (
                    "risk.risk_reward_ratio_7d",
                    f"must equal E7/max(D7, 0.1) = {expected_ratio:.4f} (got {ratio})",
                )
            )
        ev = operand("ev_score_7d")
        if ev is not None and h7 is not None and 0.0 <= h7 <= 1.0:
            expected_ev = ev_score_7d(e7, d7, h7)
            if not _close(ev, expected_ev, abs_tol=1e-3 + 1e-4 * (abs(e7) + abs(d7))):
                problems.append(
                    ("ev_score_7d", f"must equal E7·h7 − D7·(1 − h7) = {expected_ev:.4f} (got {ev})")
                )
    low = operand("execution_plan", "entry_zone", "low")
    high = operand("execution_plan", "entry_zone", "high")
    if low is not None and high is not None and low > high:
        problems.append(("execution_plan.entry_zone", f"low ({low}) must not exceed high ({high})"))
    return problems


def validate_signal_contract_v2(contract: object) -> list[str]:
    """Problems with ``contract`` as ``"<field path>: <message>"`` strings; empty when valid.

    Checks the JSON Schema (``load_contract_schema``) and then the cross-field rules: the
    earlier validator's (schema_version, instrument_type and recommendation from their sets;
    raw and calibrated confidence in ``[0, 1]``; evidence direction and strength in their
    domains), no NaN/infinity, and consistency: ``E1 = E7/7``,
    ``E30 = clamp(E7·30/7, −60, 60)``, ``D1 = D7/7``, ``D30 = D7·30/7``, all D >= 0,
    ``max_drawdown_est_pct_7d = D7``, ``risk_reward_ratio_7d = E7/max(D7, 0.1)``,
    ``ev_score_7d = E7·h7 − D7·(1 − h7)`` (each within rounding), and
    ``entry_zone.low <= entry_zone.high``. A rule's message is left out when the schema already
    reported a problem at the same field. Never raises.
    """
    problems: list[str] = []
    schema_paths: set[str] = set()
    try:
        errors = list(_validator().iter_errors(contract))
    except Exception as exc:  # a pathological object; report rather than raise
        return [f"contract: could not be checked against the schema ({type(exc).__name__})"]
    errors.sort(key=lambda e: ([str(p) for p in e.absolute_path], e.message))
    for error in errors:
        path = _path_text(error.absolute_path)
        schema_paths.add(path)
        problems.append(f"{path}: {_schema_message(error)}")
    if not isinstance(contract, Mapping):
        return problems
    try:
        rules = _rule_problems(contract, frozenset(schema_paths))
    except Exception as exc:  # defensive: rules must never raise
        return [*problems, f"contract: cross-field checks failed ({type(exc).__name__})"]
    reported = set(schema_paths)
    for path, message in rules:
        if path not in reported:  # one message per field
            reported.add(path)
            problems.append(f"{path}: {message}")
    return problems


def is_valid_signal_contract_v2(contract: object) -> bool:
    """True when :func:`validate_signal_contract_v2` finds no problem."""
    return not validate_signal_contract_v2(contract)
