"""Does the score carry information? Rank IC, quintiles, hit rates and calibration of past calls."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from calibration.evaluation.selectors import RUN_KINDS, parse_filters, signal_evaluation


def _num(value: Any, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ci(pair: list[Any], digits: int = 3) -> str:
    if not pair or pair[0] is None or pair[1] is None:
        return "—"
    return f"[{pair[0]:.{digits}f}, {pair[1]:.{digits}f}]"


class Command(BaseCommand):
    help = (
        "Evaluate stored calls against their realised outcomes, point-in-time: rank IC (per date or "
        "pooled), score quintiles, hit rate and net return by call, regime and data quality, ECE "
        "and the Brier score's Murphy decomposition, each with its sample size and 95% interval."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tickers", nargs="*", default=[], help="Tickers (space or comma separated)")
        parser.add_argument("--start", default=None, help="First analysis date, YYYY-MM-DD (New York)")
        parser.add_argument("--end", default=None, help="Last analysis date, YYYY-MM-DD (New York)")
        parser.add_argument("--horizon", default=None, help="1, 7 or 30 days (default 7)")
        parser.add_argument("--run-kind", default=None, help=f"One of {', '.join(RUN_KINDS)}")
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of tables")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            filters = parse_filters(
                horizon=options["horizon"],
                start=options["start"],
                end=options["end"],
                run_kind=options["run_kind"],
                tickers=options["tickers"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result = signal_evaluation(filters)
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self._tables(result)

    def _tables(self, r: dict[str, Any]) -> None:
        out = self.stdout.write
        out(f"Signal evaluation, {r['horizon_days']}-day horizon, as of {r['as_of_date']}")
        out(f"Filters: {json.dumps(r['filters'])}")
        out(f"Outcomes: {r['sample_size']} complete ({r['scored_sample_size']} with a score)")
        if not r["sample_size"]:
            out("No complete outcome matches these filters.")
            return
        out(f"Net returns: {r['net_source']} {json.dumps(r['net_source_counts'])}")
        out("")
        out(
            f"Rank IC ({r['ic_method']}, t by {r['ic_t_method']}, lag {r['ic_lag']}, n={r['ic_sample_size']})"
        )
        out(
            f"  mean {_num(r['ic_mean'])}  95% {_ci(r['ic_ci'])}  std {_num(r['ic_std'])}"
            f"  t {_num(r['ic_t_stat'], 2)}  dates {r['ic_dates']}"
        )
        out(f"  {'month':<8} {'IC':>7} {'n':>7} {'dates':>6}  95%")
        for m in r["ic_by_month"]:
            out(f"  {m['month']:<8} {_num(m['ic']):>7} {m['count']:>7} {m['dates']:>6}  {_ci(m['ci'])}")
        out("")
        out(f"Score quintiles ({r['quantile_method']}), mean net return %")
        out(f"  {'q':<3} {'n':>7} {'mean %':>8} {'score':>7}  95%")
        for q in r["quantiles"]:
            out(
                f"  {q['quantile']:<3} {q['count']:>7} {_num(q['mean_net_return_pct']):>8}"
                f" {_num(q['mean_score'], 1):>7}  {_ci(q['ci'])}"
            )
        out(f"  top − bottom: {_num(r['spread_pct'])} %  95% {_ci(r['spread_ci'])}")
        for title, key in (
            ("By call", "by_recommendation"),
            ("By regime", "by_regime"),
            ("By data quality (points)", "by_data_quality"),
        ):
            out("")
            out(f"{title}")
            out(f"  {'group':<12} {'n':>7} {'hit rate':>9} {'95%':>16} {'mean net %':>11} {'95%':>18}")
            for g in r[key]:
                out(
                    f"  {g['group']:<12} {g['count']:>7} {_num(g['hit_rate']):>9} {_ci(g['hit_rate_ci']):>16}"
                    f" {_num(g['mean_net_return_pct']):>11} {_ci(g['mean_net_return_ci']):>18}"
                )
        out("")
        brier = r["brier"]
        source, n = r["confidence_source"], r["calibration_sample_size"]
        out(f"Calibration ({source} confidence against whether the call was right, n={n})")
        out(f"  ECE {_num(r['ece'])}  95% {_ci(r['ece_ci'])}")
        noise = r.get("ece_if_calibrated") or {}
        if noise.get("p95") is not None:
            out(
                f"  ECE of a perfectly calibrated forecaster at this sample: mean {_num(noise['mean'])},"
                f" 95th percentile {_num(noise['p95'])}"
            )
        if brier:
            out(
                f"  Brier {_num(brier['score'])} {_ci(brier['score_ci'])} = reliability "
                f"{_num(brier['reliability'], 4)} − resolution {_num(brier['resolution'], 4)} + uncertainty "
                f"{_num(brier['uncertainty'], 4)} + within-bin {_num(brier['within_bin'], 4)}"
            )
        out(f"  {r['intervals']}")
