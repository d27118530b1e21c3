"""Mentors and their learners (seed 000 mentor_assignments) as the practice room and the mentor
desk need them."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, col, select

from aesp_app.models.accounts import Role, User, UserStatus
from aesp_app.models.mentoring import AssignmentStatus, MentorAssignment
from aesp_app.models.practice import LearnerProgress, PracticeSession, PracticeSessionType


@dataclasses.dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    email: str


def active_mentor_for(session: Session, *, learner_id: int) -> PersonView | None:
    """The learner's mentor (active assignment, active mentor account), if any."""
    row = session.exec(
        select(User)
        .join(MentorAssignment, MentorAssignment.mentor_id == User.id)
        .where(
            MentorAssignment.learner_id == learner_id,
            MentorAssignment.status == AssignmentStatus.ACTIVE.value,
            User.role == Role.MENTOR.value,
            User.status == UserStatus.ACTIVE.value,
        )
        .order_by(col(MentorAssignment.id))
    ).first()
    return PersonView(id=row.id, name=row.full_name or row.username, email=row.email) if row else None


@dataclasses.dataclass(frozen=True)
class LearnerView:
    id: int
    name: str
    email: str
    level: str
    sessions: int
    streak: int
    overall: float | None


def learners_of(session: Session, *, mentor_id: int) -> list[LearnerView]:
    """The mentor's active learners with their progress at a glance."""
    rows = session.exec(
        select(User, LearnerProgress)
        .join(MentorAssignment, MentorAssignment.learner_id == User.id)
        .join(LearnerProgress, LearnerProgress.user_id == User.id, isouter=True)
        .where(MentorAssignment.mentor_id == mentor_id, MentorAssignment.status == AssignmentStatus.ACTIVE.value)
        .order_by(col(User.full_name), col(User.username))
    ).all()
    return [
        LearnerView(
            id=u.id, name=u.full_name or u.username, email=u.email,
            level=(p.current_level if p else "") or "", sessions=(p.total_sessions if p else 0) or 0,
            streak=(p.current_streak if p else 0) or 0, overall=p.overall_score if p else None,
        )
        for u, p in rows
    ]


@dataclasses.dataclass(frozen=True)
class MentorSessionView:
    id: int
    learner: str
    topic: str
    started_at: object
    overall: float | None
    completed: bool


def sessions_with(session: Session, *, mentor_id: int, limit: int = 50) -> list[MentorSessionView]:
    """Practice sessions recorded with this mentor, newest first (the mentor may comment)."""
    rows = session.exec(
        select(PracticeSession, User)
        .join(User, User.id == PracticeSession.user_id)
        .where(PracticeSession.mentor_id == mentor_id, PracticeSession.session_type == PracticeSessionType.WITH_MENTOR.value)
        .order_by(col(PracticeSession.id).desc())
        .limit(max(1, min(limit, 200)))
    ).all()
    return [
        MentorSessionView(id=ps.id, learner=u.full_name or u.username, topic=ps.topic or "", started_at=ps.started_at,
                          overall=ps.overall_score, completed=ps.is_completed)
        for ps, u in rows
    ]
