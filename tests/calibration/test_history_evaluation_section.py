"""The History page's Evaluation section: the figures with their sample sizes, and the chart data."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from tests.evaluation_rows import seed_evaluation_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(viewer: Any) -> Client:
    client = Client()
    client.force_login(viewer)
    return client


def test_it_shows_the_figures_and_hands_the_charts_their_data(client_in: Client) -> None:
    seed_evaluation_table()
    response = client_in.get("/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'data-testid="evaluation-sample-size">15<', html)
    assert "0.300" in html and "Newey–West, lag 0" in html
    noise = 'data-testid="evaluation-ece-noise">· a perfectly calibrated forecaster would show'
    assert noise in html
    assert 'id="evaluation-ic-chart"' in html and 'id="evaluation-quantile-chart"' in html
    found = re.search(r'id="calibration-data" type="application/json">(.*?)</script>', html)
    data = json.loads(found.group(1))
    assert data["evaluation"]["ic_mean"] == pytest.approx(0.3)
    assert [q["count"] for q in data["evaluation"]["quantiles"]] == [3, 3, 3, 3, 3]


def test_it_says_when_there_is_nothing_to_evaluate(client_in: Client) -> None:
    response = client_in.get("/history/", {"evaluation_horizon": "30"})
    assert 'data-testid="no-evaluation"' in response.content.decode()


def test_it_rejects_an_unknown_horizon_with_a_message(client_in: Client) -> None:
    response = client_in.get("/history/", {"evaluation_horizon": "14"})
    assert response.status_code == 400
    assert "evaluation_horizon: horizon_days must be one of 1, 7, 30" in response.content.decode()
