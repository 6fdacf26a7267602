"""Test-only ASGI entry point: the production application with the watchlist's analyses probed.

uvicorn serves `tests.watchlists.asgi_probe:application` (see test_analyze_concurrency_e2e.py).
It is `pmresearch.asgi.application` unchanged, except that the `run_analysis` a watchlist run
(`watchlists.runs`) calls is wrapped: each call appends a `start` and an `end` record (JSON
lines: monotonic time,
ticker, thread, analysis id) to the file named by PMRESEARCH_TEST_PROBE_LOG, runs the real
`run_analysis`, then keeps its slot PMRESEARCH_TEST_PROBE_HOLD_SECONDS longer, so that analyses
running at once overlap by a margin the test can see from outside the server. Only the watchlist
run's reference is replaced; every other caller of `run_analysis` is untouched.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

# pmresearch.asgi sets Django up, so it must be imported before the watchlist run (it sorts first).
from pmresearch.asgi import application
from watchlists import runs as watchlist_runs

__all__ = ["application"]

LOG_PATH = Path(os.environ["PMRESEARCH_TEST_PROBE_LOG"])  # a KeyError here means a misconfigured test
HOLD_SECONDS = float(os.environ.get("PMRESEARCH_TEST_PROBE_HOLD_SECONDS", "0.25"))

_real_run_analysis = watchlist_runs.run_analysis
_log_lock = threading.Lock()


def _record(event: str, ticker: str, **fields: Any) -> None:
    line = json.dumps(
        {
            "event": event,
            "ticker": ticker,
            "at": time.monotonic(),
            "thread": threading.current_thread().name,
            **fields,
        }
    )
    # Opened per record, so a test may truncate the file between runs.
    with _log_lock, LOG_PATH.open("a", encoding="utf-8") as log:
        log.write(line + "\n")


def probed_run_analysis(*args: Any, **kwargs: Any) -> Any:
    ticker = str(kwargs.get("ticker", args[0] if args else ""))
    _record("start", ticker)
    analysis_id = None
    try:
        analysis = _real_run_analysis(*args, **kwargs)
        analysis_id = analysis.pk
        time.sleep(HOLD_SECONDS)
        return analysis
    finally:
        _record("end", ticker, analysis_id=analysis_id)


watchlist_runs.run_analysis = probed_run_analysis
