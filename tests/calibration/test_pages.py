"""The History and Schedules pages, server-rendered, through the Django test client."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from calibration.models import MacroCatalystEvent, Schedule
from calibration.selectors import market_today
from tests.factories import (
    AnalysisFactory,
    CalibrationSnapshotFactory,
    MacroCatalystEventFactory,
    ReliabilityBinFactory,
    ScheduleFactory,
    ScheduleRunFactory,
)

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 15) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def chart_data(page: str) -> dict[str, Any]:
    match = re.search(r'<script id="calibration-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "the chart data is in the page"
    return json.loads(match.group(1))


# --- History: calibration --------------------------------------------------------------------


def test_history_without_evidence_says_so_for_every_horizon(client_for: Any, viewer: Any) -> None:
    response = client_for(viewer).get("/history/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>History</h1>" in page
    assert page.count('data-testid="no-evidence"') == 3
    for horizon in (1, 7, 30):
        assert f'data-testid="no-bins-{horizon}d"' in page
    assert 'data-testid="history-prompt"' in page
    assert "vendor/plotly/plotly.min.js" in page
    assert "js/history.js" in page
    data = chart_data(page)
    assert [h["horizon_days"] for h in data["horizons"]] == [1, 7, 30]
    assert all(h["reliability"]["bins"] == [] and h["trend"] == [] for h in data["horizons"])


def test_history_shows_the_latest_evidence_per_horizon_with_its_date(client_for: Any, viewer: Any) -> None:
    # Old evidence (a replay's) is still shown, dated and labelled as old.
    CalibrationSnapshotFactory(horizon_days=7, as_of_date=dt.date(2025, 5, 30), sample_size=30)
    CalibrationSnapshotFactory(
        horizon_days=7,
        as_of_date=dt.date(2025, 6, 30),
        sample_size=137,
        directional_accuracy=0.584,
        brier_score=0.2311,
        expected_calibration_error=0.0421,
        mean_net_return_pct=0.62,
        mean_drawdown_pct=2.15,
    )
    ReliabilityBinFactory(
        horizon_days=7,
        as_of_date=dt.date(2025, 6, 30),
        bin_index=3,
        bin_lower=0.6,
        bin_upper=0.8,
        sample_size=41,
        empirical_hit_rate=0.66,
        ci_lower=0.51,
        ci_upper=0.78,
        mean_confidence=0.69,
    )
    page = client_for(viewer).get("/history/").content.decode()
    card = page[page.index('data-testid="calibration-card-7d"') :]
    card = card[: card.index("</article>")]
    assert 'data-testid="sample-size">137<' in card
    assert "58.4%" in card
    assert "0.231" in card
    assert "0.042" in card
    assert "0.62%" in card
    assert "2.15%" in card
    assert "2025-06-30" in card
    assert "newest evidence there is" in card
    assert page.count('data-testid="no-evidence"') == 2  # 1d and 30d have none
    data = chart_data(page)
    seven = data["horizons"][1]
    assert seven["reliability"]["as_of_date"] == "2025-06-30"
    assert seven["reliability"]["bins"][0]["sample_size"] == 41
    assert [p["as_of_date"] for p in seven["trend"]] == ["2025-05-30", "2025-06-30"]
    assert 'id="reliability-7"' in page


def test_net_return_left_out_by_flag_is_labelled_not_hidden(client_for: Any, viewer: Any) -> None:
    CalibrationSnapshotFactory(horizon_days=1, avg_realized_return_pct=0.31, mean_net_return_pct=None)
    page = client_for(viewer).get("/history/").content.decode()
    assert "calibration economics off; gross 0.31%" in page


def test_a_bad_window_is_a_400_with_the_message(client_for: Any, viewer: Any) -> None:
    response = client_for(viewer).get("/history/?window_days=0")
    assert response.status_code == 400
    assert "window_days must be a whole number of days from 30 to 365." in response.content.decode()


# --- History: the per-ticker table -----------------------------------------------------------


@pytest.fixture
def calls() -> None:
    AnalysisFactory(ticker="AAPL", timestamp=at("2025-06-02"), recommendation="BUY", regime_label="risk_on")
    AnalysisFactory(ticker="AAPL", timestamp=at("2025-06-09"), recommendation="SELL", regime_label="risk_off")
    AnalysisFactory(ticker="AAPL", timestamp=at("2025-06-16"), recommendation="BUY", regime_label="risk_off")
    AnalysisFactory(ticker="MSFT", timestamp=at("2025-06-16"), recommendation="SELL")


def rows_of(page: str) -> int:
    table = page[page.index('data-testid="history-table"') :]
    return table[: table.index("</tbody>")].count("<tr>") - 1  # minus the header row


@pytest.mark.usefixtures("calls")
def test_the_history_table_lists_a_tickers_calls_and_links_the_csv(client_for: Any, viewer: Any) -> None:
    # The form submits every field, empty ones included.
    query = "ticker=aapl&start_date=&end_date=&recommendation=&min_ev=&min_confidence=&min_quality=&regime="
    response = client_for(viewer).get(f"/history/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert rows_of(page) == 3
    assert "1–3 of 3 calls of AAPL" in page
    assert 'href="/api/analysis/AAPL/history/export/csv"' in page


@pytest.mark.usefixtures("calls")
def test_the_detailed_filters_narrow_the_table_and_the_csv_link(client_for: Any, viewer: Any) -> None:
    client = client_for(viewer)
    page = client.get("/history/?ticker=AAPL&recommendation=buy&regime=risk_off").content.decode()
    assert rows_of(page) == 1
    assert 'href="/api/analysis/AAPL/history/export/csv?recommendation=buy&amp;regime=risk_off"' in page
    # The link really exports the same rows.
    csv = client.get("/api/analysis/AAPL/history/export/csv", {"recommendation": "buy", "regime": "risk_off"})
    csv = csv.content.decode()
    assert len(csv.strip().splitlines()) == 2  # header + one row
    page = client.get("/history/?ticker=AAPL&start_date=2025-06-05&end_date=2025-06-10").content.decode()
    assert rows_of(page) == 1
    page = client.get("/history/?ticker=AAPL&recommendation=HOLD").content.decode()
    assert "No calls of AAPL match these filters." in page


@pytest.mark.usefixtures("calls")
def test_the_table_pages_through_long_histories(client_for: Any, viewer: Any) -> None:
    page = client_for(viewer).get("/history/?ticker=AAPL&limit=2").content.decode()
    assert rows_of(page) == 2
    assert "1–2 of 3" in page
    assert 'href="?ticker=AAPL&amp;limit=2&amp;offset=2">Older' in page
    page = client_for(viewer).get("/history/?ticker=AAPL&limit=2&offset=2").content.decode()
    assert rows_of(page) == 1
    assert ">Newer<" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("ticker=NOT+A+TICKER", "is not a US equity ticker"),
        ("ticker=AAPL&min_confidence=2", "min_confidence: Ensure this value is less than or equal to 1."),
        ("ticker=AAPL&start_date=June", "start_date: Date has wrong format."),
        ("ticker=AAPL&start_date=2025-06-10&end_date=2025-06-01", "start_date must not be after end_date."),
        ("ticker=AAPL&regime=sideways", "regime: &quot;sideways&quot; is not a valid choice."),
        ("ticker=AAPL&min_ev=lots", "min_ev: A valid number is required."),
    ],
)
def test_bad_filters_show_their_message_with_a_400(
    client_for: Any, viewer: Any, query: str, message: str
) -> None:
    response = client_for(viewer).get(f"/history/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="errors"' in page
    assert message in page
    assert 'data-testid="history-table"' not in page


def test_history_links_to_the_schedules_page(client_for: Any, viewer: Any) -> None:
    page = client_for(viewer).get("/history/").content.decode()
    assert 'href="/schedules/"' in page


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    for url in ("/history/", "/schedules/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


# --- Schedules -------------------------------------------------------------------------------


@pytest.fixture
def desk() -> Schedule:
    MacroCatalystEvent.objects.all().delete()  # the seeded calendar; these tests bring their own
    today = market_today()
    MacroCatalystEventFactory(
        event_type="fomc", event_date=today + dt.timedelta(days=5), event_label="FOMC June"
    )
    MacroCatalystEventFactory(
        event_type="cpi", event_date=today + dt.timedelta(days=120), event_label="Far CPI"
    )
    aapl = ScheduleFactory(ticker="AAPL", interval_minutes=60, agents="technical,macro")
    ScheduleFactory(ticker="MSFT", interval_minutes=1440, enabled=False)
    ScheduleRunFactory(
        schedule=aapl,
        started_at=timezone.now(),
        completed_at=timezone.now(),
        success=False,
        error="provider down",
    )
    return aapl


@pytest.mark.parametrize("role", ["viewer", "pm"])
def test_pms_and_viewers_see_schedules_read_only(
    request: pytest.FixtureRequest, client_for: Any, desk: Schedule, role: str
) -> None:
    response = client_for(request.getfixturevalue(role)).get("/schedules/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Schedules</h1>" in page
    assert 'data-ticker="AAPL"' in page and 'data-ticker="MSFT"' in page
    assert "technical,macro" in page
    assert "paused" in page
    assert 'class="status-failed"' in page
    assert "provider down" in page  # in the recent runs
    assert "FOMC June" in page
    assert "Far CPI" not in page  # beyond the next 90 days
    assert 'data-testid="schedule-form"' not in page
    assert "Disable" not in page and "Delete" not in page


def test_an_admin_gets_the_form_and_the_row_actions(client_for: Any, desk_admin: Any, desk: Schedule) -> None:
    page = client_for(desk_admin).get("/schedules/").content.decode()
    assert 'data-testid="schedule-form"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert f'action="/schedules/{desk.pk}/disable"' in page
    assert f'action="/schedules/{desk.pk}/delete"' in page
    assert "Enable" in page  # MSFT is paused


def test_an_admin_adds_a_schedule_through_the_form(client_for: Any, desk_admin: Any) -> None:
    client = client_for(desk_admin)
    response = client.post(
        "/schedules/",
        {"ticker": "brk-b", "interval_minutes": "120", "agents": ["sentiment", "technical"], "enabled": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/schedules/"
    schedule = Schedule.objects.get()
    assert (schedule.ticker, schedule.interval_minutes, schedule.agents, schedule.enabled) == (
        "BRK.B",
        120,
        "news,technical,sentiment",
        True,
    )
    assert schedule.next_run_at is not None
    page = client.get("/schedules/").content.decode()
    assert "Schedule for BRK.B added" in page


def test_the_form_goes_through_the_same_validation_as_the_api(client_for: Any, desk_admin: Any) -> None:
    client = client_for(desk_admin)
    ScheduleFactory(ticker="AAPL")
    for data, message in (
        ({"ticker": "aapl", "interval_minutes": "60"}, "A schedule for AAPL already exists."),
        ({"ticker": "KO", "interval_minutes": "5"}, "interval_minutes must be a whole number of minutes"),
        ({"ticker": "KO", "interval_minutes": ""}, "interval_minutes must be a whole number of minutes"),
        ({"ticker": "K0!", "interval_minutes": "60"}, "is not a US equity ticker"),
        ({"ticker": "KO", "interval_minutes": "60", "agents": ["tarot"]}, "Invalid agent names: tarot."),
    ):
        response = client.post("/schedules/", data)
        assert response.status_code == 400, data
        page = response.content.decode()
        assert 'data-testid="schedule-error"' in page
        assert message in page, data
    assert Schedule.objects.count() == 1
    # An unticked "enabled" box creates a paused schedule.
    client.post("/schedules/", {"ticker": "KO", "interval_minutes": "60"})
    assert Schedule.objects.get(ticker="KO").enabled is False


def test_an_admin_disables_enables_and_deletes(client_for: Any, desk_admin: Any, desk: Schedule) -> None:
    client = client_for(desk_admin)
    assert client.post(f"/schedules/{desk.pk}/disable").status_code == 302
    desk.refresh_from_db()
    assert desk.enabled is False
    assert client.post(f"/schedules/{desk.pk}/enable").status_code == 302
    desk.refresh_from_db()
    assert desk.enabled is True
    assert client.post(f"/schedules/{desk.pk}/delete").status_code == 302
    assert not Schedule.objects.filter(pk=desk.pk).exists()
    assert client.post(f"/schedules/{desk.pk}/delete").status_code == 404
    assert client.get(f"/schedules/{desk.pk + 1}/enable").status_code == 405


@pytest.mark.parametrize("role", ["viewer", "pm"])
def test_pms_and_viewers_cannot_change_schedules_from_the_page(
    request: pytest.FixtureRequest, client_for: Any, desk: Schedule, role: str
) -> None:
    client = client_for(request.getfixturevalue(role))
    assert client.post("/schedules/", {"ticker": "KO", "interval_minutes": "60"}).status_code == 403
    for action in ("disable", "enable", "delete"):
        assert client.post(f"/schedules/{desk.pk}/{action}").status_code == 403
    desk.refresh_from_db()
    assert desk.enabled is True
    assert Schedule.objects.count() == 2


def test_schedule_forms_need_the_csrf_token(desk_admin: Any, desk: Schedule) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk_admin)
    assert client.post("/schedules/", {"ticker": "KO", "interval_minutes": "60"}).status_code == 403
    assert client.post(f"/schedules/{desk.pk}/delete").status_code == 403
    assert Schedule.objects.count() == 2
