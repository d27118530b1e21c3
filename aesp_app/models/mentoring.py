"""Mentoring and community (seed 000): mentor-learner assignments, bookings, reviews, peer
practice (invitations, sessions, quick matches), mentors' resources, messages and notifications.

Index names are the ones seed 000 recommends (idx_mentor_assignment_mentor, idx_booking_date, ...).
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from aesp_app.models.base import created_at_field, fk, text_field, updated_at_field, varchar


class AssignmentStatus(str, enum.Enum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class BookingStatus(str, enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class ReviewSessionType(str, enum.Enum):
    PEER = "peer"
    MENTOR = "mentor"


class InvitationStatus(str, enum.Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class PeerSessionStatus(str, enum.Enum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class QuickMatchStatus(str, enum.Enum):
    SEARCHING = "searching"
    MATCHED = "matched"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class ResourceType(str, enum.Enum):
    DOCUMENT = "document"
    VIDEO = "video"
    AUDIO = "audio"
    LINK = "link"
    EXERCISE = "exercise"


class ResourceCategory(str, enum.Enum):
    VOCABULARY = "vocabulary"
    GRAMMAR = "grammar"
    PRONUNCIATION = "pronunciation"
    SPEAKING = "speaking"


class NotificationType(str, enum.Enum):
    SYSTEM = "system"
    REMINDER = "reminder"
    ACHIEVEMENT = "achievement"
    FEEDBACK = "feedback"
    SESSION = "session"
    ORDER = "order"


class MentorAssignment(SQLModel, table=True):
    __tablename__ = "mentor_assignments"
    __table_args__ = (
        sa.UniqueConstraint("mentor_id", "learner_id", name="uq_mentor_assignment_pair"),
        sa.Index("idx_mentor_assignment_mentor", "mentor_id"),
        sa.Index("idx_mentor_assignment_learner", "learner_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mentor_id: int = fk("users.id", nullable=False, index=False)
    learner_id: int = fk("users.id", nullable=False, index=False)
    # Always set by the service; NULL only if the assigning admin's account is later removed.
    assigned_by: int | None = fk("users.id", ondelete="SET NULL")
    status: str = varchar(50, default=AssignmentStatus.ACTIVE.value, nullable=False)
    notes: str | None = text_field()
    assigned_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()
    ended_at: dt.datetime | None = Field(default=None)


class MentorBooking(SQLModel, table=True):
    __tablename__ = "mentor_bookings"
    __table_args__ = (
        sa.Index("idx_booking_mentor", "mentor_id"),
        sa.Index("idx_booking_learner", "learner_id"),
        sa.Index("idx_booking_date", "scheduled_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = fk("users.id", nullable=False, index=False)
    mentor_id: int = fk("users.id", nullable=False, index=False)
    scheduled_date: dt.date = Field(nullable=False)
    scheduled_time: dt.time = Field(nullable=False)
    duration_minutes: int = Field(default=30, nullable=False)
    topic: str | None = varchar(255)
    notes: str | None = text_field()
    status: str = varchar(50, default=BookingStatus.PENDING.value, nullable=False)
    meeting_url: str | None = varchar(500)
    cancel_reason: str | None = text_field()
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()
    confirmed_at: dt.datetime | None = Field(default=None)
    completed_at: dt.datetime | None = Field(default=None)
    cancelled_at: dt.datetime | None = Field(default=None)


class Review(SQLModel, table=True):
    """A rating of a mentor or a practice peer. session_id points into peer_sessions or
    practice_sessions depending on session_type, so it has no foreign key."""

    __tablename__ = "reviews"
    __table_args__ = (sa.UniqueConstraint("reviewer_id", "booking_id", name="uq_reviews_reviewer_booking"),)

    id: int | None = Field(default=None, primary_key=True)
    reviewer_id: int = fk("users.id", nullable=False, index=False)  # indexed by the unique key
    reviewed_id: int = fk("users.id", nullable=False)
    learner_id: int | None = fk("users.id", ondelete="SET NULL")
    mentor_id: int | None = fk("users.id", ondelete="SET NULL")
    session_id: int | None = Field(default=None)
    session_type: str | None = varchar(50)
    booking_id: int | None = fk("mentor_bookings.id", ondelete="SET NULL")
    rating: int = Field(nullable=False)  # 1..5
    comment: str | None = text_field()
    is_anonymous: bool = Field(default=False, nullable=False)
    created_at: dt.datetime | None = created_at_field()


class PeerInvitation(SQLModel, table=True):
    __tablename__ = "peer_invitations"

    id: int | None = Field(default=None, primary_key=True)
    sender_id: int = fk("users.id", nullable=False)
    receiver_id: int = fk("users.id", nullable=False)
    topic: str | None = varchar(255)
    message: str | None = text_field()
    status: str = varchar(50, default=InvitationStatus.PENDING.value, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    responded_at: dt.datetime | None = Field(default=None)


class PeerSession(SQLModel, table=True):
    __tablename__ = "peer_sessions"

    id: int | None = Field(default=None, primary_key=True)
    participant1_id: int = fk("users.id", nullable=False)
    participant2_id: int = fk("users.id", nullable=False)
    topic: str | None = varchar(255)
    status: str = varchar(50, default=PeerSessionStatus.SCHEDULED.value, nullable=False)
    scheduled_at: dt.datetime | None = Field(default=None)
    started_at: dt.datetime | None = Field(default=None)
    ended_at: dt.datetime | None = Field(default=None)
    duration_minutes: int = Field(default=0, nullable=False)
    xp_earned: int = Field(default=0, nullable=False)
    created_at: dt.datetime | None = created_at_field()


class QuickMatch(SQLModel, table=True):
    __tablename__ = "quick_matches"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False)
    requested_level: str | None = varchar(20)
    requested_topic: str | None = varchar(255)
    status: str = varchar(50, default=QuickMatchStatus.SEARCHING.value, nullable=False)
    matched_user_id: int | None = fk("users.id", ondelete="SET NULL")
    session_id: int | None = fk("peer_sessions.id", ondelete="SET NULL")
    created_at: dt.datetime | None = created_at_field()
    matched_at: dt.datetime | None = Field(default=None)


class Resource(SQLModel, table=True):
    __tablename__ = "resources"

    id: int | None = Field(default=None, primary_key=True)
    mentor_id: int = fk("users.id", nullable=False)
    title: str = varchar(200, nullable=False)
    description: str | None = text_field()
    resource_type: str | None = varchar(50)
    file_url: str | None = varchar(500)
    category: str | None = varchar(100)
    difficulty_level: str | None = varchar(20)
    is_public: bool = Field(default=False, nullable=False)
    download_count: int = Field(default=0, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        sa.Index("idx_message_sender", "sender_id"),
        sa.Index("idx_message_receiver", "receiver_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sender_id: int = fk("users.id", nullable=False, index=False)
    receiver_id: int = fk("users.id", nullable=False, index=False)
    content: str = Field(sa_type=sa.Text, nullable=False)
    is_read: bool = Field(default=False, nullable=False)
    read_at: dt.datetime | None = Field(default=None)
    created_at: dt.datetime | None = created_at_field()


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("idx_notification_user", "user_id"),
        sa.Index("idx_notification_read", "is_read"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, index=False)
    title: str = varchar(200, nullable=False)
    message: str | None = text_field()
    notification_type: str | None = varchar(50)
    is_read: bool = Field(default=False, nullable=False)
    action_url: str | None = varchar(500)
    created_at: dt.datetime | None = created_at_field()
