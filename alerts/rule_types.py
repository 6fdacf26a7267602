"""The alert rule types: the one list the model, the engine, the API and the pages read. Pure.

The earlier system's five (`LEGACY_RULE_TYPES`) always apply; the five v2 types need
ALERTS_V2_ENABLED. `alerts.models.RuleType` is the model's choices built from this list.
"""

from __future__ import annotations

RECOMMENDATION_CHANGE = "recommendation_change"
SCORE_ABOVE = "score_above"
SCORE_BELOW = "score_below"
CONFIDENCE_ABOVE = "confidence_above"
CONFIDENCE_BELOW = "confidence_below"
EV_ABOVE = "ev_above"
EV_BELOW = "ev_below"
REGIME_CHANGE = "regime_change"
DATA_QUALITY_BELOW = "data_quality_below"
CALIBRATION_DROP = "calibration_drop"

LEGACY_RULE_TYPES = (RECOMMENDATION_CHANGE, SCORE_ABOVE, SCORE_BELOW, CONFIDENCE_ABOVE, CONFIDENCE_BELOW)
V2_RULE_TYPES = (EV_ABOVE, EV_BELOW, REGIME_CHANGE, DATA_QUALITY_BELOW, CALIBRATION_DROP)
RULE_TYPES = LEGACY_RULE_TYPES + V2_RULE_TYPES
# Rules that fire on a change of a label, so they take no threshold.
NO_THRESHOLD = frozenset({RECOMMENDATION_CHANGE, REGIME_CHANGE})
