"""The earlier system's `market_research.db`, in plain SQL (legacy-schema.md).

Three shapes are built from the DDL below:

* legacy v1: only `analyses` (without its *added* columns), `agent_results`,
  `price_history`, `news_cache` and `sentiment_scores`;
* upgraded: what the earlier system's own upgrade left behind: the v1 DDL, the
  `ALTER TABLE analyses ADD COLUMN ...` statements, and every added table, with
  `alert_rules` still CHECKed to the five legacy rule types;
* partial: legacy v1 plus a `portfolio_profile` from before the upgrade added
  `target_portfolio_beta`, `max_turnover_pct` and `default_transaction_cost_bps`.

Declared types are SQLite's; timestamps are ISO-8601 text, JSON is text,
booleans are 0/1.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

# --- Columns, as legacy-schema.md lists them --------------------------------------

LEGACY_COLUMNS: dict[str, tuple[str, ...]] = {
    "agent_results": (
        "id",
        "analysis_id",
        "agent_type",
        "success",
        "data",
        "error",
        "duration_seconds",
    ),
    "alert_notifications": (
        "id",
        "alert_rule_id",
        "analysis_id",
        "ticker",
        "message",
        "previous_value",
        "current_value",
        "acknowledged",
        "created_at",
        "trigger_context",
        "change_summary",
        "suggested_action",
    ),
    "alert_rules": ("id", "ticker", "rule_type", "threshold", "enabled", "created_at", "updated_at"),
    "analyses": (
        "id",
        "ticker",
        "timestamp",
        "recommendation",
        "confidence_score",
        "overall_sentiment_score",
        "solution_agent_reasoning",
        "duration_seconds",
        "score",
        "decision_card",
        "change_summary",
        "analysis_payload",
        "analysis_schema_version",
        "signal_contract_v2",
        "ev_score_7d",
        "confidence_calibrated",
        "data_quality_score",
        "regime_label",
        "rationale_summary",
    ),
    "analysis_outcomes": (
        "id",
        "analysis_id",
        "ticker",
        "horizon_days",
        "target_date",
        "baseline_price",
        "realized_price",
        "realized_return_pct",
        "direction_correct",
        "outcome_up",
        "predicted_up_probability",
        "confidence",
        "brier_component",
        "status",
        "evaluated_at",
        "created_at",
        "transaction_cost_bps",
        "slippage_bps",
        "realized_return_net_pct",
        "max_drawdown_pct",
        "utility_score",
    ),
    "calibration_snapshots": (
        "id",
        "as_of_date",
        "horizon_days",
        "sample_size",
        "directional_accuracy",
        "avg_realized_return_pct",
        "mean_confidence",
        "brier_score",
        "created_at",
        "mean_net_return_pct",
        "mean_drawdown_pct",
        "utility_mean",
    ),
    "confidence_reliability_bins": (
        "id",
        "as_of_date",
        "horizon_days",
        "bin_index",
        "bin_lower",
        "bin_upper",
        "sample_size",
        "empirical_hit_rate",
        "created_at",
    ),
    "macro_catalyst_events": (
        "id",
        "event_type",
        "event_date",
        "event_label",
        "source",
        "enabled",
        "created_at",
        "updated_at",
    ),
    "news_cache": (
        "id",
        "ticker",
        "published_at",
        "title",
        "source",
        "url",
        "summary",
        "sentiment_score",
    ),
    "portfolio_holdings": (
        "id",
        "ticker",
        "shares",
        "avg_cost",
        "market_value",
        "sector",
        "beta",
        "created_at",
        "updated_at",
    ),
    "portfolio_profile": (
        "id",
        "name",
        "base_currency",
        "max_position_pct",
        "max_sector_pct",
        "risk_budget_pct",
        "created_at",
        "updated_at",
        "target_portfolio_beta",
        "max_turnover_pct",
        "default_transaction_cost_bps",
    ),
    "price_history": ("id", "ticker", "timestamp", "open", "high", "low", "close", "volume"),
    "schedule_runs": (
        "id",
        "schedule_id",
        "analysis_id",
        "started_at",
        "completed_at",
        "success",
        "error",
        "run_reason",
        "catalyst_event_type",
        "catalyst_event_date",
    ),
    "schedules": (
        "id",
        "ticker",
        "interval_minutes",
        "agents",
        "enabled",
        "last_run_at",
        "next_run_at",
        "created_at",
        "updated_at",
    ),
    "sentiment_scores": ("id", "analysis_id", "factor", "score", "weight", "contribution"),
    "watchlist_tickers": ("id", "watchlist_id", "ticker", "added_at"),
    "watchlists": ("id", "name", "created_at", "updated_at"),
}
LEGACY_TABLES = tuple(sorted(LEGACY_COLUMNS))

V1_TABLES = ("analyses", "agent_results", "price_history", "news_cache", "sentiment_scores")
ADDED_TABLES = tuple(t for t in LEGACY_TABLES if t not in V1_TABLES)
ANALYSES_ADDED_COLUMNS = LEGACY_COLUMNS["analyses"][8:]
ANALYSES_V1_COLUMNS = LEGACY_COLUMNS["analyses"][:8]
PORTFOLIO_PROFILE_LATER_COLUMNS = LEGACY_COLUMNS["portfolio_profile"][8:]


def v1_columns(table: str) -> tuple[str, ...]:
    """The columns a table has in the legacy v1 shape."""
    return ANALYSES_V1_COLUMNS if table == "analyses" else LEGACY_COLUMNS[table]


LEGACY_RULE_TYPES = (
    "recommendation_change",
    "score_above",
    "score_below",
    "confidence_above",
    "confidence_below",
)
V2_RULE_TYPES = ("ev_above", "ev_below", "regime_change", "data_quality_below", "calibration_drop")
ALL_RULE_TYPES = LEGACY_RULE_TYPES + V2_RULE_TYPES

# --- DDL --------------------------------------------------------------------------

V1_DDL = """
CREATE TABLE analyses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticker TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    recommendation TEXT CHECK (recommendation IN ('BUY', 'HOLD', 'SELL')),
    confidence_score REAL,
    overall_sentiment_score REAL,
    solution_agent_reasoning TEXT,
    duration_seconds REAL,
    UNIQUE (ticker, timestamp)
);
CREATE INDEX idx_analyses_ticker_timestamp ON analyses (ticker, timestamp DESC);

CREATE TABLE agent_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    analysis_id INTEGER REFERENCES analyses(id),
    agent_type TEXT NOT NULL,
    success BOOLEAN,
    data TEXT,
    error TEXT,
    duration_seconds REAL
);
CREATE INDEX idx_agent_results_analysis ON agent_results (analysis_id);

CREATE TABLE price_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticker TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    open REAL,
    high REAL,
    low REAL,
    close REAL,
    volume INTEGER,
    UNIQUE (ticker, timestamp)
);

CREATE TABLE news_cache (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticker TEXT NOT NULL,
    published_at TEXT NOT NULL,
    title TEXT,
    source TEXT,
    url TEXT,
    summary TEXT,
    sentiment_score REAL,
    UNIQUE (ticker, url)
);

CREATE TABLE sentiment_scores (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    analysis_id INTEGER REFERENCES analyses(id),
    factor TEXT,
    score REAL,
    weight REAL,
    contribution REAL
);
"""

# How the earlier system's upgrade completed `analyses` in place.
ANALYSES_UPGRADE_DDL = """
ALTER TABLE analyses ADD COLUMN score REAL;
ALTER TABLE analyses ADD COLUMN decision_card TEXT;
ALTER TABLE analyses ADD COLUMN change_summary TEXT;
ALTER TABLE analyses ADD COLUMN analysis_payload TEXT;
ALTER TABLE analyses ADD COLUMN analysis_schema_version TEXT NOT NULL DEFAULT 'v1';
ALTER TABLE analyses ADD COLUMN signal_contract_v2 TEXT;
ALTER TABLE analyses ADD COLUMN ev_score_7d REAL;
ALTER TABLE analyses ADD COLUMN confidence_calibrated REAL;
ALTER TABLE analyses ADD COLUMN data_quality_score REAL;
ALTER TABLE analyses ADD COLUMN regime_label TEXT;
ALTER TABLE analyses ADD COLUMN rationale_summary TEXT;
"""

# `portfolio_profile` as a pre-upgrade release created it (the partial shape).
PORTFOLIO_PROFILE_DDL = """
CREATE TABLE portfolio_profile (
    id INTEGER PRIMARY KEY AUTOINCREMENT CHECK (id = 1),
    name TEXT NOT NULL DEFAULT 'Primary',
    base_currency TEXT NOT NULL DEFAULT 'USD',
    max_position_pct REAL NOT NULL DEFAULT 0.10,
    max_sector_pct REAL NOT NULL DEFAULT 0.30,
    risk_budget_pct REAL NOT NULL DEFAULT 1.00,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

PORTFOLIO_PROFILE_UPGRADE_DDL = """
ALTER TABLE portfolio_profile ADD COLUMN target_portfolio_beta REAL NOT NULL DEFAULT 1.00;
ALTER TABLE portfolio_profile ADD COLUMN max_turnover_pct REAL NOT NULL DEFAULT 0.15;
ALTER TABLE portfolio_profile ADD COLUMN default_transaction_cost_bps REAL NOT NULL DEFAULT 10.00;
"""

ADDED_TABLES_DDL = """
CREATE TABLE alert_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticker TEXT NOT NULL,
    rule_type TEXT NOT NULL CHECK (rule_type IN (
        'recommendation_change', 'score_above', 'score_below', 'confidence_above', 'confidence_below'
    )),
    threshold REAL,
    enabled BOOLEAN DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE alert_notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_rule_id INTEGER NOT NULL REFERENCES alert_rules(id),
    analysis_id INTEGER NOT NULL REFERENCES analyses(id),
    ticker TEXT NOT NULL,
    message TEXT NOT NULL,
    previous_value TEXT,
    current_value TEXT,
    acknowledged BOOLEAN DEFAULT 0,
    created_at TEXT NOT NULL,
    trigger_context TEXT,
    change_summary TEXT,
    suggested_action TEXT
);
CREATE INDEX idx_alert_notifications_unread ON alert_notifications (acknowledged, created_at DESC);

CREATE TABLE analysis_outcomes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    analysis_id INTEGER NOT NULL REFERENCES analyses(id),
    ticker TEXT NOT NULL,
    horizon_days INTEGER NOT NULL CHECK (horizon_days IN (1, 7, 30)),
    target_date TEXT NOT NULL,
    baseline_price REAL NOT NULL,
    realized_price REAL,
    realized_return_pct REAL,
    direction_correct BOOLEAN,
    outcome_up BOOLEAN,
    predicted_up_probability REAL,
    confidence REAL,
    brier_component REAL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'complete', 'skipped')),
    evaluated_at TEXT,
    created_at TEXT NOT NULL,
    transaction_cost_bps REAL,
    slippage_bps REAL,
    realized_return_net_pct REAL,
    max_drawdown_pct REAL,
    utility_score REAL,
    UNIQUE (analysis_id, horizon_days)
);
CREATE INDEX idx_analysis_outcomes_due ON analysis_outcomes (status, target_date);

CREATE TABLE calibration_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    as_of_date TEXT NOT NULL,
    horizon_days INTEGER NOT NULL CHECK (horizon_days IN (1, 7, 30)),
    sample_size INTEGER NOT NULL,
    directional_accuracy REAL NOT NULL,
    avg_realized_return_pct REAL,
    mean_confidence REAL,
    brier_score REAL NOT NULL,
    created_at TEXT NOT NULL,
    mean_net_return_pct REAL,
    mean_drawdown_pct REAL,
    utility_mean REAL,
    UNIQUE (as_of_date, horizon_days)
);

CREATE TABLE confidence_reliability_bins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    as_of_date TEXT NOT NULL,
    horizon_days INTEGER NOT NULL CHECK (horizon_days IN (1, 7, 30)),
    bin_index INTEGER NOT NULL,
    bin_lower REAL NOT NULL,
    bin_upper REAL NOT NULL,
    sample_size INTEGER NOT NULL,
    empirical_hit_rate REAL NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (as_of_date, horizon_days, bin_index)
);
CREATE INDEX idx_reliability_bins_lookup
    ON confidence_reliability_bins (horizon_days, as_of_date DESC, bin_index ASC);

CREATE TABLE schedules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticker TEXT NOT NULL UNIQUE,
    interval_minutes INTEGER NOT NULL,
    agents TEXT,
    enabled BOOLEAN DEFAULT 1,
    last_run_at TEXT,
    next_run_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE schedule_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule_id INTEGER NOT NULL REFERENCES schedules(id),
    analysis_id INTEGER REFERENCES analyses(id),
    started_at TEXT NOT NULL,
    completed_at TEXT,
    success BOOLEAN,
    error TEXT,
    run_reason TEXT DEFAULT 'scheduled',
    catalyst_event_type TEXT,
    catalyst_event_date TEXT
);

CREATE TABLE macro_catalyst_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_type TEXT NOT NULL CHECK (event_type IN ('fomc', 'cpi', 'nfp')),
    event_date TEXT NOT NULL,
    event_label TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'seeded',
    enabled BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (event_type, event_date)
);

CREATE TABLE portfolio_holdings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticker TEXT NOT NULL UNIQUE,
    shares REAL NOT NULL CHECK (shares >= 0),
    avg_cost REAL,
    market_value REAL NOT NULL CHECK (market_value >= 0),
    sector TEXT,
    beta REAL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE watchlists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE watchlist_tickers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    watchlist_id INTEGER NOT NULL REFERENCES watchlists(id),
    ticker TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (watchlist_id, ticker)
);
"""

# --- Rows -------------------------------------------------------------------------

V1_ROWS = """
INSERT INTO analyses (id, ticker, timestamp, recommendation, confidence_score, overall_sentiment_score,
                      solution_agent_reasoning, duration_seconds) VALUES
    (1, 'AAPL', '2024-03-11T14:30:05.123456', 'BUY', 0.82, 0.41,
     'Services revenue keeps compounding; iPhone units flat. Margin guide ≥ 45%.', 38.7),
    (2, 'AAPL', '2024-03-12T14:30:02.004118', 'HOLD', 0.55, 0.05,
     'Regulatory overhang in the EU (DMA) — wait for clarity.', 41.2),
    (3, 'SAP', '2024-03-12T09:15:00+01:00', 'SELL', 0.67, -0.33,
     'Cloud-Umstellung kostet Marge; Prognose für 2024 gesenkt. Résumé: underweight.', 52.9),
    (4, '7203.T', '2024-03-13T06:00:00+09:00', 'BUY', 0.71, 0.38,
     'トヨタ自動車: hybrid mix lifting margins; yen tailwind 円安.', 47.0),
    (5, 'TSLA', '2024-03-13T20:05:41', NULL, NULL, NULL, NULL, NULL),
    (7, 'NVDA', '2024-03-14T15:45:10.5', 'BUY', 0.9, 0.62,
     'Data-centre demand; "Blackwell" ramp in H2. Quote: ''supply-constrained''.', 61.3);

INSERT INTO agent_results (id, analysis_id, agent_type, success, data, error, duration_seconds) VALUES
    (1, 1, 'fundamentals', 1, '{"pe_ratio": 28.4, "revenue_growth": 0.021, "sector": "Technology"}', NULL, 4.2),
    (2, 1, 'news', 1, '{"articles": 12, "top_headline": "Apple unveils M3 MacBook Air"}', NULL, 7.9),
    (3, 1, 'sentiment', 1, '{"overall": 0.41, "factors": ["news", "social"]}', NULL, 2.5),
    (4, 3, 'fundamentals', 1, '{"pe_ratio": 39.1, "currency": "EUR", "note": "Umsatz über Erwartungen"}',
     NULL, 5.1),
    (5, 3, 'news', 0, NULL, 'HTTPError: 429 Too Many Requests', 30.0),
    (6, 4, 'market', 1, '{"price": 3456.0, "currency": "JPY", "name": "トヨタ自動車"}', NULL, 3.3),
    (7, 5, 'market', NULL, NULL, NULL, NULL),
    (8, NULL, 'macro', 1, '[]', NULL, 0.4);

INSERT INTO price_history (id, ticker, timestamp, open, high, low, close, volume) VALUES
    (1, 'AAPL', '2024-03-11T00:00:00', 172.94, 174.38, 172.05, 172.75, 60139473),
    (2, 'AAPL', '2024-03-12T00:00:00', 173.15, 174.03, 171.01, 173.23, 59825372),
    (3, 'SAP', '2024-03-12T00:00:00+01:00', 176.5, 178.02, 175.1, 177.86, 1873402),
    (4, 'NVDA', '2024-03-14T00:00:00', 895.77, 906.46, 866.0, 879.44, 60231800),
    (5, 'TSLA', '2024-03-13T00:00:00', 173.05, 176.05, 169.15, 169.48, NULL),
    (6, 'BRK-A', '2024-03-14T00:00:00', 612241.0, 615000.0, 608500.0, 611022.51, 6212);

INSERT INTO news_cache (id, ticker, published_at, title, source, url, summary, sentiment_score) VALUES
    (1, 'AAPL', '2024-03-11T12:01:00Z', 'Apple unveils M3 MacBook Air', 'Reuters',
     'https://www.reuters.com/technology/apple-m3-macbook-air-2024-03-04/', 'Apple refreshed its laptop line…',
     0.35),
    (2, 'SAP', '2024-03-12T07:30:00+01:00', 'SAP: Umbau kostet mehr als gedacht', 'Handelsblatt',
     'https://www.handelsblatt.com/technik/it-internet/sap-umbau/100021234.html',
     'Der Walldorfer Konzern erhöht die Restrukturierungskosten auf 3 Mrd. €.', -0.42),
    (3, '7203.T', '2024-03-13T01:00:00Z', 'トヨタ、ハイブリッド車の販売が過去最高', 'Nikkei',
     'https://www.nikkei.com/article/DGXZQOUC1234567/', NULL, 0.5),
    (4, 'TSLA', '2024-03-13T18:00:00Z', 'Untitled', NULL, NULL, NULL, NULL),
    (5, 'NVDA', '2024-03-14T13:20:00.250000Z', 'Nvidia''s "Blackwell" chips', 'Bloomberg',
     'https://www.bloomberg.com/news/articles/2024-03-14/nvidia-blackwell?utm_source=rss&x=1',
     'Jensen Huang said demand is "incredible".', 0.71);

INSERT INTO sentiment_scores (id, analysis_id, factor, score, weight, contribution) VALUES
    (1, 1, 'news', 0.35, 0.5, 0.175),
    (2, 1, 'social', 0.47, 0.3, 0.141),
    (3, 1, 'analyst', 0.52, 0.2, 0.104),
    (4, 3, 'news', -0.42, 0.5, -0.21),
    (5, 3, 'analyst_ratings', -0.2, 0.5, -0.1),
    (6, 4, 'news', 0.5, 1.0, 0.5),
    (7, 5, NULL, NULL, NULL, NULL);
"""

# The upgraded shape's own v2 analyses and the rows of every added table.
UPGRADED_ROWS = """
INSERT INTO analyses (id, ticker, timestamp, recommendation, confidence_score, overall_sentiment_score,
                      solution_agent_reasoning, duration_seconds, score, decision_card, change_summary,
                      analysis_payload, analysis_schema_version, signal_contract_v2, ev_score_7d,
                      confidence_calibrated, data_quality_score, regime_label, rationale_summary) VALUES
    (8, 'AAPL', '2024-04-02T14:30:00.000001', 'BUY', 0.77, 0.3, 'Buyback pace intact.', 44.0, 71.5,
     '{"action": "buy", "sizing": {"max_position_pct": 0.05}, "risks": ["EU DMA", "China demand"]}',
     '{"recommendation": {"from": "HOLD", "to": "BUY"}, "score_delta": 12.5}',
     '{"agents": {"fundamentals": {"pe_ratio": 27.9}}, "version": 2}', 'v2',
     '{"expected_return_7d": 0.012, "p_up": 0.61, "horizons": [1, 7, 30]}', 0.0123, 0.64, 0.93,
     'risk_on', 'Services growth and buybacks outweigh hardware softness.'),
    (9, 'SAP', '2024-04-02T09:15:00+02:00', 'HOLD', 0.5, 0.0, NULL, 39.4, 50.0, NULL, NULL, NULL, 'v2',
     '{"expected_return_7d": -0.001, "p_up": 0.49}', -0.0011, 0.48, 0.41, 'transition',
     'Übergangsphase; Datenqualität gering (fehlende Schätzungen).'),
    (10, 'NVDA', '2024-04-03T15:45:00', 'SELL', 0.61, -0.1, NULL, 58.8, 38.0, NULL, NULL, NULL, 'v1',
     NULL, NULL, NULL, NULL, NULL, NULL);

INSERT INTO alert_rules (id, ticker, rule_type, threshold, enabled, created_at, updated_at) VALUES
    (1, 'AAPL', 'recommendation_change', NULL, 1, '2024-03-01T09:00:00', '2024-03-01T09:00:00'),
    (2, 'AAPL', 'score_above', 70.0, 1, '2024-03-01T09:01:12.5', '2024-03-20T17:45:00'),
    (3, 'SAP', 'score_below', 40.0, 0, '2024-03-02T10:00:00+01:00', '2024-03-05T08:00:00+01:00'),
    (4, 'TSLA', 'score_below', 25.0, 1, '2024-03-02T11:00:00', '2024-03-02T11:00:00'),
    (5, 'NVDA', 'confidence_above', 0.85, 1, '2024-03-03T12:00:00', '2024-03-03T12:00:00'),
    (6, '7203.T', 'confidence_below', 0.3, 1, '2024-03-04T01:00:00Z', '2024-03-04T01:00:00Z'),
    (7, 'TSLA', 'confidence_below', 0.2, 1, '2024-03-05T11:00:00', '2024-03-05T11:00:00');

INSERT INTO alert_notifications (id, alert_rule_id, analysis_id, ticker, message, previous_value, current_value,
                                 acknowledged, created_at, trigger_context, change_summary,
                                 suggested_action) VALUES
    (1, 1, 2, 'AAPL', 'AAPL recommendation changed from BUY to HOLD', 'BUY', 'HOLD', 1,
     '2024-03-12T14:31:00', NULL, NULL, NULL),
    (2, 1, 8, 'AAPL', 'AAPL recommendation changed from HOLD to BUY', 'HOLD', 'BUY', 0,
     '2024-04-02T14:31:00', '{"rule": "recommendation_change"}',
     '{"recommendation": {"from": "HOLD", "to": "BUY"}}', '{"action": "review", "note": "größer"}'),
    (3, 2, 8, 'AAPL', 'AAPL score 71.5 rose above 70', '58.0', '71.5', 0, '2024-04-02T14:31:01',
     '{"threshold": 70.0, "score": 71.5}', NULL, NULL),
    (4, 3, 3, 'SAP', 'SAP Score 31.0 unter 40 gefallen', NULL, '31.0', 1, '2024-03-12T09:16:00+01:00',
     NULL, NULL, NULL),
    (5, 4, 5, 'TSLA', 'TSLA score below 25', NULL, NULL, 0, '2024-03-13T20:06:00', NULL, NULL, NULL),
    (6, 5, 7, 'NVDA', 'NVDA confidence 0.90 above 0.85', '0.71', '0.9', NULL, '2024-03-14T15:46:00',
     NULL, NULL, NULL),
    (7, 6, 4, '7203.T', 'トヨタ: confidence fell below 0.3', '0.71', '0.29', 0, '2024-03-13T06:01:00+09:00',
     '{"threshold": 0.3}', NULL, '{"action": "watch"}');

-- The desk deleted two rules, and their notifications, before the upgrade.
DELETE FROM alert_notifications WHERE alert_rule_id IN (4, 7);
DELETE FROM alert_rules WHERE id IN (4, 7);

INSERT INTO analysis_outcomes (id, analysis_id, ticker, horizon_days, target_date, baseline_price,
                               realized_price, realized_return_pct, direction_correct, outcome_up,
                               predicted_up_probability, confidence, brier_component, status, evaluated_at,
                               created_at, transaction_cost_bps, slippage_bps, realized_return_net_pct,
                               max_drawdown_pct, utility_score) VALUES
    (1, 1, 'AAPL', 1, '2024-03-12', 172.75, 173.23, 0.2779, 1, 1, 0.82, 0.82, 0.0324, 'complete',
     '2024-03-12T21:00:00', '2024-03-11T14:30:06', NULL, NULL, NULL, NULL, NULL),
    (2, 1, 'AAPL', 7, '2024-03-18', 172.75, 173.72, 0.5615, 1, 1, 0.82, 0.82, 0.0324, 'complete',
     '2024-03-18T21:00:00', '2024-03-11T14:30:06', 10.0, 2.5, 0.4365, -1.12, 0.31),
    (3, 1, 'AAPL', 30, '2024-04-10', 172.75, NULL, NULL, NULL, NULL, 0.82, 0.82, NULL, 'pending', NULL,
     '2024-03-11T14:30:06', NULL, NULL, NULL, NULL, NULL),
    (4, 3, 'SAP', 7, '2024-03-19', 177.86, 181.2, 1.8779, 0, 1, 0.33, 0.67, 0.4489, 'complete',
     '2024-03-19T18:00:00+01:00', '2024-03-12T09:15:01+01:00', 10.0, 5.0, 1.7279, -0.8, -0.12),
    (5, 5, 'TSLA', 1, '2024-03-14', 169.48, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'skipped',
     '2024-03-14T21:00:00', '2024-03-13T20:05:42', NULL, NULL, NULL, NULL, NULL),
    (6, 8, 'AAPL', 7, '2024-04-09', 169.03, NULL, NULL, NULL, NULL, 0.61, 0.77, NULL, 'pending', NULL,
     '2024-04-02T14:30:01', 10.0, 2.5, NULL, NULL, NULL);

INSERT INTO calibration_snapshots (id, as_of_date, horizon_days, sample_size, directional_accuracy,
                                   avg_realized_return_pct, mean_confidence, brier_score, created_at,
                                   mean_net_return_pct, mean_drawdown_pct, utility_mean) VALUES
    (1, '2024-03-31', 1, 142, 0.5634, 0.118, 0.66, 0.2431, '2024-03-31T22:00:00', NULL, NULL, NULL),
    (2, '2024-03-31', 7, 131, 0.5878, 0.402, 0.66, 0.2377, '2024-03-31T22:00:00', 0.302, -1.9, 0.077),
    (3, '2024-04-01', 30, 12, 0.5, NULL, NULL, 0.25, '2024-04-01T22:00:00', NULL, NULL, NULL);

INSERT INTO confidence_reliability_bins (id, as_of_date, horizon_days, bin_index, bin_lower, bin_upper,
                                         sample_size, empirical_hit_rate, created_at) VALUES
    (1, '2024-03-31', 7, 0, 0.0, 0.25, 9, 0.2222, '2024-03-31T22:00:01'),
    (2, '2024-03-31', 7, 1, 0.25, 0.5, 31, 0.4516, '2024-03-31T22:00:01'),
    (3, '2024-03-31', 7, 2, 0.5, 0.75, 64, 0.6094, '2024-03-31T22:00:01'),
    (4, '2024-03-31', 7, 3, 0.75, 1.0, 27, 0.7778, '2024-03-31T22:00:01'),
    (5, '2024-03-31', 1, 0, 0.0, 0.5, 50, 0.48, '2024-03-31T22:00:01'),
    (6, '2024-03-31', 1, 1, 0.5, 1.0, 92, 0.6087, '2024-03-31T22:00:01');

INSERT INTO schedules (id, ticker, interval_minutes, agents, enabled, last_run_at, next_run_at, created_at,
                       updated_at) VALUES
    (1, 'AAPL', 1440, 'fundamentals,news,sentiment', 1, '2024-04-02T14:30:00', '2024-04-03T14:30:00',
     '2024-03-01T09:00:00', '2024-04-02T14:30:00'),
    (2, 'SAP', 60, NULL, 0, NULL, NULL, '2024-03-02T10:00:00+01:00', '2024-03-02T10:00:00+01:00'),
    (3, 'NVDA', 240, '', 1, '2024-04-03T15:45:00', '2024-04-03T19:45:00', '2024-03-03T12:00:00',
     '2024-04-03T15:45:00');

INSERT INTO schedule_runs (id, schedule_id, analysis_id, started_at, completed_at, success, error, run_reason,
                           catalyst_event_type, catalyst_event_date) VALUES
    (1, 1, 8, '2024-04-02T14:29:16', '2024-04-02T14:30:00', 1, NULL, 'scheduled', NULL, NULL),
    (2, 3, 10, '2024-04-03T15:44:01', '2024-04-03T15:45:00', 1, NULL, 'catalyst', 'cpi', '2024-04-10'),
    (3, 3, NULL, '2024-04-03T11:44:00', '2024-04-03T11:44:30', 0,
     'TimeoutError: agent "news" exceeded 30 s', 'scheduled', NULL, NULL),
    (4, 1, NULL, '2024-04-03T14:29:00', NULL, NULL, NULL, NULL, NULL, NULL);

INSERT INTO macro_catalyst_events (id, event_type, event_date, event_label, source, enabled, created_at,
                                   updated_at) VALUES
    (1, 'fomc', '2024-03-20', 'FOMC rate decision', 'seeded', 1, '2024-01-02T00:00:00', '2024-01-02T00:00:00'),
    (2, 'cpi', '2024-04-10', 'CPI (March)', 'seeded', 1, '2024-01-02T00:00:00', '2024-01-02T00:00:00'),
    (3, 'nfp', '2024-04-05', 'Non-farm payrolls — March', 'manual', 0, '2024-03-29T16:00:00',
     '2024-03-30T08:15:00');

INSERT INTO portfolio_profile (id, name, base_currency, max_position_pct, max_sector_pct, risk_budget_pct,
                               created_at, updated_at, target_portfolio_beta, max_turnover_pct,
                               default_transaction_cost_bps) VALUES
    (1, 'Global Équities Desk', 'EUR', 0.08, 0.25, 0.9, '2024-03-01T08:00:00', '2024-03-20T17:00:00', 0.95,
     0.2, 12.5);

INSERT INTO portfolio_holdings (id, ticker, shares, avg_cost, market_value, sector, beta, created_at,
                                updated_at) VALUES
    (1, 'AAPL', 1200.0, 151.2, 207300.0, 'Technology', 1.28, '2024-03-01T08:05:00', '2024-03-20T17:00:00'),
    (2, 'SAP', 450.5, 120.04, 80126.93, 'Technology', 1.1, '2024-03-01T08:06:00', '2024-03-20T17:00:00'),
    (3, '7203.T', 3000.0, NULL, 10368000.0, NULL, NULL, '2024-03-04T01:00:00Z', '2024-03-04T01:00:00Z'),
    (4, 'TSLA', 0.0, 240.0, 0.0, 'Consumer Discretionary', 2.31, '2024-03-02T11:00:00',
     '2024-03-13T20:10:00');

INSERT INTO watchlists (id, name, created_at, updated_at) VALUES
    (1, 'Mega-cap tech', '2024-03-01T09:00:00', '2024-03-05T09:00:00'),
    (2, 'Europa & Japan', '2024-03-02T10:00:00+01:00', '2024-03-02T10:00:00+01:00');

INSERT INTO watchlist_tickers (id, watchlist_id, ticker, added_at) VALUES
    (1, 1, 'AAPL', '2024-03-01T09:00:01'),
    (2, 1, 'NVDA', '2024-03-01T09:00:02'),
    (3, 1, 'MSFT', '2024-03-05T09:00:00'),
    (4, 2, 'SAP', '2024-03-02T10:00:01+01:00'),
    (5, 2, '7203.T', '2024-03-02T10:00:02+01:00');
"""

PARTIAL_PROFILE_ROW = """
INSERT INTO portfolio_profile (id, name, base_currency, max_position_pct, max_sector_pct, risk_budget_pct,
                               created_at, updated_at) VALUES
    (1, 'Primary', 'USD', 0.1, 0.3, 1.0, '2024-02-15T08:00:00', '2024-02-15T08:00:00');
"""

# --- Builders ---------------------------------------------------------------------


def _build(path: Path, *scripts: str) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        for script in scripts:
            conn.executescript(script)
        conn.commit()
    return path


def build_legacy_v1(path: Path) -> Path:
    return _build(path, V1_DDL, V1_ROWS)


def build_upgraded(path: Path) -> Path:
    return _build(
        path,
        V1_DDL,
        V1_ROWS,
        ANALYSES_UPGRADE_DDL,
        ADDED_TABLES_DDL,
        PORTFOLIO_PROFILE_DDL,
        PORTFOLIO_PROFILE_UPGRADE_DDL,
        UPGRADED_ROWS,
    )


def build_partial(path: Path) -> Path:
    return _build(path, V1_DDL, V1_ROWS, PORTFOLIO_PROFILE_DDL, PARTIAL_PROFILE_ROW)
