"""After adoption, the earlier database's rows still answer `latest`, even beside a later replay."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from analysis.tickers import InvalidTicker, normalise_ticker
from tests.live_server import subprocess_env
from tests.migrations.conftest import Shape
from tests.migrations.dbtools import REPO_ROOT, opened

# Asks the adopted file for each ticker's `latest` through the API, as a signed-in user would.
ASK_LATEST = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
user = get_user_model().objects.create_user("reader")
client = APIClient(SERVER_NAME="localhost")
client.force_authenticate(user)
answers = {}
for ticker in sys.argv[1:]:
    response = client.get(f"/api/analysis/{ticker}/latest")
    body = response.json()
    answers[ticker] = [response.status_code, body.get("id"), body.get("backdated"), body.get("run_kind")]
print(json.dumps(answers))
"""


def newest_legacy_rows(conn: sqlite3.Connection) -> dict[str, int]:
    """{ticker: id of its newest row by timestamp (then id)}, read straight from the legacy file.

    Only US equity symbols: the earlier system also stored others (`7203.T`), which no route here
    accepts.
    """
    newest: dict[str, int] = {}
    for ticker, pk in conn.execute("SELECT ticker, id FROM analyses ORDER BY ticker, timestamp, id"):
        try:
            normalise_ticker(ticker)
        except InvalidTicker:
            continue
        newest[ticker] = pk
    return newest


def test_it_answers_latest_with_the_newest_legacy_row_beside_a_later_replay(upgraded: Shape) -> None:
    assert upgraded.before is not None
    with opened(upgraded.before) as before:
        expected = newest_legacy_rows(before)
    assert expected, "the fixture should hold legacy analyses"
    adopted = upgraded.clone("legacy-latest")
    ticker = sorted(expected)[0]
    with opened(adopted) as conn:
        # Adoption leaves every earlier row current: they looked at the market when they ran.
        assert conn.execute("SELECT COUNT(*) FROM analyses WHERE backdated != 0").fetchone() == (0,)
        # A replay stored after adoption, as of a day before the earlier rows: evidence only.
        conn.execute(
            "INSERT INTO analyses (ticker, timestamp, recommendation, analysis_schema_version, as_of, "
            "run_kind, backdated) VALUES (?, '2099-01-02 00:00:00', 'SELL', 'v1', '2020-01-02 21:30:00', "
            "'replay', 1)",
            (ticker,),
        )
        conn.commit()
    env = subprocess_env(
        DATABASE_URL=f"sqlite:///{adopted.resolve()}", PMRESEARCH_VAR_DIR=str(upgraded.var_dir("latest"))
    )
    result = subprocess.run(
        [sys.executable, "-c", ASK_LATEST, *sorted(expected)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers == {t: [200, pk, False, None] for t, pk in expected.items()}
