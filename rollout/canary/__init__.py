"""Phase 7 rollout canary: an HTTP client that checks a running deployment stage by stage.

What each stage checks follows the upgrade plan's runbook (`manage.py rollout_canary`):

- preflight: `/health` healthy, the rollout status payload, every flag's posture, the
  signal-contract schema.
- stage_a: the Stage A gate, the Stage A flag posture, reliability bins.
- stage_b: the Stage B gate, alert rule create/read/delete on a throw-away ticker (legacy and,
  when ALERTS_V2_ENABLED, v2), cleaned up even when a step fails.
- stage_c: a throw-away watchlist analysed over SSE (done, and opportunities when
  WATCHLIST_RANKING_ENABLED), the same tickers analysed one after another, the speed-up.
- stage_d: the PM-critical APIs, the login page and the dashboard's protection.

Each check is a small function returning an `Outcome`; `Canary.check` times it and turns it
into a `CheckResult`. Nothing here raises on an HTTP problem: a refused connection, a timeout
or an unexpected status is a failed check with a detail saying what happened. The package uses
no database and no Django model: it only talks HTTP to the deployment under test.

Layout, each module depending only on those above it:

- `options`: the stages and `CanaryOptions`.
- `client`: `CanaryClient` (requests, SSE, the rollout status, running one check), `Outcome`,
  `CheckResult`, `CheckFailed` and the response helpers.
- `gates`: the gate check stages A and B share.
- `preflight`, `stage_a`, `stage_b`, `stage_c`, `stage_d`: each stage's checks and its runner.
- `runner`: `Canary`, the client that runs the stages in order.
- `reporting`: the summary line and the JSON report.

Everything callers use is importable from `rollout.canary` itself.
"""

from rollout.canary.client import (
    DEFAULT_ANALYSIS_TIMEOUT_S,
    DEFAULT_TIMEOUT_S,
    TOKEN_ENV,
    CheckResult,
    parse_sse,
)
from rollout.canary.options import (
    ALL_STAGES,
    DEFAULT_REQUIRED_SPEEDUP,
    DEFAULT_STAGE_C_TICKERS,
    PREFLIGHT_WINDOW_HOURS,
    STAGE_WINDOW_HOURS,
    STAGES,
    CanaryOptions,
    expand_stages,
)
from rollout.canary.reporting import report, summary_line
from rollout.canary.runner import Canary
from rollout.canary.stage_c import WatchlistProbe

__all__ = [
    "ALL_STAGES",
    "DEFAULT_ANALYSIS_TIMEOUT_S",
    "DEFAULT_REQUIRED_SPEEDUP",
    "DEFAULT_STAGE_C_TICKERS",
    "DEFAULT_TIMEOUT_S",
    "PREFLIGHT_WINDOW_HOURS",
    "STAGES",
    "STAGE_WINDOW_HOURS",
    "TOKEN_ENV",
    "Canary",
    "CanaryOptions",
    "CheckResult",
    "WatchlistProbe",
    "expand_stages",
    "parse_sse",
    "report",
    "summary_line",
]
