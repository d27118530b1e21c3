"""The practice picker through the real event path: peer sessions name another learner only."""

from __future__ import annotations

from sqlmodel import select

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role, User, UserStatus
from aesp_app.models.learning import Subject, Topic
from aesp_app.models.practice import PracticeSession
from aesp_app.states.practice import PracticeTopicsState


def _topic_and_peer() -> tuple[int, str]:
    with session_scope() as session:
        subject = Subject(name="English Speaking")
        session.add(subject)
        session.flush()
        topic = Topic(subject_id=subject.id, title="Checking in at a Hotel", category="travel", difficulty="beginner")
        peer = User(username="peer1", email="peer1@aesp.test", password_hash="x", role=Role.LEARNER.value, status=UserStatus.ACTIVE.value)
        session.add_all([topic, peer])
        session.flush()
        return topic.id, peer.username


def test_learner_starts_a_peer_session_with_another_learner(browser_as, accounts):
    topic_id, peer = _topic_and_peer()
    result = browser_as("learner").call(PracticeTopicsState.start_with_peer, {"form": {"peer": peer, "topic_id": str(topic_id)}})
    with session_scope() as session:
        [row] = session.exec(select(PracticeSession)).all()
        assert (row.user_id, row.session_type) == (accounts["learner"], "peer_practice")
    assert result.redirects() == [f"/practice/room/{row.id}"]


def test_a_mentor_or_oneself_is_not_a_peer(browser_as, accounts):
    topic_id, _peer = _topic_and_peer()
    learner = browser_as("learner")
    for name in ("mentor1", "learner1", "nobody"):
        learner.call(PracticeTopicsState.start_with_peer, {"form": {"peer": name, "topic_id": str(topic_id)}})
    with session_scope() as session:
        assert session.exec(select(PracticeSession)).all() == []
