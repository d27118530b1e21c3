"""ai_usage_logs rows and the per-model summary, on SQLite and (with TEST_MYSQL_URL) MariaDB."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from sqlmodel import select

from aesp_app.integrations.ai import Usage
from aesp_app.models.learning import AIFeature, AIUsageLog
from aesp_app.services.ai_usage import estimate_cost, log_usage, usage_summary
from aesp_app.settings import load_settings

SETTINGS = dataclasses.replace(
    load_settings(),
    ai_price_per_1k_prompt_tokens=Decimal("0.15"),
    ai_price_per_1k_completion_tokens=Decimal("0.6"),
)


def test_estimate_cost():
    assert estimate_cost(1000, 1000, SETTINGS) == Decimal("0.750000")
    assert estimate_cost(120, 18, SETTINGS) == Decimal("0.028800")  # 0.018 + 0.0108
    assert estimate_cost(0, 0, SETTINGS) == Decimal("0")


def test_log_usage_writes_rows_with_cost_and_status(session):
    ok = log_usage(session, user_id=None, feature_type=AIFeature.CONVERSATION,
                   usage=Usage("gpt-test", 120, 18, "success", 350), settings=SETTINGS)
    fallback = log_usage(session, user_id=None, feature_type="feedback",
                         usage=Usage("gpt-test", 0, 0, "fallback", 20150, "timeout after 20 s (3 attempts)"),
                         settings=SETTINGS)
    error = log_usage(session, user_id=None, feature_type="conversation",
                      usage=Usage("other-model", 0, 0, "fallback", 40, "HTTP 401: bad key"), settings=SETTINGS)
    session.commit()
    rows = {r.id: r for r in session.exec(select(AIUsageLog)).all()}
    assert len(rows) == 3
    row = rows[ok.id]
    assert (row.feature_type, row.model_name, row.prompt_tokens, row.completion_tokens, row.total_tokens) == (
        "conversation", "gpt-test", 120, 18, 138)
    assert Decimal(row.estimated_cost) == Decimal("0.0288")
    assert (row.request_status, row.latency_ms, row.error_message) == ("success", 350, None)
    assert rows[fallback.id].request_status == "timeout"
    assert rows[fallback.id].error_message.startswith("fallback to offline partner: timeout")
    assert Decimal(rows[fallback.id].estimated_cost) == 0
    assert rows[error.id].request_status == "error" and "HTTP 401" in rows[error.id].error_message
    assert all(r.created_at is not None for r in rows.values())


def test_usage_summary_per_model_and_since(session):
    for _ in range(3):
        log_usage(session, user_id=None, feature_type="conversation",
                  usage=Usage("big-model", 1000, 500, "success", 100), settings=SETTINGS)
    log_usage(session, user_id=None, feature_type="conversation",
              usage=Usage("big-model", 0, 0, "fallback", 100, "HTTP 500"), settings=SETTINGS)
    old = log_usage(session, user_id=None, feature_type="feedback",
                    usage=Usage("small-model", 2000, 0, "success", 100), settings=SETTINGS)
    session.commit()
    old.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    session.add(old)
    session.commit()

    summary = usage_summary(session)
    assert [s.model_name for s in summary] == ["big-model", "small-model"]
    big = summary[0]
    assert (big.calls, big.failed_calls, big.prompt_tokens, big.completion_tokens, big.total_tokens) == (4, 1, 3000, 1500, 4500)
    assert big.estimated_cost == Decimal("1.350000")  # 3 × (0.15 + 0.30)
    assert summary[1].estimated_cost == Decimal("0.300000")

    recent = usage_summary(session, since=dt.datetime.now(dt.UTC) - dt.timedelta(days=30))
    assert [s.model_name for s in recent] == ["big-model"]
    assert usage_summary(session, since=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == []
