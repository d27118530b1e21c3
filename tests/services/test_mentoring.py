"""Mentors and learners: who a learner's mentor is, a mentor's learners and sessions."""

from __future__ import annotations

from aesp_app.models.accounts import Role, User, UserStatus
from aesp_app.models.mentoring import MentorAssignment
from aesp_app.models.practice import LearnerProgress, PracticeSession
from aesp_app.services import mentoring


def _user(session, name: str, role: Role, status: UserStatus = UserStatus.ACTIVE) -> User:
    user = User(username=name, email=f"{name}@aesp.test", role=role.value, status=status.value, password_hash="x", full_name=name.title())
    session.add(user)
    session.flush()
    return user


def test_learner_mentor_and_mentor_desk(session):
    mentor, other_mentor = _user(session, "mentorx", Role.MENTOR), _user(session, "mentory", Role.MENTOR)
    learner, loner = _user(session, "learnerx", Role.LEARNER), _user(session, "loner", Role.LEARNER)
    session.add(MentorAssignment(mentor_id=mentor.id, learner_id=learner.id))
    session.add(LearnerProgress(user_id=learner.id, total_sessions=3, current_streak=2, overall_score=71.4, current_level="intermediate"))
    session.add(PracticeSession(user_id=learner.id, mentor_id=mentor.id, session_type="with_mentor", topic="Hotel"))
    session.add(PracticeSession(user_id=learner.id, session_type="ai_only", topic="Alone"))
    session.commit()

    assert mentoring.active_mentor_for(session, learner_id=learner.id).id == mentor.id
    assert mentoring.active_mentor_for(session, learner_id=loner.id) is None
    [view] = mentoring.learners_of(session, mentor_id=mentor.id)
    assert (view.name, view.sessions, view.streak, view.level) == ("Learnerx", 3, 2, "intermediate")
    assert mentoring.learners_of(session, mentor_id=other_mentor.id) == []
    assert [s.topic for s in mentoring.sessions_with(session, mentor_id=mentor.id)] == ["Hotel"]
    assert mentoring.sessions_with(session, mentor_id=other_mentor.id) == []


def test_ended_assignment_or_banned_mentor_is_not_the_learners_mentor(session):
    mentor, banned = _user(session, "mentorz", Role.MENTOR), _user(session, "mentorb", Role.MENTOR, UserStatus.BANNED)
    learner, learner2 = _user(session, "learnerz", Role.LEARNER), _user(session, "learnerb", Role.LEARNER)
    session.add(MentorAssignment(mentor_id=mentor.id, learner_id=learner.id, status="ended"))
    session.add(MentorAssignment(mentor_id=banned.id, learner_id=learner2.id))
    session.commit()
    assert mentoring.active_mentor_for(session, learner_id=learner.id) is None
    assert mentoring.active_mentor_for(session, learner_id=learner2.id) is None
    assert mentoring.learners_of(session, mentor_id=mentor.id) == []
