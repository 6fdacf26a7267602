from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from analysis.models import Analysis
from rollout.models import FeatureFlag
from tests.factories import AnalysisFactory

CARD = {
    "action": "buy",
    "entry_zone": {"low": 98.0, "high": 102.0},
    "stop_loss": 94.5,
    "targets": [111.0, 115.25],
    "max_holding_days": 30,
    "invalidation_conditions": ["Daily close below the stop at 94.50"],
    "position_sizing": {"hint": "MEDIUM", "risk_multiplier": 1.0},
}


@pytest.fixture(autouse=True)
def demo_provider(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


@pytest.fixture
def flag(db: Any) -> Callable[[str, bool], None]:
    def set_flag(name: str, on: bool) -> None:
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": on})

    return set_flag


@pytest.fixture
def v2_on(flag: Callable[[str, bool], None]) -> None:
    flag("ALERTS_V2_ENABLED", True)


@pytest.fixture
def api_for() -> Callable[[Any], APIClient]:
    def make(user: Any) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def pm_api(api_for: Callable[[Any], APIClient], pm: Any) -> APIClient:
    return api_for(pm)


@pytest.fixture
def viewer_api(api_for: Callable[[Any], APIClient], viewer: Any) -> APIClient:
    return api_for(viewer)


@pytest.fixture
def anonymous_api() -> APIClient:
    return APIClient()


def v2_analysis(*, ticker: str = "AAPL", days_ago: int = 0, **fields: Any) -> Analysis:
    """A stored v2 analysis with every field rules compare (override any of them)."""
    moment = timezone.now() - dt.timedelta(days=days_ago, minutes=1)
    values: dict[str, Any] = {
        "ticker": ticker,
        "timestamp": moment,
        "as_of": moment,
        "run_kind": "interactive",
        "recommendation": "BUY",
        "score": 40.0,
        "confidence_score": 0.6,
        "analysis_schema_version": "v2",
        "ev_score_7d": 1.0,
        "confidence_calibrated": 0.62,
        "data_quality_score": 75.0,
        "regime_label": "risk_on",
        "decision_card": CARD,
        "change_summary": {"has_previous": True, "changes": [], "summary": "No material change."},
        "analysis_payload": {"portfolio_action_v2": None},
    }
    values.update(fields)
    return AnalysisFactory(**values)
