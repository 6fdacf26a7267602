"""Time `manage.py evaluate_signals` over 100,000 complete outcomes in a throw-away SQLite database.

Prints figures; asserts no timing. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

from bench.harness import REPO_ROOT, bench_tickers, configure_environment, machine, migrate  # noqa: E402

BATCH = 5000


def seed(*, tickers: int, dates: int, seed_value: int) -> float:
    """`tickers × dates` analyses (weekdays from 2016-01-04) each with a complete 7-day outcome."""
    import numpy as np
    from django.db import transaction

    from analysis.models import Analysis
    from calibration.models import AnalysisOutcome

    rng = np.random.default_rng(seed_value)
    symbols = bench_tickers(tickers, seed=seed_value)
    days = np.busday_offset("2016-01-04", np.arange(dates), roll="forward").astype(dt.date)
    started = time.perf_counter()
    total = tickers * dates
    signal = rng.normal(size=total)
    # A weak signal: the score explains about 5 % of the return's rank (IC near 0.05).
    returns = 0.1 * signal + rng.normal(scale=2.0, size=total)
    scores = np.clip(50 + 15 * signal, 0, 100)
    confidence = rng.uniform(0.3, 0.9, size=total)
    quality = rng.uniform(30, 100, size=total)
    regimes = np.array(["risk_on", "transition", "risk_off"])[rng.integers(0, 3, size=total)]
    with transaction.atomic():
        for begin in range(0, total, BATCH):
            span = range(begin, min(begin + BATCH, total))
            analyses = []
            for i in span:
                day, ticker = days[i // tickers], symbols[i % tickers]
                moment = dt.datetime.combine(day, dt.time(21, 0), tzinfo=dt.UTC)
                call = "BUY" if scores[i] > 60 else "SELL" if scores[i] < 40 else "HOLD"
                analyses.append(
                    Analysis(
                        ticker=ticker, timestamp=moment, as_of=moment, recommendation=call,
                        score=float(scores[i]), confidence_score=0.6,
                        confidence_calibrated=float(confidence[i]), data_quality_score=float(quality[i]),
                        regime_label=str(regimes[i]), run_kind="replay", backdated=True,
                    )
                )  # fmt: skip
            Analysis.objects.bulk_create(analyses)
            outcomes = []
            for analysis, i in zip(analyses, span, strict=True):
                gross = float(returns[i])
                right = {"BUY": gross > 0.15, "SELL": gross < -0.15, "HOLD": abs(gross) <= 2}[
                    analysis.recommendation
                ]
                outcomes.append(
                    AnalysisOutcome(
                        analysis=analysis, ticker=analysis.ticker, horizon_days=7,
                        target_date=analysis.as_of.date() + dt.timedelta(days=7), baseline_price=100.0,
                        realized_price=100.0 + gross, realized_return_pct=gross,
                        realized_date=analysis.as_of.date() + dt.timedelta(days=7),
                        # Half with economics on (net stored), half off (net from the stored bps).
                        realized_return_net_pct=gross - 0.15 if i % 2 else None,
                        transaction_cost_bps=10.0, slippage_bps=5.0, direction_correct=right,
                        confidence=0.6, status="complete",
                    )
                )  # fmt: skip
            AnalysisOutcome.objects.bulk_create(outcomes)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickers", type=int, default=100)
    parser.add_argument("--dates", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", action="store_true", help="Also print a cProfile of one command run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pmresearch-bench-") as tmp:
        configure_environment(Path(tmp))
        import django

        django.setup()
        from django.core.management import call_command

        from calibration.evaluation.report import evaluate
        from calibration.evaluation.selectors import evaluation_arrays, parse_filters

        migrate()
        seed_s = seed(tickers=args.tickers, dates=args.dates, seed_value=7)
        filters = parse_filters(horizon=7)
        in_process, load, maths = [], [], []
        result: dict = {}
        for _ in range(args.repeat):
            started = time.perf_counter()
            buffer = io.StringIO()
            call_command("evaluate_signals", "--json", stdout=buffer)
            in_process.append(time.perf_counter() - started)
            result = json.loads(buffer.getvalue())
            started = time.perf_counter()
            arrays = evaluation_arrays(filters)
            load.append(time.perf_counter() - started)
            started = time.perf_counter()
            evaluate(arrays, horizon_days=7, n_bins=5)
            maths.append(time.perf_counter() - started)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(call_command, "evaluate_signals", "--json", stdout=io.StringIO())
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        env = {**os.environ}
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - this interpreter and the repository's manage.py
            [sys.executable, "manage.py", "evaluate_signals"], cwd=REPO_ROOT, env=env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        whole = time.perf_counter() - started
    figures = {
        "machine": machine(),
        "outcomes": result["sample_size"],
        "seed_s": round(seed_s, 2),
        "command_in_process_s": [round(v, 3) for v in in_process],
        "load_arrays_s": [round(v, 3) for v in load],
        "maths_s": [round(v, 3) for v in maths],
        "manage_py_subprocess_s": round(whole, 3),
        "ic_method": result["ic_method"],
        "ic_mean": result["ic_mean"],
        "ic_t_stat": result["ic_t_stat"],
        "spread_pct": result["spread_pct"],
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:<24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
