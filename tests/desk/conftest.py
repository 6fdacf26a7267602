from __future__ import annotations

import datetime as dt

import pytest

from analysis.market_data import NEW_YORK
from tests.desk.seeded_desk import SeededDesk, seed_desk

# A Wednesday evening, after the close: the last close is Tuesday's.
NOW = dt.datetime(2026, 12, 2, 19, 0, tzinfo=NEW_YORK)


@pytest.fixture
def seeded(db: object) -> SeededDesk:
    return seed_desk(NOW)
