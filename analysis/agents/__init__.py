"""The seven analyst agents, by name, in the order they are reported."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from analysis.agents import fundamentals, macro, market, news, options, sentiment, technical
from analysis.agents.base import AgentContext, AgentOutput

AGENT_MODULES: dict[str, ModuleType] = {
    module.NAME: module for module in (news, market, fundamentals, technical, macro, options, sentiment)
}
AGENT_NAMES: tuple[str, ...] = tuple(AGENT_MODULES)
# Agents that need another's output first; asking for one adds its dependencies.
DEPENDENCIES: dict[str, tuple[str, ...]] = {sentiment.NAME: sentiment.DEPENDS_ON}


def agent_runner(name: str) -> Callable[[AgentContext], AgentOutput]:
    return AGENT_MODULES[name].run


def resolve_agents(requested: list[str] | None) -> tuple[str, ...]:
    """Validated agent names in canonical order, dependencies added.

    Raises ValueError naming the unknown agents and the valid ones, in the earlier
    system's words (its clients show the message as it is).
    """
    if not requested:
        return AGENT_NAMES
    cleaned = [name.strip().lower() for name in requested if name.strip()]
    unknown = list(dict.fromkeys(name for name in cleaned if name not in AGENT_NAMES))
    if unknown:
        valid = ", ".join(sorted(AGENT_NAMES))
        raise ValueError(f"Invalid agent names: {', '.join(unknown)}. Valid: {valid}")
    if not cleaned:
        return AGENT_NAMES
    wanted = set(cleaned)
    for name in cleaned:
        wanted.update(DEPENDENCIES.get(name, ()))
    return tuple(name for name in AGENT_NAMES if name in wanted)
