"""`manage.py warm_market_data` with the public provider fills the cache; analyses then fetch nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from datasources.models import CachedResponse
from tests.public_provider.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_it_warms_then_analyses_make_no_request(pm_api: Any, recordings: Any, frozen_clock: Any) -> None:
    out = io.StringIO()
    call_command("warm_market_data", "--tickers", "NVDA", "--as-of", AS_OF, stdout=out, stderr=io.StringIO())
    assert "warmed 1 of 1 tickers" in out.getvalue()
    assert CachedResponse.objects.filter(source="sec", key__startswith="companyfacts:").exists()
    warmed = recordings.total
    assert pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}").status_code == 200
    assert recordings.total == warmed


def test_it_fails_naming_the_source_that_could_not_answer(recordings: Any, frozen_clock: Any) -> None:
    recordings.sec_down = True
    with pytest.raises(CommandError, match=r"NVDA: .*SEC unreachable: timed out after 3 tries"):
        call_command(
            "warm_market_data",
            "--tickers",
            "NVDA",
            "--as-of",
            AS_OF,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
