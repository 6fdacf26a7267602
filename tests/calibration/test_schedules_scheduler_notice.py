"""The Schedules page says when nothing on it will run: SCHEDULER_ENABLED is off."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_it_says_scheduling_is_off_until_the_setting_is_on(
    client_for: Any, viewer: Any, settings: Any
) -> None:
    settings.SCHEDULER_ENABLED = False
    page = client_for(viewer).get("/schedules/").content.decode()
    assert 'data-testid="scheduler-off"' in page
    assert "<code>SCHEDULER_ENABLED=true</code>" in page


def test_it_says_nothing_when_scheduling_is_on(client_for: Any, viewer: Any, settings: Any) -> None:
    # With beat running schedules the notice would be false: it must go.
    settings.SCHEDULER_ENABLED = True
    page = client_for(viewer).get("/schedules/").content.decode()
    assert 'data-testid="scheduler-off"' not in page
