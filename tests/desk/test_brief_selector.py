"""The brief on a seeded desk: every section, current runs only."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.market_data import NEW_YORK
from desk.brief import desk_brief
from desk.window import BadSince
from tests.desk.conftest import NOW
from tests.desk.seeded_desk import SeededDesk

pytestmark = pytest.mark.django_db


def _by_ticker(rows: list[dict]) -> dict[str, dict]:
    return {row["ticker"]: row for row in rows}


def test_it_starts_at_the_last_close_by_default(seeded: SeededDesk) -> None:
    brief = desk_brief(now=NOW)
    assert brief["since"] == dt.datetime(2026, 12, 1, 16, 0, tzinfo=NEW_YORK)
    assert brief["since_is_default"] is True and brief["first_start"] is False


def test_it_lists_flips_moves_and_new_calls_but_not_small_moves(seeded: SeededDesk) -> None:
    calls = _by_ticker(desk_brief(now=NOW)["changed_calls"])
    assert calls["HD"]["changes"] == ["flip", "ev"]
    assert (calls["HD"]["previous_recommendation"], calls["HD"]["recommendation"]) == ("BUY", "SELL")
    assert calls["HD"]["ev_change"] == pytest.approx(-6.0)
    assert calls["HD"]["url"] == "/analysis/HD/"
    assert calls["AAPL"]["changes"] == ["ev", "confidence"]
    assert calls["AAPL"]["confidence_change"] == pytest.approx(0.07)
    assert calls["NVDA"]["changes"] == ["new"]
    # MSFT moved 0.2 EV and 1 point of confidence; its later replay SELL is evidence, not a call.
    assert "MSFT" not in calls
    assert next(iter(calls)) == "HD"  # flips first


def test_it_shows_one_current_call_per_ticker_with_calibrated_confidence(seeded: SeededDesk) -> None:
    current = desk_brief(now=NOW)["current_calls"]
    tickers = [row["ticker"] for row in current]
    assert tickers == sorted(set(tickers)) and "OUTC" not in tickers
    msft = _by_ticker(current)["MSFT"]
    assert msft["recommendation"] == "BUY"
    assert (msft["confidence"], msft["confidence_kind"], msft["calibration_sample_size"]) == (
        0.61,
        "calibrated",
        40,
    )


def test_it_calls_a_confidence_without_samples_raw(seeded: SeededDesk) -> None:
    from tests.desk.seeded_desk import call

    call("XOM", NOW - dt.timedelta(minutes=2), "HOLD", ev=0.1, confidence=0.46, sample_size=0)
    xom = _by_ticker(desk_brief(now=NOW)["current_calls"])["XOM"]
    assert xom["confidence_kind"] == "raw"
    assert xom["confidence"] == pytest.approx(0.41)  # the raw confidence_score, not the prior


def test_it_lists_unacknowledged_alerts_only(seeded: SeededDesk) -> None:
    alerts = desk_brief(now=NOW)["alerts"]
    assert alerts["unacknowledged_count"] == 1
    assert [a["message"] for a in alerts["items"]] == [seeded.alert_message]
    assert alerts["items"][0]["fired_since"] is True


def test_it_ranks_opportunities_across_watchlists_naming_each_source(seeded: SeededDesk) -> None:
    opportunities = desk_brief(now=NOW)["opportunities"]
    assert [o["ticker"] for o in opportunities] == ["NVDA", "AAPL", "MSFT", "HD"]
    assert [w["name"] for w in opportunities[0]["watchlists"]] == ["Large caps"]
    assert [w["name"] for w in opportunities[3]["watchlists"]] == ["Income"]


def test_it_flags_holdings_whose_call_turned_or_whose_optimizer_trims(seeded: SeededDesk) -> None:
    at_risk = _by_ticker(desk_brief(now=NOW)["holdings_at_risk"])
    assert set(at_risk) == {"HD", "JPM"}
    assert at_risk["HD"]["reasons"] == ["the current call is SELL against a long position"]
    assert at_risk["JPM"]["reasons"] == ["the optimizer says trim"]


def test_it_reports_the_markets_and_each_held_or_watched_tickers_regime_change(seeded: SeededDesk) -> None:
    regime = desk_brief(now=NOW)["regime"]
    market = regime["market"]
    assert (market["index"], market["previous_label"], market["label"], market["changed"]) == (
        "SPY",
        "risk_on",
        "risk_off",
        True,
    )
    assert [(r["ticker"], r["previous_label"], r["label"], r["held"]) for r in regime["tickers"]] == [
        ("HD", "risk_on", "risk_off", True)
    ]


def test_it_flags_the_horizon_whose_calibration_degraded(seeded: SeededDesk) -> None:
    health = {h["horizon_days"]: h for h in desk_brief(now=NOW)["calibration"]}
    seven = health[7]
    assert (seven["recent"]["sample_size"], seven["prior"]["sample_size"]) == (40, 40)
    assert seven["recent"]["hit_rate"] == pytest.approx(0.45) and seven["prior"]["hit_rate"] == pytest.approx(
        0.60
    )
    # All at 0.6 confidence: ECE is |hit rate - 0.6|, 0.15 against 0.00.
    assert seven["ece_change"] == pytest.approx(0.15)
    assert seven["degraded"] is True and len(seven["reasons"]) == 2
    assert health[1]["degraded"] is False and health[1]["enough_evidence"] is False


def test_it_reads_no_outcome_realised_after_its_date(seeded: SeededDesk) -> None:
    # Seen from 40 days ago, the "recent" outcomes (5 days ago) had not happened yet.
    brief = desk_brief(now=NOW - dt.timedelta(days=40), since="2026-10-20")
    seven = {h["horizon_days"]: h for h in brief["calibration"]}[7]
    assert seven["recent"]["sample_size"] == 40 and seven["prior"]["sample_size"] == 0


def test_it_labels_the_data_as_demo_with_its_as_of(seeded: SeededDesk) -> None:
    data = desk_brief(now=NOW)["data"]
    assert data["is_demo_data"] is True and data["sources"] == ["demo"]
    assert data["as_of"] == seeded.flip.as_of


def test_it_compares_with_the_calls_at_a_chosen_date(seeded: SeededDesk) -> None:
    # Since Monday's close, before every call seeded: each is new, MSFT included.
    brief = desk_brief(now=NOW, since="2026-11-30")
    assert (
        brief["since"] == dt.datetime(2026, 11, 30, 16, 0, tzinfo=NEW_YORK) and not brief["since_is_default"]
    )
    assert {c["ticker"]: c["changes"] for c in brief["changed_calls"]}["MSFT"] == ["new"]


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", "2026-12-03"])
def test_it_refuses_a_bad_or_future_since(since: str) -> None:
    with pytest.raises(BadSince):
        desk_brief(now=NOW, since=since)
