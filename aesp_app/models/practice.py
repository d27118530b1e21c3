"""Speaking practice (seed 000): practice sessions with AI scores and the recorded audio, the
learner's running progress (1:1 with users) and placement/periodic assessments.

JSON documents (transcript, feedback, error lists, stats) are TEXT holding JSON (seed 000).
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from aesp_app.models.base import (
    LongBlob,
    created_at_field,
    fk,
    longtext_field,
    text_field,
    updated_at_field,
    varchar,
)


class PracticeSessionType(str, enum.Enum):
    AI_ONLY = "ai_only"
    WITH_MENTOR = "with_mentor"
    PEER_PRACTICE = "peer_practice"


class LearnerLevel(str, enum.Enum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class AssessmentType(str, enum.Enum):
    INITIAL = "initial"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    LEVEL_UP = "level_up"


class CEFRLevel(str, enum.Enum):
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"


class PracticeSession(SQLModel, table=True):
    __tablename__ = "practice_sessions"
    __table_args__ = (
        sa.Index("idx_practice_user", "user_id"),
        sa.Index("idx_practice_type", "session_type"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, index=False)  # idx_practice_user
    mentor_id: int | None = fk("users.id", ondelete="SET NULL")  # NULL for AI-only sessions
    # The merged topics row this session practises, when it came from one (topic keeps its text).
    topic_id: int | None = fk("topics.id", ondelete="SET NULL")
    session_type: str = varchar(50, nullable=False)
    topic: str | None = varchar(100)
    scenario: str | None = varchar(200)
    duration_minutes: int = Field(default=0, nullable=False)
    transcript: str | None = longtext_field()  # JSON list of {role, text, at}
    ai_feedback: str | None = text_field()  # JSON
    # Which engine scored and answered: "offline" or the configured model's name.
    ai_engine: str | None = varchar(100)
    pronunciation_score: float | None = Field(default=None)
    grammar_score: float | None = Field(default=None)
    vocabulary_score: float | None = Field(default=None)
    fluency_score: float | None = Field(default=None)
    overall_score: float | None = Field(default=None)
    pronunciation_errors: str | None = text_field()  # JSON
    grammar_errors: str | None = text_field()  # JSON
    vocabulary_suggestions: str | None = text_field()  # JSON
    is_completed: bool = Field(default=False, nullable=False)
    started_at: dt.datetime | None = Field(default=None)
    ended_at: dt.datetime | None = Field(default=None)
    created_at: dt.datetime | None = created_at_field()
    audio_recording: bytes | None = Field(default=None, sa_type=LongBlob)
    audio_filename: str | None = varchar(255)
    audio_content_type: str | None = varchar(100)


class LearnerProgress(SQLModel, table=True):
    """Running totals per learner; exactly one row per user (seed 000: 1-1)."""

    __tablename__ = "learner_progress"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, unique=True)
    overall_score: float = Field(default=0, nullable=False)
    vocabulary_score: float = Field(default=0, nullable=False)
    grammar_score: float = Field(default=0, nullable=False)
    pronunciation_score: float = Field(default=0, nullable=False)
    fluency_score: float = Field(default=0, nullable=False)
    total_practice_hours: float = Field(default=0, nullable=False)
    total_sessions: int = Field(default=0, nullable=False)
    current_streak: int = Field(default=0, nullable=False)
    longest_streak: int = Field(default=0, nullable=False)
    words_learned: int = Field(default=0, nullable=False)
    current_level: str = varchar(20, default=LearnerLevel.BEGINNER.value, nullable=False)
    xp_points: int = Field(default=0, nullable=False)
    badges: str | None = text_field()  # JSON
    weekly_stats: str | None = text_field()  # JSON
    monthly_stats: str | None = text_field()  # JSON
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class Assessment(SQLModel, table=True):
    __tablename__ = "assessments"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    assessment_type: str = varchar(50, nullable=False)
    listening_score: float | None = Field(default=None)
    speaking_score: float | None = Field(default=None)
    pronunciation_score: float | None = Field(default=None)
    vocabulary_score: float | None = Field(default=None)
    grammar_score: float | None = Field(default=None)
    overall_score: float | None = Field(default=None)
    determined_level: str | None = varchar(20)  # CEFR A1..C2
    previous_level: str | None = varchar(20)
    questions_answered: int = Field(default=0, nullable=False)
    correct_answers: int = Field(default=0, nullable=False)
    time_taken_minutes: int = Field(default=0, nullable=False)
    ai_feedback: str | None = text_field()  # JSON
    recommended_topics: str | None = text_field()  # JSON
    improvement_areas: str | None = text_field()  # JSON
    is_completed: bool = Field(default=False, nullable=False)
    completed_at: dt.datetime | None = Field(default=None)
    created_at: dt.datetime | None = created_at_field()
