"""The practice room: start a session with the partner's opening, answer by text or voice,
"repeat after me" drills, end with a report and its rewards, past sessions, replay, mentor
feedback. No `import reflex`; every function takes the Session and flushes, the caller commits.

A session's documents (all JSON in practice_sessions):
- transcript: list of turns. Partner: {role: "partner", text, at, step, finished, recast,
  engine}. Learner: {role: "learner", text, at, mode: "text"|"voice", feedback: {grammar,
  vocabulary…}, speech: {pronunciation, fluency, words} (voice only), audio: {start, end} (voice,
  when kept)}.
- ai_feedback: {scenario_slug, last_activity_at, drills: [{sentence_index, target, attempts,
  best, last}], report: {scores, vocabulary, fluency, written_feedback, xp}, words_used,
  mentor_feedback: [{mentor_id, text, at}], peer_id}.
- pronunciation_errors / grammar_errors / vocabulary_suggestions: the report's three lists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from aesp_app.integrations.ai import ConversationPartner, Correction, PartnerReply, Scenario, Turn, Usage
from aesp_app.integrations.language.feedback import analyze_text
from aesp_app.integrations.speech.audio import MAX_BYTES, AudioError
from aesp_app.models.accounts import Role, User, UserStatus
from aesp_app.models.base import utcnow
from aesp_app.models.commerce import Purchase, PurchaseStatus, ServicePackage
from aesp_app.models.gamification import XPLog, XPSource
from aesp_app.models.learning import AIFeature, Difficulty, Topic, TopicProgress, UserStreak
from aesp_app.models.practice import LearnerLevel, LearnerProgress, PracticeSession, PracticeSessionType
from aesp_app.services.clock import DEFAULT_ZONE, is_valid_zone, to_local
from aesp_app.services.errors import ServiceError
from aesp_app.services.practice import analysis, recording
from aesp_app.services.practice.errors import AUDIO_CODES, PracticeError
from aesp_app.services.practice.topics import daily_challenge, get_scenario, scenario_for

# --- rules (docs/practice.md) -------------------------------------------------------------
# AI sessions a month without a package; an active package's max_sessions_per_month raises it.
FREE_AI_SESSIONS_PER_MONTH = 5
MAX_TEXT_CHARS = 1000
MAX_LEARNER_TURNS = 40
MAX_FEEDBACK_CHARS = 2000
MAX_MENTOR_NOTES = 10
MAX_DRILL_ATTEMPTS = 20  # per sentence
# Time counted for a session: start to the learner's last answer, at most this long.
MAX_COUNTED_MINUTES = 120
# XP = topic xp_reward x (0.5 + overall/200): half for showing up, half for the score.
DEFAULT_XP_REWARD = 100
DAILY_CHALLENGE_BONUS = 1.5
STATS_KEEP = 12  # weeks in weekly_stats, months in monthly_stats
WORDS_LOOKBACK = 100  # sessions read to tell a new word from a known one


# --- results ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StartResult:
    session_id: int
    scenario_slug: str | None
    scenario_title: str | None
    opening: str
    step_index: int
    drill_sentences: list[str]
    sessions_used: int  # AI sessions this month, this one included
    sessions_allowed: int | None  # None: not an AI session (no limit applies)


@dataclasses.dataclass(frozen=True)
class TurnResult:
    turn_index: int  # the learner turn's index in the transcript
    learner_text: str
    partner_text: str  # "" when no partner answers (mentor and peer sessions)
    partner_turn_index: int | None
    recast: str
    step_index: int
    finished: bool
    feedback: dict[str, Any]  # grammar errors, vocabulary; for voice also pronunciation/fluency


@dataclasses.dataclass(frozen=True)
class DrillResult:
    sentence_index: int
    target: str
    transcript: str
    pronunciation_score: int
    fluency_score: int
    words: list[dict[str, Any]]  # every target word: score, error, issue, expected, heard
    flagged: list[dict[str, Any]]
    attempts: int
    best_score: int


@dataclasses.dataclass(frozen=True)
class SessionSummary:
    id: int
    topic: str | None
    topic_id: int | None
    scenario: str | None
    session_type: str
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    duration_minutes: int
    overall_score: float | None
    is_completed: bool
    has_audio: bool


@dataclasses.dataclass(frozen=True)
class SessionReport:
    id: int
    user_id: int
    mentor_id: int | None
    topic: str | None
    topic_id: int | None
    scenario: str | None
    scenario_slug: str | None
    session_type: str
    is_completed: bool
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    duration_minutes: int
    scores: dict[str, float | None]  # pronunciation, grammar, vocabulary, fluency, overall
    flagged_words: list[dict[str, Any]]  # word, expected (IPA), heard, issue, sentence
    grammar_errors: list[dict[str, Any]]  # text, correction, explanation, sentence
    vocabulary: dict[str, Any]  # level, cefr mix, suggestions
    fluency: dict[str, Any]  # wpm, pauses, longest_pause, fillers, filler_words
    written_feedback: str
    mentor_feedback: list[dict[str, Any]]
    xp_awarded: int
    transcript: list[dict[str, Any]]
    drills: list[dict[str, Any]]
    has_audio: bool
    ai_engine: str | None


# --- helpers ------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return utcnow()


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _parse(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _load(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# TEXT columns hold 65 535 bytes on MySQL; JSON is kept below this (UTF-8, not ASCII-escaped).
TEXT_BYTES = 60_000


def _size(value: Any) -> int:
    return len(_dump(value).encode("utf-8"))


def _dump_list(items: list[Any], limit: int = TEXT_BYTES) -> str:
    """The longest prefix of `items` whose JSON fits in a TEXT column."""
    kept: list[Any] = []
    size = 2
    for item in items:
        size += _size(item) + 1
        if size > limit:
            break
        kept.append(item)
    return _dump(kept)


def _dump_feedback(feedback: dict[str, Any], limit: int = TEXT_BYTES) -> str:
    """ai_feedback as JSON that fits in its TEXT column. When it would not, detail goes first:
    the drills' last attempts (the best stay), then the words of each drill reading, then the
    list of words used, then the oldest mentor notes."""
    if _size(feedback) <= limit:
        return _dump(feedback)
    drills = feedback.get("drills") or []
    for d in drills:
        d["last"] = d["best"]
    for d in drills:
        if _size(feedback) <= limit:
            break
        for key in ("best", "last"):
            d[key] = {k: v for k, v in d[key].items() if k != "words"} | {
                "words": [w for w in d[key].get("words", []) if w.get("error")]
            }
    if _size(feedback) > limit:
        feedback["words_used"] = (feedback.get("words_used") or [])[:100]
    notes = feedback.get("mentor_feedback") or []
    while notes and _size(feedback) > limit:
        notes.pop(0)
    return _dump(feedback)


def _user_zone(user: User | None) -> str:
    zone = user.timezone if user else None
    return zone if zone and is_valid_zone(zone) else DEFAULT_ZONE


def _get_session(session: Session, session_id: int, *, lock: bool = False) -> PracticeSession | None:
    query = select(PracticeSession).where(PracticeSession.id == session_id).options(defer(PracticeSession.audio_recording))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def _owned(session: Session, user_id: int, session_id: int, *, lock: bool = False) -> PracticeSession:
    """The learner's own session; anyone else's (or none) is "not found"."""
    ps = _get_session(session, session_id, lock=lock)
    if ps is None or ps.user_id != user_id:
        raise ServiceError(PracticeError.SESSION_NOT_FOUND)
    return ps


def _open(session: Session, user_id: int, session_id: int) -> PracticeSession:
    ps = _owned(session, user_id, session_id, lock=True)
    if ps.is_completed:
        raise ServiceError(PracticeError.SESSION_FINISHED)
    return ps


def _check_open(session: Session, user_id: int, session_id: int) -> PracticeSession:
    """The same checks as `_open` without the lock: run before the slow speech work, which should
    not hold the row (the row is locked and checked again to write)."""
    ps = _owned(session, user_id, session_id)
    if ps.is_completed:
        raise ServiceError(PracticeError.SESSION_FINISHED)
    return ps


def _scenario(ps: PracticeSession, feedback: dict[str, Any]) -> Scenario | None:
    return get_scenario(feedback.get("scenario_slug"))


def _history(transcript: list[dict[str, Any]]) -> list[Turn]:
    return [Turn(role=t["role"], text=t["text"]) for t in transcript if t.get("role") in ("partner", "learner")]


def _step(transcript: list[dict[str, Any]]) -> int:
    for t in reversed(transcript):
        if t.get("role") == "partner":
            return int(t.get("step") or 0)
    return 0


def _log_usage(session: Session, user_id: int, feature: AIFeature, usage: Usage | None) -> None:
    if usage is None:
        return
    from aesp_app.services.ai_usage import log_usage
    from aesp_app.settings import get_settings

    log_usage(session, user_id=user_id, feature_type=feature.value, usage=usage, settings=get_settings())


def _partner_entry(reply: PartnerReply, at: dt.datetime) -> dict[str, Any]:
    return {"role": "partner", "text": reply.text, "at": _iso(at), "step": reply.step_index,
            "finished": reply.finished, "recast": reply.recast, "engine": reply.engine}


def _active_packages(session: Session, user_id: int, now: dt.datetime) -> list[ServicePackage]:
    query = (
        select(ServicePackage)
        .join(Purchase, col(Purchase.package_id) == col(ServicePackage.id))
        .where(
            Purchase.user_id == user_id,
            Purchase.status == PurchaseStatus.COMPLETED.value,
            (col(Purchase.start_date).is_(None)) | (col(Purchase.start_date) <= now),
            (col(Purchase.end_date).is_(None)) | (col(Purchase.end_date) > now),
        )
    )
    return list(session.exec(query).all())


def monthly_allowance(session: Session, *, user_id: int, free_sessions: int | None = None,
                      now: dt.datetime | None = None) -> tuple[int, bool]:
    """(AI sessions allowed this month, has advanced AI): the free allowance, raised to the
    largest max_sessions_per_month of the learner's active packages."""
    packages = _active_packages(session, user_id, now or _now())
    free = FREE_AI_SESSIONS_PER_MONTH if free_sessions is None else free_sessions
    allowed = max([free] + [p.max_sessions_per_month for p in packages])
    return allowed, any(p.has_ai_advanced for p in packages)


def sessions_this_month(session: Session, *, user_id: int, zone: str, now: dt.datetime | None = None,
                        locking: bool = False) -> int:
    """AI-only sessions started since the first day of this month in the learner's time zone.
    `locking` reads the latest committed rows (a plain read may see the transaction's snapshot)."""
    local = to_local(now or _now(), zone)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)
    where = (
        PracticeSession.user_id == user_id,
        PracticeSession.session_type == PracticeSessionType.AI_ONLY.value,
        col(PracticeSession.started_at) >= month_start,
    )
    if locking:
        return len(session.exec(select(PracticeSession.id).where(*where).with_for_update()).all())
    return int(session.exec(select(func.count()).select_from(PracticeSession).where(*where)).one())


# --- start --------------------------------------------------------------------------------


def start_session(
    session: Session,
    *,
    user_id: int,
    topic_id: int,
    session_type: str = PracticeSessionType.AI_ONLY.value,
    mentor_id: int | None = None,
    peer_id: int | None = None,
    partner: ConversationPartner | None,
    free_sessions_per_month: int | None = None,
) -> StartResult:
    """Open a session on a topic: check the plan (AI sessions only), store the partner's opening.

    with_mentor needs an active mentor account as mentor_id; peer_practice may name the peer
    (kept in ai_feedback). Mentor and peer sessions may run without a partner."""
    try:
        kind = PracticeSessionType(session_type)
    except ValueError:
        raise ServiceError(PracticeError.SESSION_TYPE_INVALID) from None
    user = session.get(User, user_id)
    if user is None:
        raise ServiceError(PracticeError.SESSION_NOT_FOUND)
    topic = session.get(Topic, topic_id)
    if topic is None or not topic.is_active:
        raise ServiceError(PracticeError.TOPIC_NOT_FOUND)
    scenario = scenario_for(topic)
    if kind is PracticeSessionType.WITH_MENTOR:
        mentor = session.get(User, mentor_id) if mentor_id else None
        if mentor is None or mentor.role != Role.MENTOR.value or mentor.status != UserStatus.ACTIVE.value or mentor.id == user_id:
            raise ServiceError(PracticeError.MENTOR_INVALID)
    elif mentor_id is not None:
        raise ServiceError(PracticeError.MENTOR_INVALID)
    if peer_id is not None:
        peer = session.get(User, peer_id) if kind is PracticeSessionType.PEER_PRACTICE else None
        if peer is None or peer.id == user_id or peer.status != UserStatus.ACTIVE.value or peer.role != Role.LEARNER.value:
            raise ServiceError(PracticeError.PEER_INVALID)
    if partner is None and kind is PracticeSessionType.AI_ONLY:
        raise ServiceError(PracticeError.PARTNER_UNAVAILABLE)
    if scenario is None and partner is not None:
        raise ServiceError(PracticeError.SCENARIO_NOT_FOUND)

    now = _now()
    used: int = 0
    allowed: int | None = None
    limited = kind is PracticeSessionType.AI_ONLY
    if limited:
        allowed, advanced = monthly_allowance(session, user_id=user_id, free_sessions=free_sessions_per_month, now=now)
        if topic.difficulty == Difficulty.ADVANCED.value and not advanced:
            raise ServiceError(PracticeError.ADVANCED_REQUIRED)
        # Checked before the partner is asked (no model call over the limit), and again below.
        if sessions_this_month(session, user_id=user_id, zone=_user_zone(user), now=now) >= allowed:
            raise ServiceError(PracticeError.LIMIT_REACHED, limit=allowed)

    transcript: list[dict[str, Any]] = []
    opening = ""
    step = 0
    engine = None
    if partner is not None and scenario is not None:
        try:
            reply = partner.opening(scenario)
        except Exception as exc:  # the partner's own fallbacks failed too
            raise ServiceError(PracticeError.PARTNER_UNAVAILABLE) from exc
        transcript.append(_partner_entry(reply, now))
        opening, step, engine = reply.text, reply.step_index, reply.engine
        _log_usage(session, user_id, AIFeature.CONVERSATION, reply.usage)
    if limited and allowed is not None:
        # The learner's row is locked from here to the commit, so two starts at once cannot both
        # take the last session of the month (the partner call above stays outside the lock).
        session.exec(select(User.id).where(User.id == user_id).with_for_update()).first()
        used = sessions_this_month(session, user_id=user_id, zone=_user_zone(user), now=now, locking=True)
        if used >= allowed:
            raise ServiceError(PracticeError.LIMIT_REACHED, limit=allowed)
        used += 1
    feedback: dict[str, Any] = {"scenario_slug": scenario.slug if scenario else None}
    if peer_id is not None:
        feedback["peer_id"] = peer_id
    ps = PracticeSession(
        user_id=user_id,
        mentor_id=mentor_id if kind is PracticeSessionType.WITH_MENTOR else None,
        topic_id=topic.id,
        session_type=kind.value,
        topic=topic.title[:100],
        scenario=(scenario.title if scenario else topic.title)[:200],
        transcript=_dump(transcript),
        ai_feedback=_dump_feedback(feedback),
        ai_engine=engine or getattr(partner, "engine_name", None),
        started_at=now,
        is_completed=False,
    )
    session.add(ps)
    session.flush()
    return StartResult(
        session_id=int(ps.id or 0),
        scenario_slug=scenario.slug if scenario else None,
        scenario_title=scenario.title if scenario else None,
        opening=opening,
        step_index=step,
        drill_sentences=list(scenario.drill_sentences) if scenario else [],
        sessions_used=used,
        sessions_allowed=allowed,
    )


# --- turns --------------------------------------------------------------------------------


def _check_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError(PracticeError.TEXT_EMPTY)
    if len(text) > MAX_TEXT_CHARS:
        raise ServiceError(PracticeError.TEXT_TOO_LONG, max=MAX_TEXT_CHARS)
    return text


def _answer(
    session: Session,
    ps: PracticeSession,
    *,
    text: str,
    mode: str,
    partner: ConversationPartner | None,
    speech: dict[str, Any] | None = None,
    audio: dict[str, float] | None = None,
) -> TurnResult:
    transcript: list[dict[str, Any]] = _load(ps.transcript, [])
    feedback: dict[str, Any] = _load(ps.ai_feedback, {})
    if sum(1 for t in transcript if t.get("role") == "learner") >= MAX_LEARNER_TURNS:
        raise ServiceError(PracticeError.TOO_MANY_TURNS, max=MAX_LEARNER_TURNS)
    analysed = analyze_text(text)
    turn_feedback = analysis.text_feedback_json(analysed)
    now = _now()
    entry: dict[str, Any] = {"role": "learner", "text": text, "at": _iso(now), "mode": mode, "feedback": turn_feedback}
    if speech is not None:
        entry["speech"] = speech
    if audio is not None:
        entry["audio"] = audio
    step = _step(transcript)
    history = _history(transcript)
    transcript.append(entry)
    learner_index = len(transcript) - 1

    reply: PartnerReply | None = None
    scenario = _scenario(ps, feedback)
    if partner is not None and scenario is not None:
        corrections = [
            Correction(original=e.text, corrected=e.correction, explanation=e.explanation, start=e.start, end=e.end)
            for e in analysed.grammar_errors
            if e.correction
        ]
        try:
            reply = partner.reply(scenario, history, text, step, corrections)
        except Exception as exc:
            raise ServiceError(PracticeError.PARTNER_UNAVAILABLE) from exc
        transcript.append(_partner_entry(reply, now))
        _log_usage(session, ps.user_id, AIFeature.CONVERSATION, reply.usage)
        if reply.engine and reply.engine != ps.ai_engine:
            ps.ai_engine = reply.engine

    feedback["last_activity_at"] = _iso(now)
    ps.transcript = _dump(transcript)
    ps.ai_feedback = _dump_feedback(feedback)
    session.add(ps)
    session.flush()
    shown = dict(turn_feedback)
    shown.pop("lemmas", None)
    if speech is not None:
        shown["speech"] = speech
    return TurnResult(
        turn_index=learner_index,
        learner_text=text,
        partner_text=reply.text if reply else "",
        partner_turn_index=learner_index + 1 if reply else None,
        recast=reply.recast if reply else "",
        step_index=reply.step_index if reply else step,
        finished=reply.finished if reply else False,
        feedback=shown,
    )


def learner_text_turn(
    session: Session, *, user_id: int, session_id: int, text: str, partner: ConversationPartner | None
) -> TurnResult:
    """A typed answer: checked (1–1000 characters), analysed (grammar, vocabulary), answered."""
    ps = _open(session, user_id, session_id)
    return _answer(session, ps, text=_check_text(text), mode="text", partner=partner)


def _audio_error(exc: AudioError) -> ServiceError:
    return ServiceError(AUDIO_CODES.get(exc.code, PracticeError.AUDIO_NOT_AUDIO))


def _precheck(audio: bytes | None) -> bytes:
    """Refuse before any decoding what the engine would refuse anyway."""
    if not audio:
        raise ServiceError(PracticeError.AUDIO_EMPTY)
    if len(audio) > MAX_BYTES:
        raise ServiceError(PracticeError.AUDIO_TOO_LARGE)
    return bytes(audio)


def _keep_audio(session: Session, ps: PracticeSession, audio: bytes) -> dict[str, float] | None:
    """Append to the session's recording; the offsets of this piece, or None when it is full."""
    appended = recording.append(ps.audio_recording, audio)
    if appended is None:
        return None
    data, start, end = appended
    ps.audio_recording = data
    ps.audio_filename = f"practice-{ps.id}.wav"
    ps.audio_content_type = recording.CONTENT_TYPE
    return {"start": start, "end": end}


def learner_audio_turn(
    session: Session,
    *,
    user_id: int,
    session_id: int,
    audio: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    partner: ConversationPartner | None,
    speech: Any,
) -> TurnResult:
    """A spoken answer: transcribed, then scored for pronunciation and fluency against its own
    transcript (what was said is the target: a free answer has no fixed text), then handled as a
    typed answer. The audio joins the session's recording."""
    from aesp_app.integrations.speech import TargetTextError

    _check_open(session, user_id, session_id)
    data = _precheck(audio)
    try:
        heard = speech.transcribe(data)
        text = (heard.text or "").strip()
        if not text:
            raise ServiceError(PracticeError.AUDIO_SILENCE)
        reading = speech.score_reading(data, text)
    except AudioError as exc:
        raise _audio_error(exc) from exc
    except TargetTextError as exc:  # nothing but punctuation was heard
        raise ServiceError(PracticeError.AUDIO_SILENCE) from exc
    text = text[:MAX_TEXT_CHARS]
    scored = analysis.reading_json(reading)
    scored.pop("target", None)
    ps = _open(session, user_id, session_id)
    kept = _keep_audio(session, ps, data)
    return _answer(session, ps, text=text, mode="voice", partner=partner, speech=scored, audio=kept)


# --- drills -------------------------------------------------------------------------------


def drill_attempt(
    session: Session,
    *,
    user_id: int,
    session_id: int,
    sentence_index: int,
    audio: bytes,
    filename: str | None = None,
    content_type: str | None = None,
    speech: Any,
) -> DrillResult:
    """"Repeat after me": the learner reads the scenario's drill sentence; every word is scored.
    Each sentence keeps its best and its last attempt (the report uses the best)."""

    def sentence_and_record(ps: PracticeSession) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        feedback: dict[str, Any] = _load(ps.ai_feedback, {})
        scenario = _scenario(ps, feedback)
        sentences = list(scenario.drill_sentences) if scenario else []
        if not isinstance(sentence_index, int) or not 0 <= sentence_index < len(sentences):
            raise ServiceError(PracticeError.DRILL_NOT_FOUND)
        record = next((d for d in feedback.get("drills") or [] if d["sentence_index"] == sentence_index), None)
        if record and record["attempts"] >= MAX_DRILL_ATTEMPTS:
            raise ServiceError(PracticeError.TOO_MANY_TURNS, max=MAX_DRILL_ATTEMPTS)
        return sentences[sentence_index], feedback, record

    target, _, _ = sentence_and_record(_check_open(session, user_id, session_id))
    data = _precheck(audio)
    try:
        reading = speech.score_reading(data, target)
    except AudioError as exc:
        raise _audio_error(exc) from exc
    scored = analysis.reading_json(reading)
    ps = _open(session, user_id, session_id)  # locked, and checked again, to write
    target, feedback, record = sentence_and_record(ps)
    drills: list[dict[str, Any]] = feedback.setdefault("drills", [])
    now = _now()
    scored["at"] = _iso(now)
    kept = _keep_audio(session, ps, data)
    if kept is not None:
        scored["audio"] = kept
    if record is None:
        record = {"sentence_index": sentence_index, "target": target, "attempts": 0, "best": scored, "last": scored}
        drills.append(record)
        drills.sort(key=lambda d: d["sentence_index"])
    record["attempts"] += 1
    record["last"] = scored
    if scored["pronunciation_score"] >= record["best"]["pronunciation_score"]:
        record["best"] = scored
    feedback["last_activity_at"] = _iso(now)
    ps.ai_feedback = _dump_feedback(feedback)
    session.add(ps)
    session.flush()
    return DrillResult(
        sentence_index=sentence_index,
        target=target,
        transcript=scored["transcript"],
        pronunciation_score=scored["pronunciation_score"],
        fluency_score=scored["fluency_score"],
        words=scored["words"],
        flagged=[w for w in scored["words"] if w["error"]],
        attempts=record["attempts"],
        best_score=record["best"]["pronunciation_score"],
    )


# --- end ----------------------------------------------------------------------------------


def _level_for(score: float) -> str:
    if score >= 75:
        return LearnerLevel.ADVANCED.value
    if score >= 50:
        return LearnerLevel.INTERMEDIATE.value
    return LearnerLevel.BEGINNER.value


def _bump_stats(raw: str | None, key: str, minutes: float, xp: int, score: float | None) -> str:
    stats: dict[str, dict[str, Any]] = _load(raw, {})
    if not isinstance(stats, dict):
        stats = {}
    row = stats.setdefault(key, {"sessions": 0, "minutes": 0.0, "xp": 0, "best_score": None})
    row["sessions"] += 1
    row["minutes"] = round(row["minutes"] + minutes, 1)
    row["xp"] += xp
    if score is not None and (row.get("best_score") is None or score > row["best_score"]):
        row["best_score"] = score
    keep = sorted(stats)[-STATS_KEEP:]
    return _dump({k: stats[k] for k in keep})


def _update_streak(session: Session, user_id: int, day: dt.date) -> UserStreak:
    """Consecutive local days with a completed session: the same day changes nothing, the next
    day adds one, a gap starts again at 1. A session ending on an earlier day than the last
    counted one (ended late) changes nothing."""
    streak = session.exec(select(UserStreak).where(UserStreak.user_id == user_id).with_for_update()).first()
    if streak is None:
        streak = UserStreak(user_id=user_id, current_streak=0, longest_streak=0)
        session.add(streak)
    last = streak.last_study_date
    if last is None or day - last > dt.timedelta(days=1):
        streak.current_streak = 1
        streak.last_study_date = day
    elif day - last == dt.timedelta(days=1):
        streak.current_streak += 1
        streak.last_study_date = day
    streak.longest_streak = max(streak.longest_streak, streak.current_streak)
    streak.updated_at = _now()
    session.flush()
    return streak


def _new_words(session: Session, user_id: int, session_id: int, lemmas: list[str]) -> int:
    """Content words (by lemma) not used in the learner's previous WORDS_LOOKBACK completed
    sessions (a bound on what one report reads)."""
    if not lemmas:
        return 0
    seen: set[str] = set()
    rows = session.exec(
        select(PracticeSession.ai_feedback)
        .where(
            PracticeSession.user_id == user_id,
            PracticeSession.is_completed == True,  # noqa: E712
            PracticeSession.id != session_id,
        )
        .order_by(col(PracticeSession.id).desc())
        .limit(WORDS_LOOKBACK)
    ).all()
    for raw in rows:
        seen.update(_load(raw, {}).get("words_used") or [])
    return len(set(lemmas) - seen)


def _rewards(session: Session, ps: PracticeSession, report: dict[str, Any], *, seconds: float, day: dt.date,
             zone: str) -> int:
    """XP, learner_progress, streak and topic mastery for a completed session. Returns the XP."""
    user_id = ps.user_id
    scores = report["scores"]
    overall = scores.get("overall")
    topic = session.get(Topic, ps.topic_id) if ps.topic_id else None
    base = topic.xp_reward if topic else DEFAULT_XP_REWARD
    xp = base * (0.5 + (overall or 0) / 200)
    if topic is not None:
        today = daily_challenge(session, zone=zone, now=ps.ended_at)
        if today is not None and today.id == topic.id:
            xp *= DAILY_CHALLENGE_BONUS
    xp_amount = max(1, int(round(xp)))
    already = session.exec(
        select(XPLog.id).where(XPLog.user_id == user_id, XPLog.source_type == XPSource.PRACTICE.value,
                               XPLog.reference_id == ps.id)
    ).first()
    if already is not None:
        return 0
    session.add(XPLog(user_id=user_id, source_type=XPSource.PRACTICE.value, reference_id=ps.id, xp_amount=xp_amount))

    progress = session.exec(
        select(LearnerProgress).where(LearnerProgress.user_id == user_id).with_for_update()
    ).first()
    if progress is None:
        progress = LearnerProgress(user_id=user_id)
        session.add(progress)
    words = _new_words(session, user_id, int(ps.id or 0), report.get("lemmas") or [])
    session.flush()  # this session counts in the averages below
    averages = session.exec(
        select(
            func.avg(PracticeSession.overall_score),
            func.avg(PracticeSession.pronunciation_score),
            func.avg(PracticeSession.grammar_score),
            func.avg(PracticeSession.vocabulary_score),
            func.avg(PracticeSession.fluency_score),
        ).where(PracticeSession.user_id == user_id, PracticeSession.is_completed == True)  # noqa: E712
    ).one()
    for name, value in zip(
        ("overall_score", "pronunciation_score", "grammar_score", "vocabulary_score", "fluency_score"), averages
    ):
        if value is not None:
            setattr(progress, name, round(float(value), 1))
    progress.total_sessions += 1
    progress.total_practice_hours = round(progress.total_practice_hours + seconds / 3600, 4)
    progress.xp_points += xp_amount
    progress.words_learned += words
    progress.current_level = _level_for(progress.overall_score)
    iso = day.isocalendar()
    minutes = seconds / 60
    progress.weekly_stats = _bump_stats(progress.weekly_stats, f"{iso.year}-W{iso.week:02d}", minutes, xp_amount, overall)
    progress.monthly_stats = _bump_stats(progress.monthly_stats, f"{day.year}-{day.month:02d}", minutes, xp_amount, overall)
    streak = _update_streak(session, user_id, day)
    progress.current_streak = streak.current_streak
    progress.longest_streak = max(progress.longest_streak, streak.longest_streak)
    progress.updated_at = _now()

    if topic is not None:
        mastery = session.exec(
            select(func.avg(PracticeSession.overall_score)).where(
                PracticeSession.user_id == user_id,
                PracticeSession.topic_id == topic.id,
                PracticeSession.is_completed == True,  # noqa: E712
            )
        ).one()
        row = session.exec(
            select(TopicProgress).where(TopicProgress.user_id == user_id, TopicProgress.topic_id == topic.id)
        ).first()
        if row is None:
            row = TopicProgress(user_id=user_id, topic_id=int(topic.id or 0))
            session.add(row)
        row.mastery_score = Decimal(str(round(float(mastery or 0), 2)))
        row.last_updated = _now()
    session.flush()
    return xp_amount


def _feedback_summary(report: dict[str, Any], transcript: list[dict[str, Any]], turns: int) -> dict[str, Any]:
    """What the partner writes its paragraph from: the five scores (flat), the first findings."""
    scores = report["scores"]
    return {
        **scores,
        "scores": scores,
        "goal_reached": any(t.get("role") == "partner" and t.get("finished") for t in transcript),
        "grammar_errors": [
            {"text": e["text"], "correction": e.get("correction"), "explanation": e.get("explanation")}
            for e in report["grammar_errors"][:5]
        ],
        "flagged_words": [w["word"] for w in report["flagged_words"][:5]],
        "vocabulary_level": report["vocabulary"]["level"],
        "suggestions": [
            {"word": v["word"], "alternatives": v.get("alternatives", [])} for v in report["vocabulary"]["suggestions"][:5]
        ],
        "wpm": report["fluency"]["wpm"],
        "pauses": report["fluency"]["pauses"],
        "fillers": report["fluency"]["fillers"],
        "turns": turns,
    }


def end_session(
    session: Session, *, user_id: int, session_id: int, partner: ConversationPartner | None = None
) -> SessionReport:
    """Score the session, store the report in every seed field, award XP and update progress,
    streak and topic mastery. Ending an ended session returns its report and changes nothing."""
    ps = _owned(session, user_id, session_id, lock=True)
    if ps.is_completed:
        return _report(ps)
    transcript: list[dict[str, Any]] = _load(ps.transcript, [])
    feedback: dict[str, Any] = _load(ps.ai_feedback, {})
    learner = [(i, t) for i, t in enumerate(transcript) if t.get("role") == "learner"]
    drills = feedback.get("drills") or []
    report = analysis.aggregate(learner, drills)
    now = _now()
    started = _aware(ps.started_at) or now
    last = _parse(feedback.get("last_activity_at"))
    practised = bool(learner or drills)
    seconds = 0.0
    if practised and last is not None:
        seconds = min(max((last - started).total_seconds(), 60.0), MAX_COUNTED_MINUTES * 60.0)

    written = ""
    scenario = _scenario(ps, feedback)
    if partner is not None and scenario is not None and practised:
        summary = _feedback_summary(report, transcript, len(learner))
        try:
            written, usage = partner.written_feedback(scenario, _history(transcript), summary)
            _log_usage(session, user_id, AIFeature.FEEDBACK, usage)
        except Exception:  # the report stands without the paragraph
            written = ""

    scores = report["scores"]
    ps.pronunciation_score = scores["pronunciation"]
    ps.grammar_score = scores["grammar"]
    ps.vocabulary_score = scores["vocabulary"]
    ps.fluency_score = scores["fluency"]
    ps.overall_score = scores["overall"]
    ps.pronunciation_errors = _dump_list(report["flagged_words"])
    ps.grammar_errors = _dump_list(report["grammar_errors"])
    ps.vocabulary_suggestions = _dump_list(report["vocabulary"]["suggestions"])
    ps.is_completed = True
    ps.ended_at = now
    ps.duration_minutes = int(round(seconds / 60)) if practised else 0
    feedback["report"] = {
        "scores": scores,
        "vocabulary": {k: v for k, v in report["vocabulary"].items() if k != "suggestions"},
        "fluency": report["fluency"],
        "word_count": report["word_count"],
        "written_feedback": (written or "").strip()[:MAX_FEEDBACK_CHARS],
        "xp": 0,
    }
    feedback["words_used"] = report["lemmas"]
    ps.ai_feedback = _dump_feedback(feedback)
    session.add(ps)
    session.flush()
    if practised:
        # One learner's rewards are updated by one transaction at a time (progress and streak rows
        # may not exist yet); the lock is taken after the partner's paragraph, not around it.
        user = session.exec(select(User).where(User.id == user_id).with_for_update()).first()
        zone = _user_zone(user)
        day = to_local(last or now, zone).date()
        xp = _rewards(session, ps, report, seconds=seconds, day=day, zone=zone)
        feedback["report"]["xp"] = xp
        ps.ai_feedback = _dump_feedback(feedback)
        session.add(ps)
        session.flush()
    return _report(ps)


# --- reading ------------------------------------------------------------------------------


def _report(ps: PracticeSession) -> SessionReport:
    feedback: dict[str, Any] = _load(ps.ai_feedback, {})
    stored = feedback.get("report") or {}
    transcript = _load(ps.transcript, [])
    return SessionReport(
        id=int(ps.id or 0),
        user_id=ps.user_id,
        mentor_id=ps.mentor_id,
        topic=ps.topic,
        topic_id=ps.topic_id,
        scenario=ps.scenario,
        scenario_slug=feedback.get("scenario_slug"),
        session_type=ps.session_type,
        is_completed=ps.is_completed,
        started_at=_aware(ps.started_at),
        ended_at=_aware(ps.ended_at),
        duration_minutes=ps.duration_minutes,
        scores={
            "pronunciation": ps.pronunciation_score,
            "grammar": ps.grammar_score,
            "vocabulary": ps.vocabulary_score,
            "fluency": ps.fluency_score,
            "overall": ps.overall_score,
        },
        flagged_words=_load(ps.pronunciation_errors, []),
        grammar_errors=_load(ps.grammar_errors, []),
        vocabulary={**(stored.get("vocabulary") or {}), "suggestions": _load(ps.vocabulary_suggestions, [])},
        fluency=stored.get("fluency") or {},
        written_feedback=stored.get("written_feedback") or "",
        mentor_feedback=feedback.get("mentor_feedback") or [],
        xp_awarded=int(stored.get("xp") or 0),
        transcript=transcript,
        drills=feedback.get("drills") or [],
        has_audio=bool(ps.audio_filename),
        ai_engine=ps.ai_engine,
    )


def _readable(session: Session, user_id: int, session_id: int, *, is_admin: bool = False) -> PracticeSession:
    """The owner, the session's mentor and an admin may read a session; others get "not found"."""
    ps = _get_session(session, session_id)
    if ps is None or not (ps.user_id == user_id or (ps.mentor_id is not None and ps.mentor_id == user_id) or is_admin):
        raise ServiceError(PracticeError.SESSION_NOT_FOUND)
    return ps


def get_report(session: Session, *, user_id: int, session_id: int, is_admin: bool = False) -> SessionReport:
    """The stored report (scores are empty until the session ends)."""
    return _report(_readable(session, user_id, session_id, is_admin=is_admin))


def list_sessions(session: Session, *, user_id: int, limit: int = 20, offset: int = 0) -> list[SessionSummary]:
    """The learner's sessions, newest first (no transcripts or audio are loaded)."""
    limit = max(1, min(int(limit), 100))
    offset = max(0, int(offset))
    rows = session.exec(
        select(
            PracticeSession.id,
            PracticeSession.topic,
            PracticeSession.topic_id,
            PracticeSession.scenario,
            PracticeSession.session_type,
            PracticeSession.started_at,
            PracticeSession.ended_at,
            PracticeSession.duration_minutes,
            PracticeSession.overall_score,
            PracticeSession.is_completed,
            PracticeSession.audio_filename,
        )
        .where(PracticeSession.user_id == user_id)
        .order_by(col(PracticeSession.started_at).desc(), col(PracticeSession.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [
        SessionSummary(
            id=r[0], topic=r[1], topic_id=r[2], scenario=r[3], session_type=r[4], started_at=_aware(r[5]),
            ended_at=_aware(r[6]), duration_minutes=r[7], overall_score=r[8], is_completed=r[9], has_audio=bool(r[10]),
        )
        for r in rows
    ]


def session_audio(session: Session, *, user_id: int, session_id: int) -> tuple[bytes, str, str]:
    """(WAV bytes, content type, file name) of the whole recording, for its owner only."""
    ps = _owned(session, user_id, session_id)
    data = ps.audio_recording
    if not data:
        raise ServiceError(PracticeError.AUDIO_NOT_FOUND)
    return bytes(data), ps.audio_content_type or recording.CONTENT_TYPE, ps.audio_filename or f"practice-{ps.id}.wav"


def turn_audio(session: Session, *, user_id: int, session_id: int, turn_index: int) -> tuple[bytes, str, str]:
    """One spoken answer of the session, cut from the recording (owner only)."""
    ps = _owned(session, user_id, session_id)
    transcript = _load(ps.transcript, [])
    if not isinstance(turn_index, int) or not 0 <= turn_index < len(transcript):
        raise ServiceError(PracticeError.TURN_NOT_FOUND)
    where = transcript[turn_index].get("audio")
    if not where or not ps.audio_recording:
        raise ServiceError(PracticeError.AUDIO_NOT_FOUND)
    return recording.cut(ps.audio_recording, where["start"], where["end"]), recording.CONTENT_TYPE, f"practice-{ps.id}-turn-{turn_index}.wav"


def drill_audio(session: Session, *, user_id: int, session_id: int, sentence_index: int,
                which: str = "last") -> tuple[bytes, str, str]:
    """The best or the last reading of a drill sentence (owner only)."""
    ps = _owned(session, user_id, session_id)
    drills = _load(ps.ai_feedback, {}).get("drills") or []
    record = next((d for d in drills if d["sentence_index"] == sentence_index), None)
    if record is None:
        raise ServiceError(PracticeError.DRILL_NOT_FOUND)
    where = record["best" if which == "best" else "last"].get("audio")
    if not where or not ps.audio_recording:
        raise ServiceError(PracticeError.AUDIO_NOT_FOUND)
    return (recording.cut(ps.audio_recording, where["start"], where["end"]), recording.CONTENT_TYPE,
            f"practice-{ps.id}-drill-{sentence_index}.wav")


def partner_voice(session: Session, *, user_id: int, session_id: int, turn_index: int, speech: Any) -> bytes:
    """The partner's line at turn_index spoken by the speech engine (WAV), for the owner."""
    ps = _owned(session, user_id, session_id)
    transcript = _load(ps.transcript, [])
    if not isinstance(turn_index, int) or not 0 <= turn_index < len(transcript) or transcript[turn_index].get("role") != "partner":
        raise ServiceError(PracticeError.TURN_NOT_FOUND)
    return speech.synthesize(transcript[turn_index]["text"])


# --- mentors ------------------------------------------------------------------------------


def add_mentor_feedback(
    session: Session, *, mentor_id: int, session_id: int, text: str, is_admin: bool = False
) -> list[dict[str, Any]]:
    """Written feedback from the session's mentor (or an admin), kept in ai_feedback under
    "mentor_feedback" (newest last, at most 10 notes). Returns every note."""
    ps = _get_session(session, session_id, lock=True)
    if ps is None:
        raise ServiceError(PracticeError.SESSION_NOT_FOUND)
    if not is_admin and not (ps.mentor_id is not None and ps.mentor_id == mentor_id):
        if ps.user_id == mentor_id:
            raise ServiceError(PracticeError.NOT_SESSION_MENTOR)
        raise ServiceError(PracticeError.SESSION_NOT_FOUND)
    text = (text or "").strip()
    if not text:
        raise ServiceError(PracticeError.FEEDBACK_EMPTY)
    if len(text) > MAX_FEEDBACK_CHARS:
        raise ServiceError(PracticeError.FEEDBACK_TOO_LONG, max=MAX_FEEDBACK_CHARS)
    feedback: dict[str, Any] = _load(ps.ai_feedback, {})
    notes = feedback.setdefault("mentor_feedback", [])
    notes.append({"mentor_id": mentor_id, "text": text, "at": _iso(_now()), "by_admin": bool(is_admin and ps.mentor_id != mentor_id)})
    feedback["mentor_feedback"] = notes[-MAX_MENTOR_NOTES:]
    ps.ai_feedback = _dump_feedback(feedback)
    session.add(ps)
    session.flush()
    return list(feedback["mentor_feedback"])
