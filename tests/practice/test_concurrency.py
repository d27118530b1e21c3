"""Several requests at once, each on its own connection (MariaDB/MySQL row locks): the monthly
limit is not overrun, a session ends once, answers to one session are all kept."""

from __future__ import annotations

import json
import threading
from collections import Counter

import pytest
from sqlmodel import Session, func, select

from aesp_app.models.gamification import XPLog
from aesp_app.models.practice import LearnerProgress, PracticeSession
from aesp_app.services import practice
from aesp_app.services.errors import ServiceError

from .conftest import PartnerDouble

THREADS = 8


def _mysql_only(engine) -> None:
    if engine.dialect.name != "mysql":
        pytest.skip("row locks are a MariaDB/MySQL matter; SQLite serialises writers")


def _all_at_once(engine, work) -> tuple[list, list[BaseException]]:
    barrier = threading.Barrier(THREADS)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as own:
                barrier.wait(timeout=30)
                try:
                    result = work(own, i)
                    own.commit()
                except ServiceError as err:
                    own.rollback()
                    result = err.code
            with lock:
                results.append(result)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_concurrent_starts_respect_the_monthly_limit(world, engine):
    _mysql_only(engine)
    uid, tid = world.learner.id, world.topic.id
    results, errors = _all_at_once(engine, lambda own, i: practice.start_session(
        own, user_id=uid, topic_id=tid, partner=PartnerDouble(), free_sessions_per_month=3).session_id)
    assert errors == []
    assert Counter(type(r).__name__ for r in results) == {"int": 3, "PracticeError": THREADS - 3}
    with Session(engine) as fresh:
        assert fresh.exec(select(func.count()).select_from(PracticeSession)).one() == 3


def test_concurrent_ends_reward_once(world, engine, partner):
    _mysql_only(engine)
    uid = world.learner.id
    sid = practice.start_session(world.session, user_id=uid, topic_id=world.topic.id, partner=partner).session_id
    practice.learner_text_turn(world.session, user_id=uid, session_id=sid, text="My name is Minh.", partner=partner)
    world.session.commit()
    results, errors = _all_at_once(engine, lambda own, i: practice.end_session(
        own, user_id=uid, session_id=sid, partner=PartnerDouble()).xp_awarded)
    assert errors == [] and len(set(results)) == 1 and results[0] > 0
    with Session(engine) as fresh:
        assert fresh.exec(select(func.count()).select_from(XPLog)).one() == 1
        progress = fresh.exec(select(LearnerProgress)).one()
        assert progress.total_sessions == 1 and progress.xp_points == results[0]


def test_concurrent_answers_are_all_kept_and_progress_rows_made_once(world, engine, partner):
    _mysql_only(engine)
    uid = world.learner.id
    sids = [practice.start_session(world.session, user_id=uid, topic_id=world.topic.id, partner=partner).session_id
            for _ in range(2)]
    world.session.commit()
    results, errors = _all_at_once(engine, lambda own, i: practice.learner_text_turn(
        own, user_id=uid, session_id=sids[0], text=f"Answer number {i}.", partner=PartnerDouble()).turn_index)
    assert errors == [] and len(results) == THREADS
    with Session(engine) as fresh:
        transcript = json.loads(fresh.get(PracticeSession, sids[0]).transcript)
    assert sorted(t["text"] for t in transcript if t["role"] == "learner") == sorted(f"Answer number {i}." for i in range(THREADS))
    # Two sessions of the same learner ending at once: one progress row, both counted.
    for sid in sids[1:]:
        practice.learner_text_turn(world.session, user_id=uid, session_id=sid, text="Hello there.", partner=partner)
    world.session.commit()
    results, errors = _all_at_once(engine, lambda own, i: practice.end_session(
        own, user_id=uid, session_id=sids[i % 2], partner=PartnerDouble()).id)
    assert errors == []
    with Session(engine) as fresh:
        progress = fresh.exec(select(LearnerProgress)).all()
        assert len(progress) == 1 and progress[0].total_sessions == 2
        assert fresh.exec(select(func.count()).select_from(XPLog)).one() == 2
