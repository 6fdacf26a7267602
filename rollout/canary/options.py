"""What a canary run checks: its stages, and the options the command passes to every stage."""

from __future__ import annotations

from dataclasses import dataclass

STAGES = ("preflight", "stage_a", "stage_b", "stage_c", "stage_d")
ALL_STAGES = "all"
DEFAULT_STAGE_C_TICKERS = ("AAPL", "MSFT", "NVDA", "JPM")
DEFAULT_REQUIRED_SPEEDUP = 2.0
# The runbook reads the status over 24 hours at preflight and over 72 hours at stages A-D.
PREFLIGHT_WINDOW_HOURS = 24
STAGE_WINDOW_HOURS = 72


@dataclass(frozen=True)
class CanaryOptions:
    window_hours: int | None = None  # None: the runbook's window for each stage
    stage_c_tickers: tuple[str, ...] = DEFAULT_STAGE_C_TICKERS
    stage_c_agents: str | None = None
    stage_c_required_speedup: float = DEFAULT_REQUIRED_SPEEDUP
    frontend_url: str | None = None  # None: the base URL (Django serves the pages)
    preflight_requires_flags_off: bool = True  # the runbook: deploy with all new flags false

    def window_for(self, stage: str) -> int:
        if self.window_hours is not None:
            return self.window_hours
        return PREFLIGHT_WINDOW_HOURS if stage == "preflight" else STAGE_WINDOW_HOURS


def expand_stages(stage: str) -> tuple[str, ...]:
    if stage == ALL_STAGES:
        return STAGES
    if stage not in STAGES:
        raise ValueError(f"Unknown stage '{stage}': use one of {', '.join((*STAGES, ALL_STAGES))}.")
    return (stage,)
