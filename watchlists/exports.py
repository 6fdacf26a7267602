"""The opportunities CSV and its file name: pure functions over ranked rows.

Every cell goes through `analysis.exports.safe_cell`, so numbers stay numbers (a negative EV
is written `-1.5`, unquoted) and any text a spreadsheet would read as a formula gets a
leading `'`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

from analysis.exports import safe_cell
from watchlists.ranking import OPPORTUNITY_FIELDS

MAX_NAME_PART = 40


def opportunities_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """The `OPPORTUNITY_FIELDS` header, then one line per ranked row (CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(OPPORTUNITY_FIELDS)
    for row in rows:
        writer.writerow([safe_cell(row.get(field)) for field in OPPORTUNITY_FIELDS])
    return buffer.getvalue()


def opportunities_filename(watchlist_name: str, when: dt.datetime | dt.date) -> str:
    """`Large_caps_opportunities_20261124.csv`.

    The name keeps ASCII letters, digits, `.` and `-`; any run of other characters becomes one
    `_`; at most 40 characters, no leading or trailing `.`, `-` or `_`, and `watchlist` when
    nothing is left. Safe in a `Content-Disposition` header and on any file system.
    """
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", str(watchlist_name or ""))
    name = re.sub(r"\.{2,}", ".", name).strip("._-")[:MAX_NAME_PART].strip("._-") or "watchlist"
    return f"{name}_opportunities_{when:%Y%m%d}.csv"
