"""MACRO_AGENT_ENABLED / OPTIONS_AGENT_ENABLED switch an agent off, as the earlier system's did.

The earlier orchestrator left a switched-off agent out of the run (tests/test_orchestrator.py
ran with MACRO_AGENT_ENABLED and OPTIONS_AGENT_ENABLED true by default); here it is neither run
nor counted as failed.
"""

from __future__ import annotations

from typing import Any

import pytest

from analysis.agents import AGENT_NAMES, resolve_agents
from analysis.models import AgentResult
from analysis.services import parse_analysis_request
from core.domain_errors import DomainError
from orchestration.analysis import run_analysis


def test_it_leaves_switched_off_agents_out_of_the_default_set() -> None:
    assert resolve_agents(None, disabled={"macro"}) == tuple(n for n in AGENT_NAMES if n != "macro")
    assert resolve_agents(["options", "market"], disabled={"options"}) == ("market",)


def test_it_refuses_a_request_for_only_switched_off_agents(settings: Any) -> None:
    settings.OPTIONS_AGENT_ENABLED = False
    with pytest.raises(DomainError, match=r"options \(OPTIONS_AGENT_ENABLED=false\)"):
        parse_analysis_request(ticker="AAPL", agents="options")


def test_it_runs_every_agent_when_both_are_on() -> None:
    assert parse_analysis_request(ticker="AAPL").agents == AGENT_NAMES


@pytest.mark.django_db
def test_it_does_not_run_or_fail_a_switched_off_agent(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"
    settings.MACRO_AGENT_ENABLED = False
    settings.OPTIONS_AGENT_ENABLED = False
    analysis = run_analysis(ticker="AAPL", as_of="2025-06-13")
    ran = set(AgentResult.objects.filter(analysis=analysis).values_list("agent_type", flat=True))
    assert ran == set(AGENT_NAMES) - {"macro", "options"}
    diag = analysis.analysis_payload["diagnostics"]
    assert diag["failed_agents"] == []
    assert diag["agent_success_rate"] == 1.0
