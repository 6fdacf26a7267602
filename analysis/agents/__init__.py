"""The seven analyst agents, by name, in the order they are reported."""

from __future__ import annotations

from collections.abc import Callable, Collection
from types import ModuleType

from analysis.agents import fundamentals, macro, market, news, options, sentiment, technical
from analysis.agents.base import AgentContext, AgentOutput
from core.domain_errors import DomainError

AGENT_MODULES: dict[str, ModuleType] = {
    module.NAME: module for module in (news, market, fundamentals, technical, macro, options, sentiment)
}
AGENT_NAMES: tuple[str, ...] = tuple(AGENT_MODULES)
# Agents that need another's output first; asking for one adds its dependencies.
DEPENDENCIES: dict[str, tuple[str, ...]] = {sentiment.NAME: sentiment.DEPENDS_ON}


def agent_runner(name: str) -> Callable[[AgentContext], AgentOutput]:
    return AGENT_MODULES[name].run


class InvalidAgents(DomainError, ValueError):
    """Agent names that cannot run: unknown ones, or only switched-off ones (a 400)."""


#: The agents an operator may switch off (when their source is absent), by their setting.
SWITCHABLE: dict[str, str] = {macro.NAME: "MACRO_AGENT_ENABLED", options.NAME: "OPTIONS_AGENT_ENABLED"}


def resolve_agents(requested: list[str] | None, *, disabled: Collection[str] = ()) -> tuple[str, ...]:
    """Validated agent names in canonical order, dependencies added, switched-off agents left out.

    A switched-off agent is not run at all (so it is neither a success nor a failure); asking
    for only switched-off agents is InvalidAgents naming their settings. Raises InvalidAgents
    naming the unknown agents and the valid ones, in the earlier system's words (its clients
    show the message as it is).
    """
    cleaned = [name.strip().lower() for name in requested or [] if name.strip()]
    unknown = list(dict.fromkeys(name for name in cleaned if name not in AGENT_NAMES))
    if unknown:
        valid = ", ".join(sorted(AGENT_NAMES))
        raise InvalidAgents(f"Invalid agent names: {', '.join(unknown)}. Valid: {valid}")
    wanted = set(cleaned or AGENT_NAMES)
    for name in cleaned:
        wanted.update(DEPENDENCIES.get(name, ()))
    kept = tuple(name for name in AGENT_NAMES if name in wanted and name not in disabled)
    if not kept:
        off = ", ".join(f"{name} ({SWITCHABLE.get(name, name)}=false)" for name in sorted(wanted))
        raise InvalidAgents(f"Every agent asked for is switched off: {off}.")
    return kept
