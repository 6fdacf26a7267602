"""Walk-forward signal quality over a directory of daily CSV files, in a throw-away SQLite database.

Replays the engine (`csv` provider, calibration economics on, signal contract on) weekly from six
months after the first bar to the last, each date calibrated only with outcomes realised by then;
then judges the later half of the replayed dates (the earlier half is the fitting period) with
the signal evaluation: calls made, calibration (calibrated and raw ECE, Brier decomposition) per
horizon, rank IC and the quintile spread, mean net 7-day return by call. Prints figures; asserts
nothing. See bench/README.md ("Signal quality").

    .venv/bin/python bench/signal_quality.py --csv-dir DIR [--every 5] [--tickers A,B]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

from bench.harness import configure_environment, machine, migrate  # noqa: E402

INDEX_TICKER = "SPY"
WARM_UP = dt.timedelta(days=182)  # six months of bars before the first replayed date
REQUIRED = {"date", "open", "high", "low", "close", "volume"}


def read_span(csv_dir: Path) -> tuple[list[str], dt.date, dt.date]:
    """The tickers (every file but the index), the first and the last bar date across the files."""
    files = sorted(csv_dir.glob("*.csv"))
    if not files:
        raise SystemExit(f"no .csv files in {csv_dir}")
    first, last, tickers = dt.date.max, dt.date.min, []
    for path in files:
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            missing = REQUIRED - set(reader.fieldnames or ())
            if missing:
                names = ", ".join(sorted(missing))
                raise SystemExit(f"{path.name}: missing columns {names} (the csv provider's header)")
            dates = [dt.date.fromisoformat(row["date"]) for row in reader]
        if not dates:
            raise SystemExit(f"{path.name}: no rows")
        first, last = min(first, min(dates)), max(last, max(dates))
        if path.stem.upper() != INDEX_TICKER:
            tickers.append(path.stem.upper())
    return tickers, first, last


def fmt(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def interval(bounds: list[float | None], digits: int = 4) -> str:
    return f"[{fmt(bounds[0], digits)}, {fmt(bounds[1], digits)}]"


def call_shares(start: dt.date, end: dt.date) -> tuple[int, dict[str, int]]:
    from analysis.models import Analysis, RunKind
    from calibration.selectors import market_day_start

    rows = Analysis.objects.filter(
        run_kind=RunKind.REPLAY,
        as_of__gte=market_day_start(start),
        as_of__lt=market_day_start(end + dt.timedelta(days=1)),
    ).values_list("recommendation", flat=True)
    counts = {"BUY": 0, "HOLD": 0, "SELL": 0}
    for call in rows:
        counts[call or "HOLD"] = counts.get(call or "HOLD", 0) + 1
    return sum(counts.values()), counts


def own_curve(raw, dates, horizon: int):
    """Each raw confidence through the horizon's own curve as of its date (the contract stores
    only the 7-day one, so the 1- and 30-day rows judge a 7-day number unless re-read this way)."""
    import numpy as np

    from analysis.contract import calibrate_confidence
    from analysis.contract.reliability import pick_bin
    from calibration.selectors import reliability_bin_rows

    cache: dict = {}
    out = np.empty(raw.size)
    for i, (c, day) in enumerate(zip(raw, dates, strict=True)):
        day = day.astype(dt.date)
        if day not in cache:
            cache[day] = reliability_bin_rows(day).get(horizon, [])
        out[i] = calibrate_confidence(float(c), pick_bin(cache[day], float(c))).value
    return out


def judge(label: str, start: dt.date, end: dt.date, as_of: dt.date) -> None:
    import numpy as np
    from django.conf import settings

    from calibration.evaluation.report import evaluate
    from calibration.evaluation.scoring import calibration_figures
    from calibration.evaluation.selectors import EvaluationFilters, evaluation_arrays

    total, counts = call_shares(start, end)
    print(f"\n== {label}: analyses dated {start} .. {end} ==")
    shares = "  ".join(f"{k} {v} ({v / total:.1%})" for k, v in counts.items()) if total else "none"
    print(f"analyses {total}: {shares}; BUY+SELL {(counts['BUY'] + counts['SELL']) / max(total, 1):.1%}")
    n_bins = settings.CALIBRATION_BIN_COUNT
    for horizon in (1, 7, 30):
        filters = EvaluationFilters(horizon_days=horizon, start=start, end=end, run_kind="replay")
        arrays = evaluation_arrays(filters, as_of=as_of)
        report = evaluate(arrays, horizon_days=horizon, n_bins=n_bins)
        raw_mask = np.isfinite(arrays.raw_confidence)
        raw_c, raw_h = np.clip(arrays.raw_confidence[raw_mask], 0, 1), arrays.hits[raw_mask]
        raw = calibration_figures(raw_c, raw_h, n_bins)
        own = calibration_figures(own_curve(raw_c, arrays.dates[raw_mask], horizon), raw_h, n_bins)
        brier = report["brier"] or {}
        hit_rate = float(arrays.hits.mean()) if arrays.hits.size else None
        print(
            f"{horizon:>2}d  n={report['sample_size']}  hit rate {fmt(hit_rate, 3)}"
            f"  ECE calibrated {fmt(report['ece'])} {interval(report['ece_ci'])}"
            f"  raw {fmt(raw['ece'] if raw else None)} {interval(raw['ece_ci'] if raw else [None, None])}"
        )
        noise = report.get("ece_if_calibrated") or {}
        print(
            f"     ECE a perfectly calibrated forecaster shows at this n: mean {fmt(noise.get('mean'))},"
            f" 95th percentile {fmt(noise.get('p95'))}"
        )
        if horizon != 7 and own:
            print(
                f"     ECE of this horizon's own curve {fmt(own['ece'])} {interval(own['ece_ci'])},"
                f" Brier {fmt(own['brier']['score'])} (rel {fmt(own['brier']['reliability'])},"
                f" res {fmt(own['brier']['resolution'])})"
            )
        print(
            f"     Brier (calibrated) {fmt(brier.get('score'))} = reliability {fmt(brier.get('reliability'))}"
            f" − resolution {fmt(brier.get('resolution'))} + uncertainty {fmt(brier.get('uncertainty'))}"
            + (
                f"; raw {fmt(raw['brier']['score'])} (rel {fmt(raw['brier']['reliability'])},"
                f" res {fmt(raw['brier']['resolution'])})"
                if raw
                else ""
            )
        )
        print(
            f"     IC ({report['ic_method']}) {fmt(report['ic_mean'])} {interval(report['ic_ci'])}"
            f" t {fmt(report['ic_t_stat'], 2)} over {report['ic_sample_size']};"
            f" quintile spread Q5−Q1 {fmt(report['spread_pct'], 3)} % {interval(report['spread_ci'], 3)}"
        )
        if horizon == 7:
            for row in report["by_recommendation"]:
                print(
                    f"     7d {row['group']:<4} n={row['count']:<5}"
                    f" mean net {fmt(row['mean_net_return_pct'], 3)} %"
                    f" {interval(row['mean_net_return_ci'], 3)} (clustered by date)"
                    f"  hit rate {fmt(row['hit_rate'], 3)}"
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-dir", required=True, type=Path, help="directory of TICKER.csv daily bars")
    parser.add_argument("--every", type=int, default=5, help="replay every Nth trading day (5: weekly)")
    parser.add_argument("--tickers", default="", help="comma-separated subset (default: every file but SPY)")
    args = parser.parse_args()
    csv_dir = args.csv_dir.resolve()
    if not csv_dir.is_dir():
        raise SystemExit(f"--csv-dir {csv_dir} is not a directory")
    if args.every < 1:
        raise SystemExit("--every must be at least 1")
    tickers, first, last = read_span(csv_dir)
    if args.tickers:
        tickers = [t.strip().upper() for t in args.tickers.split(",") if t.strip()]
    start = first + WARM_UP
    if start >= last:
        raise SystemExit(f"bars from {first} to {last}: less than six months, nothing to replay")

    with tempfile.TemporaryDirectory(prefix="signal-quality-") as tmp:
        configure_environment(
            Path(tmp),
            MARKET_DATA_PROVIDER="csv",
            MARKET_DATA_CSV_DIR=str(csv_dir),
            CALIBRATION_ECONOMICS_ENABLED="true",
        )
        import django

        django.setup()
        migrate()
        from calibration.replay import replay_dates, replay_history

        dates = replay_dates(start, last, args.every)
        if len(dates) < 4:
            raise SystemExit(f"only {len(dates)} replay dates; need at least 4 to split")
        middle = dates[len(dates) // 2]
        print(machine())
        span = f"{len(dates)} dates {dates[0]} .. {dates[-1]}, every {args.every}"
        print(f"{len(tickers)} tickers ({','.join(tickers)}), {span}")

        def progress(position: int, count: int, day: dt.date, summary) -> None:
            if position % 25 == 0 or position == count:
                done = summary.analyses_run
                print(f"  {position}/{count} {day} analyses {done}", file=sys.stderr, flush=True)

        started = time.perf_counter()
        summary = replay_history(tickers=tickers, start=start, end=last, every=args.every, on_date=progress)
        replay_seconds = time.perf_counter() - started
        print(
            f"replay: {summary.analyses_run} analyses, {summary.outcomes_evaluated} outcomes,"
            f" {summary.failures} failures in {replay_seconds:.1f} s"
        )
        judged = time.perf_counter()
        judge("judged half (out of sample)", middle, dates[-1], dates[-1])
        judge("fitting half (for reference, not judged)", dates[0], dates[len(dates) // 2 - 1], dates[-1])
        evaluation_seconds = time.perf_counter() - judged
        print(f"\nevaluation {evaluation_seconds:.1f} s; total {replay_seconds + evaluation_seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
