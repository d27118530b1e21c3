"""Practice sessions against a migrated database (SQLite, and MariaDB/MySQL with TEST_MYSQL_URL):
start, text and voice turns, drills, the report in every seed field, XP, progress, streaks,
limits, ownership, mentor feedback. Engines are test doubles here (see conftest.py)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlmodel import func, select

from aesp_app.models.commerce import Purchase, PurchaseStatus, ServicePackage
from aesp_app.models.gamification import XPLog
from aesp_app.models.learning import AIUsageLog, Topic, TopicProgress, UserStreak
from aesp_app.models.practice import LearnerProgress, PracticeSession
from aesp_app.services import practice
from aesp_app.services.errors import ServiceError
from aesp_app.services.practice import PracticeError, sessions as practice_sessions

from .conftest import DRILLS, PartnerDouble, make_topic, make_user, tone_wav, wav_of

UTC = dt.UTC


def code_of(call) -> PracticeError:
    with pytest.raises(ServiceError) as info:
        call()
    return info.value.code


def text_session(world, partner, *, user=None, answers=("My name is Minh.", "I am agree, the design team is good.")):
    user = user or world.learner
    started = practice.start_session(world.session, user_id=user.id, topic_id=world.topic.id, partner=partner)
    for text in answers:
        practice.learner_text_turn(world.session, user_id=user.id, session_id=started.session_id, text=text, partner=partner)
        world.session.commit()
    return started


def end(world, session_id, partner=None, user=None):
    report = practice.end_session(world.session, user_id=(user or world.learner).id, session_id=session_id, partner=partner)
    world.session.commit()
    return report


# --- topics -------------------------------------------------------------------------------


def test_topics_with_scenario_and_daily_challenge(world, clock):
    s = world.session
    make_topic(s, "Checking In at the Airport", category="travel", difficulty="beginner", daily=True)
    make_topic(s, "Negotiating a Salary", difficulty="advanced")
    s.commit()
    all_topics = practice.list_topics(s)
    assert [t.title for t in all_topics][-1] == "Negotiating a Salary"  # easiest first
    assert all(t.scenario_slug == "test-first-day" and t.drill_count == 2 for t in all_topics)
    travel = practice.list_topics(s, category="travel")
    assert [t.title for t in travel] == ["Checking In at the Airport"]
    assert travel[0].is_daily_challenge and travel[0].is_today_challenge
    assert [t.title for t in practice.list_topics(s, level="advanced")] == ["Negotiating a Salary"]
    assert practice.daily_challenge(s).title == "Checking In at the Airport"
    # Several flagged topics take turns day by day; none flagged: no challenge.
    make_topic(s, "Asking for Directions", category="travel", daily=True)
    s.commit()
    seen = set()
    for day in range(4):
        clock.set(dt.datetime(2026, 11, 20 + day, 3, tzinfo=UTC))
        seen.add(practice.daily_challenge(s).title)
    assert seen == {"Checking In at the Airport", "Asking for Directions"}
    for t in s.exec(select(Topic)).all():
        t.is_daily_challenge = False
    s.commit()
    assert practice.daily_challenge(s) is None


# --- a full text session ------------------------------------------------------------------


def test_text_session_report_fills_every_field(world, partner):
    s = world.session
    started = practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=partner)
    s.commit()
    assert started.opening == "Hi! I'm Linh. What's your name?" and started.step_index == 0
    assert started.drill_sentences == list(DRILLS)
    assert (started.sessions_used, started.sessions_allowed) == (1, practice_sessions.FREE_AI_SESSIONS_PER_MONTH)

    first = practice.learner_text_turn(s, user_id=world.learner.id, session_id=started.session_id,
                                       text="  My name is Minh.  ", partner=partner)
    assert first.learner_text == "My name is Minh."
    assert first.partner_text == "Which team are you joining?" and first.step_index == 1 and not first.finished
    assert first.feedback["grammar_errors"] == [] and first.recast == ""
    second = practice.learner_text_turn(s, user_id=world.learner.id, session_id=started.session_id,
                                        text="I am agree, the design team is good.", partner=partner)
    s.commit()
    assert second.finished and second.partner_text == "Well done!"
    assert second.recast == "I agree, the design team is good."  # the correction reached the partner
    assert second.feedback["grammar_errors"][0]["correction"] == "agree"
    reply_call = [c for c in partner.calls if c[0] == "reply"][-1][1]
    correction = reply_call[2][0]
    assert (correction.original, correction.corrected, correction.start, correction.end) == ("am agree", "agree", 2, 10)
    assert reply_call[3] == 3  # opening + 2 turns before

    report = end(world, started.session_id, partner)
    assert report.is_completed
    sc = report.scores
    assert sc["pronunciation"] is None and sc["fluency"] is None  # nothing was spoken
    assert 0 < sc["grammar"] < 100 and 0 <= sc["vocabulary"] <= 100
    assert sc["overall"] == pytest.approx((sc["grammar"] + sc["vocabulary"]) / 2, abs=0.1)
    err = report.grammar_errors[0]
    assert (err["text"], err["correction"]) == ("am agree", "agree") and err["explanation"]
    assert err["sentence"] == "I am agree, the design team is good."
    assert report.vocabulary["suggestions"][0]["word"] == "good"
    assert "excellent" in report.vocabulary["suggestions"][0]["alternatives"]
    assert set(report.vocabulary["cefr"]) == {"A1", "A2", "B1", "B2", "C1", "C2"}
    assert report.vocabulary["level"] in {"A1", "B2"}
    assert report.written_feedback.startswith("Good work.")
    assert [t["role"] for t in report.transcript] == ["partner", "learner", "partner", "learner", "partner"]

    row = s.get(PracticeSession, started.session_id)
    s.refresh(row)
    assert row.session_type == "ai_only" and row.topic == world.topic.title and row.topic_id == world.topic.id
    assert row.scenario == "Introducing yourself on your first day" and row.ai_engine == "test-double"
    assert row.started_at and row.ended_at and row.duration_minutes >= 1 and row.is_completed
    assert json.loads(row.grammar_errors)[0]["correction"] == "agree"
    assert json.loads(row.pronunciation_errors) == []
    assert json.loads(row.vocabulary_suggestions)[0]["word"] == "good"
    fb = json.loads(row.ai_feedback)
    assert fb["report"]["scores"]["overall"] == row.overall_score and fb["report"]["xp"] == report.xp_awarded
    assert row.grammar_score == sc["grammar"] and row.vocabulary_score == sc["vocabulary"]

    # XP, progress, streak, topic mastery
    xp = s.exec(select(XPLog).where(XPLog.user_id == world.learner.id)).all()
    assert len(xp) == 1 and xp[0].source_type == "practice" and xp[0].reference_id == started.session_id
    assert xp[0].xp_amount == round(100 * (0.5 + sc["overall"] / 200)) == report.xp_awarded
    progress = s.exec(select(LearnerProgress).where(LearnerProgress.user_id == world.learner.id)).one()
    assert progress.total_sessions == 1 and progress.xp_points == report.xp_awarded
    assert progress.overall_score == sc["overall"] and progress.grammar_score == sc["grammar"]
    assert progress.pronunciation_score == 0  # never measured yet
    assert progress.total_practice_hours == pytest.approx(1 / 60, abs=1e-3)  # counted at least a minute
    assert progress.current_streak == progress.longest_streak == 1
    assert progress.words_learned > 0
    assert progress.current_level in {"beginner", "intermediate", "advanced"}
    assert sum(v["sessions"] for v in json.loads(progress.weekly_stats).values()) == 1
    assert list(json.loads(progress.monthly_stats)) == ["2026-11"]
    streak = s.get(UserStreak, world.learner.id)
    assert streak.current_streak == 1 and streak.last_study_date == dt.date(2026, 11, 20)
    mastery = s.exec(select(TopicProgress).where(TopicProgress.user_id == world.learner.id)).one()
    assert mastery.mastery_score == Decimal(str(round(sc["overall"], 2)))

    assert [x.id for x in practice.list_sessions(s, user_id=world.learner.id, limit=10, offset=0)] == [started.session_id]
    again = practice.get_report(s, user_id=world.learner.id, session_id=started.session_id)
    assert again.scores == report.scores and again.grammar_errors == report.grammar_errors


def test_end_twice_changes_nothing(world, partner, clock):
    started = text_session(world, partner)
    first = end(world, started.session_id, partner)
    clock.advance(days=1)
    second = end(world, started.session_id, partner)
    s = world.session
    assert second.scores == first.scores and second.ended_at == first.ended_at and second.xp_awarded == first.xp_awarded
    assert s.exec(select(func.count()).select_from(XPLog)).one() == 1
    progress = s.exec(select(LearnerProgress)).one()
    assert progress.total_sessions == 1 and progress.current_streak == 1
    assert [c for c in partner.calls if c[0] == "feedback"].__len__() == 1
    # An ended session takes no more answers.
    assert code_of(lambda: practice.learner_text_turn(s, user_id=world.learner.id, session_id=started.session_id,
                                                      text="Hello", partner=partner)) == PracticeError.SESSION_FINISHED


def test_averages_and_words_over_sessions(world, partner, clock):
    a = text_session(world, partner, answers=("My colleague is good.",))
    ra = end(world, a.session_id, partner)
    clock.advance(hours=1)
    b = text_session(world, partner, answers=("My colleague is good. The department is big.",))
    rb = end(world, b.session_id, partner)
    progress = world.session.exec(select(LearnerProgress)).one()
    assert progress.total_sessions == 2
    assert progress.overall_score == pytest.approx((ra.scores["overall"] + rb.scores["overall"]) / 2, abs=0.1)
    assert progress.xp_points == ra.xp_awarded + rb.xp_awarded
    # "colleague", "good" were new in a; b adds "department" only ("big" has 3 letters: no content word here).
    assert progress.words_learned == 3


def test_session_without_answers_ends_without_rewards(world, partner):
    started = practice.start_session(world.session, user_id=world.learner.id, topic_id=world.topic.id, partner=partner)
    report = end(world, started.session_id, partner)
    assert report.is_completed and report.scores["overall"] is None and report.xp_awarded == 0
    assert report.duration_minutes == 0 and report.written_feedback == ""
    assert world.session.exec(select(func.count()).select_from(XPLog)).one() == 0
    assert world.session.exec(select(LearnerProgress)).first() is None


def test_text_validation(world, partner):
    s = world.session
    started = practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=partner)
    for bad in ("", "   \n ", None):
        assert code_of(lambda: practice.learner_text_turn(s, user_id=world.learner.id, session_id=started.session_id,
                                                          text=bad, partner=partner)) == PracticeError.TEXT_EMPTY
    with pytest.raises(ServiceError) as info:
        practice.learner_text_turn(s, user_id=world.learner.id, session_id=started.session_id, text="a" * 1001, partner=partner)
    assert info.value.code == PracticeError.TEXT_TOO_LONG and info.value.params == {"max": 1000}
    ok = practice.learner_text_turn(s, user_id=world.learner.id, session_id=started.session_id, text="a " * 500, partner=partner)
    assert len(ok.learner_text) == 999


def test_turn_limit(world, partner, monkeypatch):
    monkeypatch.setattr(practice_sessions, "MAX_LEARNER_TURNS", 2)
    started = text_session(world, partner, answers=("One.", "Two."))
    assert code_of(lambda: practice.learner_text_turn(world.session, user_id=world.learner.id, session_id=started.session_id,
                                                      text="Three.", partner=partner)) == PracticeError.TOO_MANY_TURNS


def test_usage_is_logged_when_the_partner_called_a_model(world):
    pytest.importorskip("aesp_app.services.ai_usage")
    partner = PartnerDouble(usage=True)
    started = text_session(world, partner, answers=("My name is Minh.",))
    end(world, started.session_id, partner)
    logs = world.session.exec(select(AIUsageLog).order_by(AIUsageLog.id)).all()
    assert [l.feature_type for l in logs] == ["conversation", "conversation", "feedback"]
    assert all(l.user_id == world.learner.id and l.total_tokens == 150 for l in logs)


# --- streaks --------------------------------------------------------------------------------


def _session_at(world, partner, clock, moment, user=None):
    clock.set(moment)
    started = text_session(world, partner, user=user, answers=("My name is Minh.",))
    clock.advance(minutes=5)
    end(world, started.session_id, partner, user=user)


def _streak(world, user=None):
    p = world.session.exec(select(LearnerProgress).where(LearnerProgress.user_id == (user or world.learner).id)).one()
    world.session.refresh(p)
    return p.current_streak, p.longest_streak


def test_streak_consecutive_same_day_and_gap(world, partner, clock):
    _session_at(world, partner, clock, dt.datetime(2026, 11, 10, 2, tzinfo=UTC))
    assert _streak(world) == (1, 1)
    _session_at(world, partner, clock, dt.datetime(2026, 11, 10, 9, tzinfo=UTC))  # same local day
    assert _streak(world) == (1, 1)
    _session_at(world, partner, clock, dt.datetime(2026, 11, 11, 2, tzinfo=UTC))  # next day
    assert _streak(world) == (2, 2)
    _session_at(world, partner, clock, dt.datetime(2026, 11, 12, 2, tzinfo=UTC))
    assert _streak(world) == (3, 3)
    _session_at(world, partner, clock, dt.datetime(2026, 11, 14, 2, tzinfo=UTC))  # a day missed
    assert _streak(world) == (1, 3)
    row = world.session.get(UserStreak, world.learner.id)
    world.session.refresh(row)
    assert (row.current_streak, row.longest_streak, row.last_study_date) == (1, 3, dt.date(2026, 11, 14))


def test_streak_follows_the_learners_time_zone(world, partner, clock):
    """16:30 and 17:30 UTC on the same UTC day are 23:35 and 00:35 in Ho Chi Minh City (UTC+7):
    two local days for the learner there, one day for a learner on UTC."""
    utc_user = make_user(world.session, "londoner", timezone="UTC")
    world.session.commit()
    for user in (world.learner, utc_user):
        _session_at(world, partner, clock, dt.datetime(2026, 11, 10, 16, 30, tzinfo=UTC), user=user)
        _session_at(world, partner, clock, dt.datetime(2026, 11, 10, 17, 30, tzinfo=UTC), user=user)
    assert _streak(world, world.learner) == (2, 2)
    assert _streak(world, utc_user) == (1, 1)
    assert world.session.get(UserStreak, world.learner.id).last_study_date == dt.date(2026, 11, 11)


# --- plan limits --------------------------------------------------------------------------


def _buy(world, *, max_sessions: int, advanced: bool, ends: dt.datetime | None = None, status="completed"):
    s = world.session
    package = ServicePackage(name=f"P{max_sessions}", price=Decimal("199000"), duration_days=30,
                             has_ai_advanced=advanced, max_sessions_per_month=max_sessions)
    s.add(package)
    s.flush()
    s.add(Purchase(user_id=world.learner.id, package_id=package.id, amount=Decimal("199000"), status=status,
                   start_date=dt.datetime(2026, 11, 1, tzinfo=UTC), end_date=ends or dt.datetime(2026, 12, 1, tzinfo=UTC)))
    s.commit()


def test_monthly_limit_and_package_raise_it(world, partner, clock):
    s = world.session
    start = lambda: practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=partner,  # noqa: E731
                                           free_sessions_per_month=2)
    start(), start()
    s.commit()
    with pytest.raises(ServiceError) as info:
        start()
    assert info.value.code == PracticeError.LIMIT_REACHED and info.value.params == {"limit": 2}
    from aesp_app.i18n import EN, VI
    assert "2" in EN[info.value.message_key].format(**info.value.params)
    assert "2" in VI[info.value.message_key].format(**info.value.params)
    # Mentor and peer sessions are not AI sessions: no limit.
    practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=None,
                           session_type="with_mentor", mentor_id=world.mentor.id)
    # An expired or unpaid purchase does not count; an active one raises the allowance.
    _buy(world, max_sessions=30, advanced=False, ends=dt.datetime(2026, 11, 15, tzinfo=UTC))
    _buy(world, max_sessions=30, advanced=False, status=PurchaseStatus.PENDING.value)
    assert code_of(start) == PracticeError.LIMIT_REACHED
    _buy(world, max_sessions=3, advanced=False)
    assert start().sessions_allowed == 3
    assert code_of(start) == PracticeError.LIMIT_REACHED
    # A new month (local time: 1 December 00:30 in Ho Chi Minh City is still 30 November in UTC).
    clock.set(dt.datetime(2026, 11, 30, 17, 30, tzinfo=UTC))
    assert start().sessions_used == 1


def test_default_free_allowance(world, partner):
    s = world.session
    for _ in range(practice_sessions.FREE_AI_SESSIONS_PER_MONTH):
        practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=partner)
    assert code_of(lambda: practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id,
                                                  partner=partner)) == PracticeError.LIMIT_REACHED


def test_advanced_topics_need_advanced_ai(world, partner):
    s = world.session
    hard = make_topic(s, "Negotiating a Salary", difficulty="advanced")
    s.commit()
    assert code_of(lambda: practice.start_session(s, user_id=world.learner.id, topic_id=hard.id,
                                                  partner=partner)) == PracticeError.ADVANCED_REQUIRED
    _buy(world, max_sessions=30, advanced=True)
    assert practice.start_session(s, user_id=world.learner.id, topic_id=hard.id, partner=partner).session_id


def test_start_refusals(world, partner):
    s = world.session
    uid = world.learner.id
    inactive = make_topic(s, "Old topic")
    inactive.is_active = False
    s.commit()
    assert code_of(lambda: practice.start_session(s, user_id=uid, topic_id=inactive.id, partner=partner)) == PracticeError.TOPIC_NOT_FOUND
    assert code_of(lambda: practice.start_session(s, user_id=uid, topic_id=99999, partner=partner)) == PracticeError.TOPIC_NOT_FOUND
    assert code_of(lambda: practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=partner,
                                                  session_type="group")) == PracticeError.SESSION_TYPE_INVALID
    assert code_of(lambda: practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=None)) == PracticeError.PARTNER_UNAVAILABLE
    for mentor_id in (None, world.other.id, uid):
        assert code_of(lambda: practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=partner,
                                                      session_type="with_mentor", mentor_id=mentor_id)) == PracticeError.MENTOR_INVALID


# --- ownership ----------------------------------------------------------------------------


def test_another_users_session_is_not_found_everywhere(world, partner, speech_double):
    s = world.session
    started = text_session(world, partner, answers=("My name is Minh.",))
    sid, other = started.session_id, world.other.id
    calls = [
        lambda: practice.get_report(s, user_id=other, session_id=sid),
        lambda: practice.learner_text_turn(s, user_id=other, session_id=sid, text="Hi", partner=partner),
        lambda: practice.learner_audio_turn(s, user_id=other, session_id=sid, audio=speech_double.say("Hi"),
                                            partner=partner, speech=speech_double),
        lambda: practice.drill_attempt(s, user_id=other, session_id=sid, sentence_index=0,
                                       audio=speech_double.say(DRILLS[0]), speech=speech_double),
        lambda: practice.session_audio(s, user_id=other, session_id=sid),
        lambda: practice.turn_audio(s, user_id=other, session_id=sid, turn_index=1),
        lambda: practice.partner_voice(s, user_id=other, session_id=sid, turn_index=0, speech=speech_double),
        lambda: practice.end_session(s, user_id=other, session_id=sid, partner=partner),
        lambda: practice.add_mentor_feedback(s, mentor_id=other, session_id=sid, text="Nice"),
        lambda: practice.get_report(s, user_id=world.learner.id, session_id=sid + 1000),
    ]
    for call in calls:
        assert code_of(call) == PracticeError.SESSION_NOT_FOUND
    assert practice.list_sessions(s, user_id=other, limit=10, offset=0) == []
    assert not s.get(PracticeSession, sid).is_completed


def test_list_sessions_newest_first_with_paging(world, partner, clock):
    ids = []
    for _ in range(3):
        ids.append(practice.start_session(world.session, user_id=world.learner.id, topic_id=world.topic.id,
                                          partner=partner).session_id)
        clock.advance(minutes=1)
    world.session.commit()
    page = practice.list_sessions(world.session, user_id=world.learner.id, limit=2, offset=0)
    assert [p.id for p in page] == ids[::-1][:2]
    assert [p.id for p in practice.list_sessions(world.session, user_id=world.learner.id, limit=2, offset=2)] == [ids[0]]
    assert page[0].started_at.tzinfo is not None and not page[0].has_audio


# --- voice turns and drills with the speech double ----------------------------------------


def test_audio_turn_drill_and_replay(world, partner, speech_double):
    s = world.session
    uid = world.learner.id
    started = practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=partner)
    turn = practice.learner_audio_turn(s, user_id=uid, session_id=started.session_id, audio=speech_double.say("My name is Minh."),
                                       filename="answer.webm", content_type="audio/webm", partner=partner, speech=speech_double)
    s.commit()
    assert turn.learner_text == "My name is Minh." and turn.partner_text == "Which team are you joining?"
    assert turn.feedback["speech"]["pronunciation_score"] == 90
    assert turn.feedback["speech"]["fluency"]["wpm"] == 120.0

    swapped = DRILLS[0].replace("think", "sink")
    drill = practice.drill_attempt(s, user_id=uid, session_id=started.session_id, sentence_index=0,
                                   audio=speech_double.say(swapped), speech=speech_double)
    assert [w["word"] for w in drill.flagged] == ["think"] and drill.flagged[0]["heard"] == "sink"
    assert drill.attempts == 1 and drill.best_score == drill.pronunciation_score
    better = practice.drill_attempt(s, user_id=uid, session_id=started.session_id, sentence_index=0,
                                    audio=speech_double.say(DRILLS[0]), speech=speech_double)
    assert better.flagged == [] and better.attempts == 2 and better.best_score == 90
    s.commit()
    for bad in (-1, 2, "0"):
        assert code_of(lambda: practice.drill_attempt(s, user_id=uid, session_id=started.session_id, sentence_index=bad,
                                                      audio=speech_double.say("x"), speech=speech_double)) == PracticeError.DRILL_NOT_FOUND

    # Replay: the whole recording, one answer, one drill reading, the partner's voice.
    data, ctype, name = practice.session_audio(s, user_id=uid, session_id=started.session_id)
    assert ctype == "audio/wav" and name == f"practice-{started.session_id}.wav" and data[:4] == b"RIFF"
    one, _, _ = practice.turn_audio(s, user_id=uid, session_id=started.session_id, turn_index=turn.turn_index)
    assert abs(len(one) - len(tone_wav(1.5))) < 400
    assert len(data) > 2.5 * len(one)  # three pieces
    last, _, _ = practice.drill_audio(s, user_id=uid, session_id=started.session_id, sentence_index=0)
    assert last[:4] == b"RIFF"
    assert code_of(lambda: practice.turn_audio(s, user_id=uid, session_id=started.session_id, turn_index=0)) == PracticeError.AUDIO_NOT_FOUND
    assert code_of(lambda: practice.turn_audio(s, user_id=uid, session_id=started.session_id, turn_index=99)) == PracticeError.TURN_NOT_FOUND
    assert practice.partner_voice(s, user_id=uid, session_id=started.session_id, turn_index=0, speech=speech_double)[:4] == b"RIFF"

    report = end(world, started.session_id, partner)
    # Pronunciation: mean of the voice turn (90) and the best reading of drill 0 (90).
    assert report.scores["pronunciation"] == 90 and report.scores["fluency"] == 80
    assert report.fluency["wpm"] == 120.0 and report.fluency["fillers"] == 2 and report.fluency["pauses"] == 0
    assert report.flagged_words == []  # the best attempt of the drill had none
    assert report.has_audio and report.drills[0]["attempts"] == 2
    row = s.get(PracticeSession, started.session_id)
    assert row.audio_filename == f"practice-{started.session_id}.wav" and row.audio_content_type == "audio/wav"
    assert row.pronunciation_score == 90 and row.fluency_score == 80
    assert practice.list_sessions(s, user_id=uid, limit=5, offset=0)[0].has_audio


def test_flagged_words_reach_the_report(world, partner, speech_double):
    s = world.session
    uid = world.learner.id
    started = practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=partner)
    practice.drill_attempt(s, user_id=uid, session_id=started.session_id, sentence_index=1,
                           audio=speech_double.say(DRILLS[1].replace("house", "mouse")), speech=speech_double)
    report = end(world, started.session_id, partner)
    assert [(w["word"], w["heard"], w["expected"]) for w in report.flagged_words] == [("house", "mouse", "/house/")]
    assert report.flagged_words[0]["sentence"] == DRILLS[1] and report.flagged_words[0]["source"] == "drill"
    assert json.loads(s.get(PracticeSession, started.session_id).pronunciation_errors)[0]["word"] == "house"
    assert report.scores["grammar"] is None and report.scores["overall"] is not None and report.xp_awarded > 0


def test_bad_audio_is_refused_with_the_engine_codes(world, partner, speech_double):
    import numpy as np

    s = world.session
    uid = world.learner.id
    sid = practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=partner).session_id
    turn = lambda data: practice.learner_audio_turn(s, user_id=uid, session_id=sid, audio=data,  # noqa: E731
                                                    partner=partner, speech=speech_double)
    assert code_of(lambda: turn(wav_of(np.zeros(32000, dtype=np.float32)))) == PracticeError.AUDIO_SILENCE
    assert code_of(lambda: turn(b"")) == PracticeError.AUDIO_EMPTY
    assert code_of(lambda: turn(b"\0" * (5 * 1024 * 1024 + 1))) == PracticeError.AUDIO_TOO_LARGE
    assert code_of(lambda: turn(b"this is a text file, not a recording" * 10)) == PracticeError.AUDIO_NOT_AUDIO
    assert code_of(lambda: turn(tone_wav(61))) == PracticeError.AUDIO_TOO_LONG
    # Nothing was stored by the refused answers.
    row = s.get(PracticeSession, sid)
    assert [t["role"] for t in json.loads(row.transcript)] == ["partner"] and row.audio_recording is None


def test_recording_stops_growing_at_its_cap(world, partner, speech_double, monkeypatch):
    from aesp_app.services.practice import recording

    monkeypatch.setattr(recording, "MAX_SECONDS", 2.5)
    s = world.session
    uid = world.learner.id
    sid = practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=partner).session_id
    first = practice.learner_audio_turn(s, user_id=uid, session_id=sid, audio=speech_double.say("My name is Minh."),
                                        partner=partner, speech=speech_double)
    second = practice.learner_audio_turn(s, user_id=uid, session_id=sid, audio=speech_double.say("The design team."),
                                         partner=partner, speech=speech_double)
    assert second.learner_text == "The design team."  # still answered and scored
    transcript = json.loads(s.get(PracticeSession, sid).transcript)
    assert "audio" in transcript[first.turn_index] and "audio" not in transcript[second.turn_index]


# --- mentors and peers --------------------------------------------------------------------


def test_mentor_session_and_feedback_permissions(world):
    s = world.session
    started = practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=None,
                                     session_type="with_mentor", mentor_id=world.mentor.id)
    assert started.opening == "" and started.sessions_allowed is None
    turn = practice.learner_text_turn(s, user_id=world.learner.id, session_id=started.session_id,
                                      text="I am agree with the plan.", partner=None)
    assert turn.partner_text == "" and turn.feedback["grammar_errors"]
    report = end(world, started.session_id)
    assert report.mentor_id == world.mentor.id and report.session_type == "with_mentor" and report.xp_awarded > 0

    sid = started.session_id
    notes = practice.add_mentor_feedback(s, mentor_id=world.mentor.id, session_id=sid, text="  Watch “agree”.  ")
    assert notes[-1]["text"] == "Watch “agree”." and notes[-1]["mentor_id"] == world.mentor.id
    assert code_of(lambda: practice.add_mentor_feedback(s, mentor_id=world.learner.id, session_id=sid,
                                                        text="Me")) == PracticeError.NOT_SESSION_MENTOR
    other_mentor = make_user(s, "mentor2", role="mentor")
    assert code_of(lambda: practice.add_mentor_feedback(s, mentor_id=other_mentor.id, session_id=sid,
                                                        text="Hi")) == PracticeError.SESSION_NOT_FOUND
    assert code_of(lambda: practice.add_mentor_feedback(s, mentor_id=world.mentor.id, session_id=sid,
                                                        text=" ")) == PracticeError.FEEDBACK_EMPTY
    assert code_of(lambda: practice.add_mentor_feedback(s, mentor_id=world.mentor.id, session_id=sid,
                                                        text="x" * 2001)) == PracticeError.FEEDBACK_TOO_LONG
    practice.add_mentor_feedback(s, mentor_id=world.admin.id, session_id=sid, text="Admin note", is_admin=True)
    s.commit()
    seen = practice.get_report(s, user_id=world.learner.id, session_id=sid).mentor_feedback
    assert [n["text"] for n in seen] == ["Watch “agree”.", "Admin note"] and seen[1]["by_admin"]
    # The session's mentor may read the report; another mentor may not.
    assert practice.get_report(s, user_id=world.mentor.id, session_id=sid).id == sid
    assert code_of(lambda: practice.get_report(s, user_id=other_mentor.id, session_id=sid)) == PracticeError.SESSION_NOT_FOUND
    assert practice.get_report(s, user_id=world.admin.id, session_id=sid, is_admin=True).id == sid
    # Mentor feedback on an AI-only session: no mentor, so only an admin.
    ai = text_session(world, PartnerDouble(), answers=("Hello there.",))
    assert code_of(lambda: practice.add_mentor_feedback(s, mentor_id=world.mentor.id, session_id=ai.session_id,
                                                        text="Hi")) == PracticeError.SESSION_NOT_FOUND


def test_peer_session_records_the_peer(world, partner):
    s = world.session
    started = practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=partner,
                                     session_type="peer_practice", peer_id=world.other.id)
    row = s.get(PracticeSession, started.session_id)
    assert row.session_type == "peer_practice" and row.mentor_id is None
    assert json.loads(row.ai_feedback)["peer_id"] == world.other.id
    assert code_of(lambda: practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=partner,
                                                  session_type="peer_practice", mentor_id=world.mentor.id)) == PracticeError.MENTOR_INVALID
    for peer in (world.learner.id, 99999):
        assert code_of(lambda: practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=partner,
                                                      session_type="peer_practice", peer_id=peer)) == PracticeError.PEER_INVALID
    assert code_of(lambda: practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=partner,
                                                  peer_id=world.other.id)) == PracticeError.PEER_INVALID  # not a peer session


# --- messages -----------------------------------------------------------------------------


def test_every_code_has_english_and_vietnamese_messages():
    import string

    from aesp_app.i18n import EN, VI

    codes = {c.value for c in PracticeError}
    assert codes <= set(EN) and codes <= set(VI)
    for key in codes:
        fields = lambda text: {f for _, f, _, _ in string.Formatter().parse(text) if f}  # noqa: E731
        assert fields(EN[key]) == fields(VI[key]), key
    assert "không nghe thấy" in VI[PracticeError.AUDIO_SILENCE.value].lower()
    assert "could not hear you" in EN[PracticeError.AUDIO_SILENCE.value]


def test_daily_challenge_earns_a_bonus(world, partner):
    s = world.session
    challenge = make_topic(s, "Checking In at the Airport", category="travel", daily=True)
    s.commit()
    plain = text_session(world, partner, answers=("My name is Minh.",))
    r1 = end(world, plain.session_id, partner)
    started = practice.start_session(s, user_id=world.learner.id, topic_id=challenge.id, partner=partner)
    practice.learner_text_turn(s, user_id=world.learner.id, session_id=started.session_id, text="My name is Minh.", partner=partner)
    r2 = end(world, started.session_id, partner)
    assert r1.scores["overall"] == r2.scores["overall"]
    assert r2.xp_awarded == round(r1.xp_awarded * practice_sessions.DAILY_CHALLENGE_BONUS)


def test_a_full_recording_is_stored_and_read_back(world, partner):
    """Four minutes of quiet audio (many zero bytes, which the driver escapes to two bytes each)
    fit in one statement on every back end."""
    import numpy as np

    from aesp_app.services.practice import recording

    s = world.session
    sid = practice.start_session(s, user_id=world.learner.id, topic_id=world.topic.id, partner=partner).session_id
    row = s.get(PracticeSession, sid)
    rng = np.random.default_rng(7)
    data = None
    for _ in range(4):
        quiet = wav_of((rng.standard_normal(59 * 16000) * 2e-5).astype(np.float32))
        appended = recording.append(data, quiet)
        assert appended is not None
        data = appended[0]
    assert recording.append(data, tone_wav(3.0)) is None  # over the cap
    row.audio_recording, row.audio_filename, row.audio_content_type = data, "practice.wav", "audio/wav"
    s.commit()
    s.expire_all()
    stored, ctype, _ = practice.session_audio(s, user_id=world.learner.id, session_id=sid)
    assert stored == data and ctype == "audio/wav" and recording.duration(stored) > 236


def test_json_columns_stay_within_text_limits(world, partner, speech_double, monkeypatch):
    """TEXT holds 64 kB on MySQL: long lists are cut, feedback detail goes before mentor notes."""
    from aesp_app.services.practice import analysis

    monkeypatch.setattr(analysis, "MAX_GRAMMAR", 10_000)
    s = world.session
    uid = world.learner.id
    started = practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=None,
                                     session_type="with_mentor", mentor_id=world.mentor.id)
    sid = started.session_id
    long_text = ("I am agree. " * 84)[:1000]
    for _ in range(3):
        practice.learner_text_turn(s, user_id=uid, session_id=sid, text=long_text, partner=None)
    for index in (0, 1):
        practice.drill_attempt(s, user_id=uid, session_id=sid, sentence_index=index,
                               audio=speech_double.say(DRILLS[index]), speech=speech_double)
    s.commit()
    report = end(world, sid)
    row = s.get(PracticeSession, sid)
    assert 10 < len(json.loads(row.grammar_errors)) < 3 * 84 and len(row.grammar_errors.encode()) <= 60_000
    assert report.grammar_errors == json.loads(row.grammar_errors)
    note = "Phát âm rõ ràng hơn nhé, nhiều lỗi về thì của động từ. " * 40
    for _ in range(12):
        practice.add_mentor_feedback(s, mentor_id=world.mentor.id, session_id=sid, text=note[:2000])
        s.commit()
    s.expire_all()
    row = s.get(PracticeSession, sid)
    fb = json.loads(row.ai_feedback)
    assert len(row.ai_feedback.encode()) <= 60_000
    assert 5 <= len(fb["mentor_feedback"]) <= 10 and fb["report"]["scores"]["overall"] == report.scores["overall"]
    assert [d["sentence_index"] for d in fb["drills"]] == [0, 1]


def test_feedback_trimming_order():
    word = {"word": "think", "score": 90, "error": False}
    bad = {"word": "coffee", "score": 10, "error": True}
    attempt = lambda score: {"pronunciation_score": score, "words": [word] * 30 + [bad]}  # noqa: E731
    feedback = {
        "drills": [{"sentence_index": 0, "attempts": 2, "best": attempt(80), "last": attempt(40)}],
        "words_used": [f"word{i}" for i in range(400)],
        "mentor_feedback": [{"text": "ệ" * 500, "n": i} for i in range(10)],
        "report": {"scores": {"overall": 70}},
    }
    size = lambda text: len(text.encode())  # noqa: E731
    full = size(practice_sessions._dump(feedback))
    trimmed = json.loads(practice_sessions._dump_feedback(json.loads(json.dumps(feedback)), limit=full - 100))
    assert trimmed["drills"][0]["last"]["pronunciation_score"] == 80 and len(trimmed["mentor_feedback"]) == 10
    small = json.loads(practice_sessions._dump_feedback(json.loads(json.dumps(feedback)), limit=12_000))
    assert small["drills"][0]["best"]["words"] == [bad] and len(small["words_used"]) == 100
    assert 0 < len(small["mentor_feedback"]) < 10 and small["mentor_feedback"][-1]["n"] == 9
    assert small["report"] == feedback["report"]
    assert json.loads(practice_sessions._dump_list([{"x": "a" * 100}] * 50, limit=1000)) == [{"x": "a" * 100}] * 9


def test_drill_attempt_cap_and_ended_sessions(world, partner, speech_double, monkeypatch):
    monkeypatch.setattr(practice_sessions, "MAX_DRILL_ATTEMPTS", 2)
    s = world.session
    uid = world.learner.id
    sid = practice.start_session(s, user_id=uid, topic_id=world.topic.id, partner=partner).session_id
    drill = lambda: practice.drill_attempt(s, user_id=uid, session_id=sid, sentence_index=0,  # noqa: E731
                                           audio=speech_double.say(DRILLS[0]), speech=speech_double)
    drill(), drill()
    with pytest.raises(ServiceError) as info:
        drill()
    assert info.value.code == PracticeError.TOO_MANY_TURNS and info.value.params == {"max": 2}
    end(world, sid, partner)
    assert code_of(drill) == PracticeError.SESSION_FINISHED
    assert code_of(lambda: practice.learner_audio_turn(s, user_id=uid, session_id=sid, audio=speech_double.say("Hi"),
                                                       partner=partner, speech=speech_double)) == PracticeError.SESSION_FINISHED
