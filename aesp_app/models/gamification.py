"""Gamification: achievements (000 + 002 merged), challenges, leaderboards, rewards, XP events and
friends.

achievements carries both seeds' columns: 000's name/icon/requirement/xp_reward and 002's
machine-readable criteria_type/criteria_value (002's title is `name`, badge_icon is `icon`).
user_achievements: 002's unlocked_at is 000's `earned_at`.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from aesp_app.models.base import (
    created_at_field,
    fk,
    longtext_field,
    text_field,
    updated_at_field,
    utcnow,
    varchar,
)


class AchievementCriteria(str, enum.Enum):
    """What achievements.criteria_type counts; criteria_value is the threshold."""

    SESSIONS_COMPLETED = "sessions_completed"
    STREAK_DAYS = "streak_days"
    XP_TOTAL = "xp_total"
    SCORE_AT_LEAST = "score_at_least"
    LESSONS_COMPLETED = "lessons_completed"
    QUIZZES_PASSED = "quizzes_passed"
    DAILY_CHALLENGES = "daily_challenges"
    MENTOR_SESSIONS = "mentor_sessions"
    PEER_SESSIONS = "peer_sessions"


class ChallengeDifficulty(str, enum.Enum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class ChallengeStatus(str, enum.Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class UserChallengeStatus(str, enum.Enum):
    ACTIVE = "active"
    COMPLETED = "completed"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


class LeaderboardPeriod(str, enum.Enum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ALL_TIME = "all_time"


class RewardCategory(str, enum.Enum):
    CUSTOMIZATION = "customization"
    LEARNING = "learning"
    BADGE = "badge"
    BOOST = "boost"


class XPSource(str, enum.Enum):
    PRACTICE = "practice"
    QUIZ = "quiz"
    LESSON = "lesson"
    DOUBT = "doubt"
    STUDY = "study"
    CHALLENGE = "challenge"
    ACHIEVEMENT = "achievement"
    PEER = "peer"
    REWARD = "reward"


class FriendStatus(str, enum.Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    BLOCKED = "blocked"


class Achievement(SQLModel, table=True):
    __tablename__ = "achievements"

    id: int | None = Field(default=None, primary_key=True)
    # Stable key the award rules use ("first_session", "streak_7", ...).
    code: str | None = varchar(50, unique=True)
    name: str = varchar(100, nullable=False)
    description: str | None = text_field()
    icon: str | None = varchar(50)
    requirement: str | None = varchar(255)  # human-readable condition
    criteria_type: str | None = varchar(50)
    criteria_value: int | None = Field(default=None)
    xp_reward: int = Field(default=0, nullable=False)
    is_active: bool = Field(default=True, nullable=False)
    created_at: dt.datetime | None = created_at_field()


class UserAchievement(SQLModel, table=True):
    __tablename__ = "user_achievements"
    __table_args__ = (sa.UniqueConstraint("user_id", "achievement_id", name="uq_user_achievements_user_achievement"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, index=False)  # indexed by the unique key
    achievement_id: int = fk("achievements.id", nullable=False)
    earned_at: dt.datetime | None = created_at_field()


class Challenge(SQLModel, table=True):
    __tablename__ = "challenges"

    id: int | None = Field(default=None, primary_key=True)
    title: str = varchar(255, nullable=False)
    description: str | None = text_field()
    difficulty: str = varchar(50, default=ChallengeDifficulty.MEDIUM.value, nullable=False)
    status: str = varchar(50, default=ChallengeStatus.DRAFT.value, nullable=False)
    target_value: int = Field(default=1, nullable=False)
    xp_reward: int = Field(default=100, nullable=False)
    badge_name: str | None = varchar(100)
    icon: str | None = varchar(50)
    rules: str | None = text_field()  # JSON
    starts_at: dt.datetime | None = Field(default=None)
    ends_at: dt.datetime | None = Field(default=None)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()
    is_active: bool = Field(default=True, nullable=False)


class UserChallenge(SQLModel, table=True):
    __tablename__ = "user_challenges"
    __table_args__ = (sa.UniqueConstraint("user_id", "challenge_id", name="uq_user_challenges_user_challenge"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, index=False)  # indexed by the unique key
    challenge_id: int = fk("challenges.id", nullable=False)
    current_progress: int = Field(default=0, nullable=False)
    status: str = varchar(50, default=UserChallengeStatus.ACTIVE.value, nullable=False)
    joined_at: dt.datetime | None = created_at_field()
    completed_at: dt.datetime | None = Field(default=None)
    xp_earned: int = Field(default=0, nullable=False)


class LeaderboardEntry(SQLModel, table=True):
    __tablename__ = "leaderboard_entries"
    __table_args__ = (sa.Index("idx_leaderboard_period", "period", "period_start", "rank"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    period: str | None = varchar(20)
    xp_points: int = Field(default=0, nullable=False)
    rank: int | None = Field(default=None)
    period_start: dt.datetime | None = Field(default=None)
    period_end: dt.datetime | None = Field(default=None)
    updated_at: dt.datetime | None = updated_at_field()


class LeaderboardCache(SQLModel, table=True):
    """Precomputed rankings (seed 002): ranking_data is a JSON list."""

    __tablename__ = "leaderboard_cache"
    __table_args__ = (sa.Index("idx_leaderboard_cache_period", "period_type", "generated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    period_type: str = varchar(20, nullable=False)
    ranking_data: str | None = longtext_field()
    generated_at: dt.datetime = Field(default_factory=utcnow, nullable=False)


class Reward(SQLModel, table=True):
    __tablename__ = "rewards"

    id: int | None = Field(default=None, primary_key=True)
    name: str = varchar(255, nullable=False)
    description: str | None = text_field()
    cost: int = Field(default=0, nullable=False)  # in XP, not money
    category: str | None = varchar(50)
    icon: str | None = varchar(50)
    is_active: bool = Field(default=True, nullable=False)
    stock: int = Field(default=-1, nullable=False)  # -1 = unlimited
    created_at: dt.datetime | None = created_at_field()


class UserReward(SQLModel, table=True):
    __tablename__ = "user_rewards"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    reward_id: int = fk("rewards.id", nullable=False)
    claimed_at: dt.datetime | None = created_at_field()
    expires_at: dt.datetime | None = Field(default=None)
    is_active: bool = Field(default=True, nullable=False)


class XPLog(SQLModel, table=True):
    """One XP event (seed 002); reference_id points into the table source_type names."""

    __tablename__ = "xp_logs"
    __table_args__ = (sa.Index("idx_xp_logs_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, index=False)  # idx_xp_logs_user_created
    source_type: str = varchar(30, nullable=False)
    reference_id: int | None = Field(default=None)
    xp_amount: int = Field(nullable=False)
    created_at: dt.datetime | None = created_at_field()


class Friend(SQLModel, table=True):
    __tablename__ = "friends"
    __table_args__ = (sa.UniqueConstraint("requester_id", "addressee_id", name="uq_friends_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    requester_id: int = fk("users.id", nullable=False, index=False)  # indexed by the unique key
    addressee_id: int = fk("users.id", nullable=False)
    status: str = varchar(20, default=FriendStatus.PENDING.value, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    responded_at: dt.datetime | None = Field(default=None)
