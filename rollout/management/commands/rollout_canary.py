"""Run the Phase 7 rollout canary against a running deployment (see `rollout.canary`)."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from analysis.agents import resolve_agents
from analysis.tickers import InvalidTicker, normalise_ticker
from rollout.canary import (
    ALL_STAGES,
    DEFAULT_ANALYSIS_TIMEOUT_S,
    DEFAULT_REQUIRED_SPEEDUP,
    DEFAULT_STAGE_C_TICKERS,
    DEFAULT_TIMEOUT_S,
    PREFLIGHT_WINDOW_HOURS,
    STAGE_WINDOW_HOURS,
    STAGES,
    TOKEN_ENV,
    Canary,
    CanaryOptions,
    CheckResult,
    expand_stages,
    report,
    summary_line,
)


def _url(value: str | None, option: str) -> str:
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CommandError(f"{option} must be an http(s) URL such as http://127.0.0.1:8000, not '{value}'.")
    return value.rstrip("/")


def _tickers(values: list[str] | None) -> tuple[str, ...]:
    if not values:
        return DEFAULT_STAGE_C_TICKERS
    raw = [part for value in values for part in value.split(",") if part.strip()]
    try:
        tickers = tuple(dict.fromkeys(normalise_ticker(t) for t in raw))
    except InvalidTicker as exc:
        raise CommandError(f"--stage-c-tickers: {exc}") from exc
    if not tickers:
        raise CommandError("--stage-c-tickers needs at least one ticker, e.g. AAPL,MSFT.")
    return tickers


def _agents(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        resolve_agents(value.split(","))
    except ValueError as exc:
        raise CommandError(f"--stage-c-agents: {exc}") from exc
    return ",".join(part.strip().lower() for part in value.split(",") if part.strip())


class Command(BaseCommand):
    help = (
        "Phase 7 rollout canary: check a running deployment over HTTP, stage by stage "
        "(preflight, stage_a..stage_d, or all). Prints one PASS/FAIL line per check and "
        "'N/M checks passed'; exits 1 when any check fails."
    )
    # An HTTP client: it needs neither this machine's database nor its system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--base-url", required=True, help="The deployment, e.g. http://10.0.0.5:8000")
        parser.add_argument("--stage", required=True, choices=(*STAGES, ALL_STAGES), help="What to check")
        parser.add_argument(
            "--token",
            default=None,
            help=f"API token of a PM or admin (default: ${TOKEN_ENV}); see manage.py issue_api_token",
        )
        parser.add_argument(
            "--window-hours",
            type=int,
            default=None,
            help=(
                f"Rollout status window (default {PREFLIGHT_WINDOW_HOURS} at preflight, "
                f"{STAGE_WINDOW_HOURS} at stages A-D)"
            ),
        )
        parser.add_argument(
            "--stage-c-tickers",
            nargs="+",
            default=None,
            help=f"Comma-separated Stage C watchlist tickers (default {','.join(DEFAULT_STAGE_C_TICKERS)})",
        )
        parser.add_argument(
            "--stage-c-agents", default=None, help="Comma-separated agent subset for Stage C (default all)"
        )
        parser.add_argument(
            "--stage-c-required-speedup",
            type=float,
            default=DEFAULT_REQUIRED_SPEEDUP,
            help=f"Minimum sequential/watchlist time ratio (default {DEFAULT_REQUIRED_SPEEDUP:g})",
        )
        parser.add_argument(
            "--frontend-url", default=None, help="Where the pages are served (default: the base URL)"
        )
        parser.add_argument("--json-report", default=None, metavar="PATH", help="Also write a JSON report")
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT_S,
            help=f"Seconds per request (default {DEFAULT_TIMEOUT_S:g})",
        )
        parser.add_argument(
            "--analysis-timeout",
            type=float,
            default=DEFAULT_ANALYSIS_TIMEOUT_S,
            help=f"Seconds an analysis or a stream may stay silent (default {DEFAULT_ANALYSIS_TIMEOUT_S:g})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = _url(options["base_url"], "--base-url")
        frontend_url = _url(options["frontend_url"], "--frontend-url") if options["frontend_url"] else None
        token = (options["token"] or settings.PMRESEARCH_CANARY_TOKEN).strip()
        if not token:
            raise CommandError(
                f"No API token: pass --token or set {TOKEN_ENV} (create one with manage.py issue_api_token)."
            )
        try:
            stages = expand_stages(options["stage"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["window_hours"] is not None and options["window_hours"] < 1:
            raise CommandError("--window-hours must be 1 or more.")
        if options["stage_c_required_speedup"] <= 0:
            raise CommandError("--stage-c-required-speedup must be above 0.")
        if options["timeout"] <= 0 or options["analysis_timeout"] <= 0:
            raise CommandError("--timeout and --analysis-timeout must be above 0.")
        canary_options = CanaryOptions(
            window_hours=options["window_hours"],
            stage_c_tickers=_tickers(options["stage_c_tickers"]),
            stage_c_agents=_agents(options["stage_c_agents"]),
            stage_c_required_speedup=options["stage_c_required_speedup"],
            frontend_url=frontend_url,
            # The runbook's preflight deploys with every new flag false; a run through every
            # stage checks a deployment that has moved past that posture by design.
            preflight_requires_flags_off=options["stage"] != ALL_STAGES,
        )

        self.stdout.write(f"Rollout canary against {base_url}: {', '.join(stages)}")
        with (
            _quiet_http_client_logs(),
            Canary(
                base_url, token, timeout=options["timeout"], analysis_timeout=options["analysis_timeout"]
            ) as canary,
        ):
            results = canary.run(stages, canary_options, on_result=self._print)
        failed = [r for r in results if not r.passed]
        line = summary_line(results)
        self.stdout.write(self.style.ERROR(line) if failed else self.style.SUCCESS(line))
        if options["json_report"]:
            self._write_report(Path(options["json_report"]), report(base_url, stages, results))
        if failed:
            raise CommandError(f"{len(failed)} of {len(results)} canary checks failed.")

    def _print(self, result: CheckResult) -> None:
        line = result.line()
        self.stdout.write(self.style.SUCCESS(line) if result.passed else self.style.ERROR(line))

    def _write_report(self, path: Path, payload: dict[str, Any]) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Could not write the JSON report to {path}: {exc}") from exc
        self.stdout.write(f"JSON report written to {path}")


@contextlib.contextmanager
def _quiet_http_client_logs() -> Iterator[None]:
    """httpx logs every request at INFO; between the check lines that is noise, so only its
    warnings and errors get through while the canary runs (the level is restored after, for a
    caller that runs the command in-process)."""
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
