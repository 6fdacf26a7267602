"""The migration path: a legacy rule keeps working after `alert_rules` is rebuilt.

An earlier system's file (its `alert_rules` CHECK admits only the five legacy types, with a
legacy `score_above 70` rule for AAPL) is migrated; the rebuilt table then admits a v2 rule,
and in a Django process on that file the legacy rule fires on a crossing through
`alerts.services.evaluate_alerts`, exactly as before.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live_server import subprocess_env
from tests.migrations import legacy_sql
from tests.migrations.dbtools import REPO_ROOT, copy_db, migrate, opened

INSERT_RULE = (
    "INSERT INTO alert_rules (ticker, rule_type, threshold, enabled, created_at, updated_at) "
    "VALUES ('AAPL', ?, 1.0, 1, '2024-05-01T09:00:00', '2024-05-01T09:00:00')"
)

EVALUATE = """
import json
from django.utils import timezone
from alerts.models import AlertNotification, AlertRule
from alerts.selectors import notification_counts
from alerts.services import evaluate_alerts
from analysis.models import Analysis

def analysis(minutes_ago, score, ev):
    moment = timezone.now() - timezone.timedelta(minutes=minutes_ago)
    return Analysis.objects.create(
        ticker="AAPL", timestamp=moment, as_of=moment, run_kind="interactive", recommendation="BUY",
        confidence_score=0.6, score=score, analysis_schema_version="v2", ev_score_7d=ev,
        confidence_calibrated=0.6, data_quality_score=80.0, regime_label="risk_on",
        decision_card={"action": "buy", "entry_zone": {"low": 98.0, "high": 102.0}},
    )

unread_before = notification_counts()["unacknowledged"]
previous, current = analysis(10, 61.0, 0.5), analysis(1, 74.5, 1.5)
legacy_only = evaluate_alerts(analysis=current, previous=previous, v2_enabled=False)
AlertNotification.objects.filter(pk__in=[n.pk for n in legacy_only]).delete()
with_v2 = evaluate_alerts(analysis=current, previous=previous, v2_enabled=True)
print(json.dumps({
    "legacy_only": [[n.alert_rule_id, n.message, n.previous_value, n.current_value] for n in legacy_only],
    "with_v2": sorted(AlertRule.objects.get(pk=n.alert_rule_id).rule_type for n in with_v2),
    "playbook_source": with_v2[0].suggested_action["source"],
    "unread_before": unread_before,
}))
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("alerts-legacy")
    db = legacy_sql.build_upgraded(workdir / "market_research.db")
    with opened(db) as conn:
        (table_sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'alert_rules'").fetchone()
        assert "'ev_above'" not in table_sql  # the narrow legacy CHECK
        assert conn.execute("SELECT rule_type, threshold FROM alert_rules WHERE id = 2").fetchone() == (
            "score_above",
            70.0,
        )
    migrate(db, workdir / "var")
    return db


def test_the_rebuilt_table_keeps_the_legacy_rule_and_admits_a_v2_one(migrated: Path, tmp_path: Path) -> None:
    with opened(copy_db(migrated, tmp_path / "copy.db")) as conn:
        assert conn.execute(
            "SELECT ticker, rule_type, threshold, enabled FROM alert_rules WHERE id = 2"
        ).fetchone() == (
            "AAPL",
            "score_above",
            70.0,
            1,
        )
        conn.execute(INSERT_RULE, ["ev_above"])
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            conn.execute(INSERT_RULE, ["price_above"])


def test_the_legacy_rule_still_fires_on_a_crossing(migrated: Path, tmp_path: Path) -> None:
    db = copy_db(migrated, tmp_path / "copy.db")
    with opened(db) as conn:
        conn.execute(INSERT_RULE, ["ev_above"])  # written by the earlier system's own v2, say
        conn.commit()
    env = subprocess_env(DATABASE_URL=f"sqlite:///{db.resolve()}", PMRESEARCH_VAR_DIR=str(tmp_path / "var"))
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", EVALUATE],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    # Only the legacy score_above 70 rule crosses (61 → 74.5); recommendation_change sees BUY → BUY.
    assert outcome["legacy_only"] == [[2, "AAPL score rose above 70: 61 → 74.5", "61.0", "74.5"]]
    # With alerts v2 on, the v2 rule stored in the rebuilt table fires alongside it.
    assert outcome["with_v2"] == ["ev_above", "score_above"]
    assert outcome["playbook_source"] == "decision_card"
    # The legacy feed's unread rows (one with a NULL `acknowledged`) count as unread.
    assert outcome["unread_before"] == 3
