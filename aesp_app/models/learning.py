"""Learning content and study tracking: subjects -> topics -> lessons, progress, study sessions and
streaks, quizzes, uploaded materials, AI tutoring threads, AI usage logs and recommendations.

Seed 002 used UUID keys; every key here is an integer like the rest of the schema.
`topics` merges 002 topics (subject, name, difficulty_level) with 000 topics (the practice
fields: category, difficulty, xp_reward, daily challenge); 002's `name` is `title`.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from aesp_app.models.base import (
    LongText,
    created_at_field,
    fk,
    longtext_field,
    text_field,
    updated_at_field,
    utcnow,
    varchar,
)

# Percentages and mastery scores: 0.00 .. 100.00
Percent = sa.Numeric(5, 2)
# AI cost per call is a fraction of a cent: six decimal places.
AICost = sa.Numeric(14, 6)


class TopicCategory(str, enum.Enum):
    WORK = "work"
    TRAVEL = "travel"
    DAILY = "daily"
    SOCIAL = "social"
    ACADEMIC = "academic"


class Difficulty(str, enum.Enum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


# topics.difficulty_level (seed 002's integer) is the numeric rank of topics.difficulty.
DIFFICULTY_LEVELS: dict[str, int] = {
    Difficulty.BEGINNER.value: 1,
    Difficulty.INTERMEDIATE.value: 2,
    Difficulty.ADVANCED.value: 3,
}


class LessonContentType(str, enum.Enum):
    TEXT = "text"
    VIDEO = "video"
    PDF = "pdf"


class DoubtRole(str, enum.Enum):
    USER = "user"
    ASSISTANT = "assistant"


class AIFeature(str, enum.Enum):
    DOUBT = "doubt"
    QUIZ = "quiz"
    MATERIAL = "material"
    CONVERSATION = "conversation"
    FEEDBACK = "feedback"


class AIRequestStatus(str, enum.Enum):
    SUCCESS = "success"
    ERROR = "error"
    TIMEOUT = "timeout"


class MaterialStatus(str, enum.Enum):
    PENDING = "pending"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class RecommendationType(str, enum.Enum):
    TOPIC = "topic"
    LESSON = "lesson"
    QUIZ = "quiz"
    PRODUCT = "product"
    MENTOR = "mentor"


class Subject(SQLModel, table=True):
    """Top-level grouping of topics (seed 002), e.g. "English Speaking"."""

    __tablename__ = "subjects"

    id: int | None = Field(default=None, primary_key=True)
    name: str = varchar(100, nullable=False, unique=True)
    description: str | None = text_field()
    created_at: dt.datetime | None = created_at_field()


class TopicBase(SQLModel):
    subject_id: int | None = fk("subjects.id", ondelete="SET NULL")
    title: str = varchar(200, nullable=False)
    description: str | None = text_field()
    category: str = varchar(50, default=TopicCategory.DAILY.value, nullable=False)
    difficulty: str = varchar(20, default=Difficulty.BEGINNER.value, nullable=False)
    difficulty_level: int = Field(default=1, nullable=False)
    icon: str | None = varchar(50)
    color: str = varchar(30, default="blue", nullable=False)
    duration: str = varchar(20, default="10m", nullable=False)
    xp_reward: int = Field(default=100, nullable=False)
    # The role-play brief the conversation partner plays (who it is, where, what the learner wants).
    scenario: str | None = text_field()
    is_active: bool = Field(default=True, nullable=False)
    is_daily_challenge: bool = Field(default=False, nullable=False)


class Topic(TopicBase, table=True):
    __tablename__ = "topics"
    __table_args__ = (
        sa.Index("idx_topics_category", "category"),
        sa.Index("idx_topics_difficulty", "difficulty"),
        sa.Index("idx_topics_daily", "is_daily_challenge"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class TopicCreate(TopicBase):
    pass


class TopicUpdate(SQLModel):
    subject_id: int | None = None
    title: str | None = Field(default=None, max_length=200)
    description: str | None = None
    category: str | None = Field(default=None, max_length=50)
    difficulty: str | None = Field(default=None, max_length=20)
    difficulty_level: int | None = None
    icon: str | None = Field(default=None, max_length=50)
    color: str | None = Field(default=None, max_length=30)
    duration: str | None = Field(default=None, max_length=20)
    xp_reward: int | None = None
    scenario: str | None = None
    is_active: bool | None = None
    is_daily_challenge: bool | None = None


class TopicPublic(TopicBase):
    id: int
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


class Lesson(SQLModel, table=True):
    __tablename__ = "lessons"

    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = fk("topics.id", nullable=False)
    title: str = varchar(200, nullable=False)
    content: str | None = longtext_field()  # Markdown
    content_type: str = varchar(20, default=LessonContentType.TEXT.value, nullable=False)
    estimated_duration_minutes: int | None = Field(default=None)
    position: int = Field(default=0, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class LessonProgress(SQLModel, table=True):
    __tablename__ = "lesson_progress"
    __table_args__ = (sa.UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_lesson"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, index=False)  # indexed by the unique key
    lesson_id: int = fk("lessons.id", nullable=False)
    completed: bool = Field(default=False, nullable=False)
    completed_at: dt.datetime | None = Field(default=None)


class StudySession(SQLModel, table=True):
    """Timer-based study sessions (seed 002)."""

    __tablename__ = "study_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    started_at: dt.datetime = Field(default_factory=utcnow, nullable=False)
    ended_at: dt.datetime | None = Field(default=None)
    duration_seconds: int = Field(default=0, nullable=False)
    xp_awarded: int = Field(default=0, nullable=False)
    created_at: dt.datetime | None = created_at_field()


class UserStreak(SQLModel, table=True):
    """Daily study streak, one row per user (seed 002 keys it by user_id)."""

    __tablename__ = "user_streaks"

    user_id: int | None = Field(
        default=None,
        primary_key=True,
        sa_column_args=[sa.ForeignKey("users.id", ondelete="CASCADE")],
        sa_column_kwargs={"autoincrement": False},
    )
    current_streak: int = Field(default=0, nullable=False)
    longest_streak: int = Field(default=0, nullable=False)
    last_study_date: dt.date | None = Field(default=None)
    updated_at: dt.datetime | None = updated_at_field()


class DoubtSession(SQLModel, table=True):
    """An AI tutoring thread (seed 002)."""

    __tablename__ = "doubt_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    topic_id: int | None = fk("topics.id", ondelete="SET NULL")
    title: str | None = varchar(200)
    created_at: dt.datetime | None = created_at_field()


class DoubtMessage(SQLModel, table=True):
    __tablename__ = "doubt_messages"

    id: int | None = Field(default=None, primary_key=True)
    doubt_session_id: int = fk("doubt_sessions.id", nullable=False)
    role: str = varchar(20, nullable=False)
    message_text: str = Field(sa_type=sa.Text, nullable=False)
    created_at: dt.datetime | None = created_at_field()


class AIUsageLog(SQLModel, table=True):
    """Every call to an external model, with tokens and estimated cost (seed 002)."""

    __tablename__ = "ai_usage_logs"
    __table_args__ = (sa.Index("idx_ai_usage_created", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # Calls made for no particular user (e.g. content generation) have no user.
    user_id: int | None = fk("users.id", ondelete="SET NULL")
    feature_type: str = varchar(30, nullable=False)
    model_name: str | None = varchar(100)
    prompt_tokens: int = Field(default=0, nullable=False)
    completion_tokens: int = Field(default=0, nullable=False)
    total_tokens: int = Field(default=0, nullable=False)
    estimated_cost: Decimal = Field(default=Decimal("0"), sa_type=AICost, nullable=False)
    request_status: str = varchar(20, default=AIRequestStatus.SUCCESS.value, nullable=False)
    latency_ms: int | None = Field(default=None)
    error_message: str | None = text_field()
    created_at: dt.datetime | None = created_at_field()


class Quiz(SQLModel, table=True):
    __tablename__ = "quizzes"

    id: int | None = Field(default=None, primary_key=True)
    topic_id: int | None = fk("topics.id")
    title: str | None = varchar(200)
    created_by: int | None = fk("users.id", ondelete="SET NULL")
    generated_by_ai: bool = Field(default=False, nullable=False)
    created_at: dt.datetime | None = created_at_field()


class QuizQuestion(SQLModel, table=True):
    __tablename__ = "quiz_questions"

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = fk("quizzes.id", nullable=False)
    question_text: str = Field(sa_type=sa.Text, nullable=False)
    options: str | None = text_field()  # JSON list of choices
    correct_answer: str | None = varchar(255)
    explanation: str | None = text_field()
    position: int = Field(default=0, nullable=False)


class QuizAttempt(SQLModel, table=True):
    __tablename__ = "quiz_attempts"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    quiz_id: int = fk("quizzes.id", nullable=False)
    score_percentage: Decimal | None = Field(default=None, sa_type=Percent)
    xp_awarded: int = Field(default=0, nullable=False)
    answers: str | None = text_field()  # JSON {question_id: answer}
    started_at: dt.datetime | None = Field(default=None)
    completed_at: dt.datetime | None = Field(default=None)


class Material(SQLModel, table=True):
    """An uploaded study file (seed 002). s3_url holds the storage URL or path, S3 or not."""

    __tablename__ = "materials"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    file_name: str = varchar(255, nullable=False)
    s3_url: str | None = varchar(500)
    content_type: str | None = varchar(100)
    file_size: int | None = Field(default=None)
    processing_status: str = varchar(20, default=MaterialStatus.PENDING.value, nullable=False)
    uploaded_at: dt.datetime | None = created_at_field()


class MaterialChunk(SQLModel, table=True):
    __tablename__ = "material_chunks"

    id: int | None = Field(default=None, primary_key=True)
    material_id: int = fk("materials.id", nullable=False)
    chunk_index: int = Field(default=0, nullable=False)
    chunk_text: str = Field(sa_type=LongText, nullable=False)
    embedding_vector: str | None = longtext_field()  # JSON list of floats
    created_at: dt.datetime | None = created_at_field()


class TopicProgress(SQLModel, table=True):
    """Mastery per user and topic (seed 002)."""

    __tablename__ = "topic_progress"
    __table_args__ = (sa.UniqueConstraint("user_id", "topic_id", name="uq_topic_progress_user_topic"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, index=False)  # indexed by the unique key
    topic_id: int = fk("topics.id", nullable=False)
    mastery_score: Decimal = Field(default=Decimal("0"), sa_type=Percent, nullable=False)
    last_updated: dt.datetime | None = updated_at_field()


class UserRecommendation(SQLModel, table=True):
    """Rule-based recommendations (seed 002); reference_id points into the table that
    recommendation_type names."""

    __tablename__ = "user_recommendations"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    recommendation_type: str = varchar(30, nullable=False)
    reference_id: int | None = Field(default=None)
    priority_score: int = Field(default=0, nullable=False)
    generated_at: dt.datetime | None = created_at_field()
    expires_at: dt.datetime | None = Field(default=None)
