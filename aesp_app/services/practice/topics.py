"""Practice topics with their conversation scenario, and the daily challenge."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import Session, col, select

from aesp_app.integrations.ai import Scenario
from aesp_app.models.base import utcnow
from aesp_app.models.learning import Topic
from aesp_app.services.clock import to_local


def _scenarios():
    """The scenario catalogue (aesp_app/integrations/ai/scenarios.py)."""
    from aesp_app.integrations.ai import scenarios

    return scenarios


def scenario_for(topic: Topic) -> Scenario | None:
    """The role-play a topic is practised with: the scenario written for the topic's title, else
    the closest one by category and level (the catalogue decides)."""
    return _scenarios().scenario_for_topic(topic.title, topic.category, topic.difficulty)


def get_scenario(slug: str | None) -> Scenario | None:
    if not slug:
        return None
    try:
        return _scenarios().get_scenario(slug)
    except (KeyError, LookupError):
        return None


@dataclasses.dataclass(frozen=True)
class TopicView:
    id: int
    title: str
    description: str | None
    category: str
    difficulty: str
    icon: str | None
    color: str
    duration: str
    xp_reward: int
    is_daily_challenge: bool  # flagged in the topics table
    is_today_challenge: bool  # the topic `daily_challenge` returns today
    scenario_slug: str | None
    scenario_title: str | None
    drill_count: int


def _view(topic: Topic, today_id: int | None) -> TopicView:
    scenario = scenario_for(topic)
    return TopicView(
        id=int(topic.id or 0),
        title=topic.title,
        description=topic.description,
        category=topic.category,
        difficulty=topic.difficulty,
        icon=topic.icon,
        color=topic.color,
        duration=topic.duration,
        xp_reward=topic.xp_reward,
        is_daily_challenge=topic.is_daily_challenge,
        is_today_challenge=topic.id == today_id,
        scenario_slug=scenario.slug if scenario else None,
        scenario_title=scenario.title if scenario else None,
        drill_count=len(scenario.drill_sentences) if scenario else 0,
    )


def list_topics(session: Session, *, category: str | None = None, level: str | None = None) -> list[TopicView]:
    """Active topics, easiest first, then by title; `level` is a difficulty (beginner,
    intermediate, advanced)."""
    query = select(Topic).where(Topic.is_active == True)  # noqa: E712
    if category:
        query = query.where(Topic.category == category)
    if level:
        query = query.where(Topic.difficulty == level)
    topics = list(session.exec(query.order_by(col(Topic.difficulty_level), col(Topic.title), col(Topic.id))).all())
    today = daily_challenge(session)
    today_id = today.id if today else None
    return [_view(t, today_id) for t in topics]


def daily_challenge(session: Session, *, zone: str | None = None, now: dt.datetime | None = None) -> Topic | None:
    """Today's challenge: one of the active topics flagged is_daily_challenge, taking turns day
    by day (a single flagged topic is the challenge every day); None when no topic is flagged.
    "Today" is the date in `zone` (default Asia/Ho_Chi_Minh)."""
    pool = list(
        session.exec(
            select(Topic)
            .where(Topic.is_active == True, Topic.is_daily_challenge == True)  # noqa: E712
            .order_by(col(Topic.id))
        ).all()
    )
    if not pool:
        return None
    day = to_local(now or utcnow(), zone).date()
    return pool[day.toordinal() % len(pool)]
