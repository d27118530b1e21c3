"""The ai_usage_logs table: one row per call to an external model, with tokens and estimated cost.

`log_usage` is called with the `Usage` a partner returned (PartnerReply.usage or the second item
of written_feedback). It flushes but does not commit: the caller's unit of work does.

Status mapping (the table keeps the model call's outcome, success | error | timeout): a `Usage`
with status "success" is logged as success; "fallback" (the call failed and the offline partner
answered) and "error" are logged as timeout when the error was a timeout, else as error, with the
error text (prefixed "fallback to offline partner: " for fallbacks) in error_message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlmodel import Session, select

from aesp_app.integrations.ai import Usage
from aesp_app.models.learning import AIFeature, AIRequestStatus, AIUsageLog

COST_QUANTUM = Decimal("0.000001")  # the column is NUMERIC(14, 6)


def estimate_cost(prompt_tokens: int, completion_tokens: int, settings) -> Decimal:
    """prompt/1000 × price per 1k prompt tokens + completion/1000 × price per 1k completion tokens."""
    cost = (
        Decimal(int(prompt_tokens or 0)) / 1000 * Decimal(settings.ai_price_per_1k_prompt_tokens)
        + Decimal(int(completion_tokens or 0)) / 1000 * Decimal(settings.ai_price_per_1k_completion_tokens)
    )
    return cost.quantize(COST_QUANTUM, rounding=ROUND_HALF_UP)


def request_status(usage: Usage) -> str:
    if usage.status == "success":
        return AIRequestStatus.SUCCESS.value
    if (usage.error or "").lower().startswith("timeout"):
        return AIRequestStatus.TIMEOUT.value
    return AIRequestStatus.ERROR.value


def log_usage(
    session: Session, *, user_id: int | None, feature_type: str | AIFeature, usage: Usage, settings
) -> AIUsageLog:
    feature = feature_type.value if isinstance(feature_type, AIFeature) else str(feature_type)
    prompt = max(0, int(usage.prompt_tokens or 0))
    completion = max(0, int(usage.completion_tokens or 0))
    error = usage.error or None
    if usage.status == "fallback":
        error = f"fallback to offline partner: {usage.error or 'unknown error'}"
    row = AIUsageLog(
        user_id=user_id,
        feature_type=feature[:30],
        model_name=(usage.model or None) and usage.model[:100],
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        estimated_cost=estimate_cost(prompt, completion, settings),
        request_status=request_status(usage),
        latency_ms=max(0, int(usage.latency_ms)) if usage.latency_ms is not None else None,
        error_message=error,
    )
    session.add(row)
    session.flush()
    return row


@dataclasses.dataclass(frozen=True)
class ModelUsage:
    model_name: str
    calls: int
    failed_calls: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    estimated_cost: Decimal


def usage_summary(session: Session, *, since: dt.datetime | None = None) -> list[ModelUsage]:
    """Per-model totals since SINCE (all time when None), the most expensive first."""
    failed = sa.case((AIUsageLog.request_status != AIRequestStatus.SUCCESS.value, 1), else_=0)
    model = sa.func.coalesce(AIUsageLog.model_name, "")
    query = select(
        model,
        sa.func.count(AIUsageLog.id),
        sa.func.coalesce(sa.func.sum(failed), 0),
        sa.func.coalesce(sa.func.sum(AIUsageLog.prompt_tokens), 0),
        sa.func.coalesce(sa.func.sum(AIUsageLog.completion_tokens), 0),
        sa.func.coalesce(sa.func.sum(AIUsageLog.total_tokens), 0),
        sa.func.coalesce(sa.func.sum(AIUsageLog.estimated_cost), 0),
    ).group_by(model)
    if since is not None:
        query = query.where(AIUsageLog.created_at >= since)
    rows = [
        ModelUsage(
            model_name=name or "(unknown)",
            calls=int(calls),
            failed_calls=int(failed_calls),
            prompt_tokens=int(prompt),
            completion_tokens=int(completion),
            total_tokens=int(total),
            estimated_cost=Decimal(str(cost)).quantize(COST_QUANTUM),
        )
        for name, calls, failed_calls, prompt, completion, total, cost in session.exec(query).all()
    ]
    rows.sort(key=lambda r: (-r.estimated_cost, -r.calls, r.model_name))
    return rows
