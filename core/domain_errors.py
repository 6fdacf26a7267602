"""The one exception type for a failure the caller can act on. Pure: no Django, no DRF.

Validators, services and pure modules raise it (or a subclass: `analysis.tickers.InvalidTicker`,
`analysis.agents.InvalidAgents`); the API's exception handler (`pmresearch.errors`) answers
every one as `{"detail": ...}` with its status, and the pages show its detail. Importable where
Django is not set up (the engine's worker processes).
"""

from __future__ import annotations


class DomainError(Exception):
    """A failure the caller can act on; its message is safe to show."""

    status_code = 400

    def __init__(self, detail: str, *, status_code: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if status_code is not None:
            self.status_code = status_code
