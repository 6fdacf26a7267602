from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from analysis.market_data import NEW_YORK

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "online"
# The full recordings beside the checkout; the fuller tests skip when they are absent.
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "online"


def body(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def data(relative: str) -> dict:
    return json.loads(body(relative))


def ny(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=NEW_YORK)
