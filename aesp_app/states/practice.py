"""The practice room: choosing a topic, the conversation (voice or text), drills and reports.

Scoring loads speech models and takes a second or two, so voice turns, drills and the end of a
session run as background events that show their progress; the page never freezes."""

from __future__ import annotations

import asyncio
import base64
import binascii

import reflex as rx

from aesp_app.db import session_scope
from aesp_app.models.accounts import Role
from aesp_app.services.clock import format_local
from aesp_app.services import accounts, mentoring
from aesp_app.services.errors import ServiceError
from aesp_app.services.practice import sessions as practice
from aesp_app.services.practice import topics as practice_topics
from aesp_app.states.auth import Viewer, authorize
from aesp_app.states.common import route_param, to_int
from aesp_app.states.i18n import I18nState

LEARNER = (Role.LEARNER,)
MEMBERS = (Role.LEARNER, Role.MENTOR, Role.ADMIN)
# Base64 of the 5 MB audio limit, plus slack: larger payloads are refused before decoding.
MAX_AUDIO_B64 = 5 * 1024 * 1024 * 4 // 3 + 1024
MIC_ERRORS = {"denied", "unsupported", "no_microphone", "too_large", "too_short", "not_recording"}


def _partner():
    from aesp_app.integrations.ai import get_partner

    return get_partner()


def _speech():
    from aesp_app.integrations.speech import get_speech_engine

    return get_speech_engine()


def _score(value) -> str:  # noqa: ANN001
    return "" if value is None else str(round(float(value)))


def _decode_audio(result) -> tuple[bytes | None, str]:  # noqa: ANN001
    """(audio bytes, mime) from the recorder's result, or (None, error key)."""
    if not isinstance(result, dict):
        return None, "practice.mic_error"
    if result.get("error") in MIC_ERRORS:
        return None, f"practice.mic_{result['error']}"
    encoded = result.get("audio")
    if not isinstance(encoded, str) or not encoded:
        return None, "practice.audio_empty"
    if len(encoded) > MAX_AUDIO_B64:
        return None, "practice.audio_too_large"
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None, "practice.audio_not_audio"
    mime = str(result.get("mime") or "audio/webm")[:100]
    return data, mime


class PracticeTopicsState(rx.State):
    topics: list[dict[str, str]] = []
    category: str = ""
    level: str = ""
    history: list[dict[str, str]] = []
    mentor_name: str = ""
    starting: bool = False

    @rx.event
    async def load(self):
        viewer = await authorize(self, *LEARNER, action="load")
        if not isinstance(viewer, Viewer):
            return viewer
        self._load(viewer)

    def _load(self, viewer: Viewer) -> None:
        with session_scope() as session:
            rows = practice_topics.list_topics(session, category=self.category or None, level=self.level or None)
            recent = practice.list_sessions(session, user_id=viewer.id, limit=5)
            mentor = mentoring.active_mentor_for(session, learner_id=viewer.id)
        self.mentor_name = mentor.name if mentor else ""
        self.topics = [
            {
                "id": str(t.id), "title": t.title, "description": t.description or "", "category": t.category,
                "difficulty": t.difficulty, "duration": t.duration, "xp": str(t.xp_reward),
                "today": "1" if t.is_today_challenge else "", "scenario": t.scenario_title or "",
                "drills": str(t.drill_count),
            }
            for t in rows
        ]
        self.history = [
            {
                "id": str(s.id), "topic": s.topic or "", "date": format_local(s.started_at, viewer.timezone),
                "score": _score(s.overall_score), "done": "1" if s.is_completed else "",
            }
            for s in recent
        ]

    @rx.event
    async def filter(self, category: str, level: str):
        viewer = await authorize(self, *LEARNER, action="filter")
        if not isinstance(viewer, Viewer):
            return viewer
        self.category = category if category in {"", "work", "travel", "daily", "social", "academic"} else ""
        self.level = level if level in {"", "beginner", "intermediate", "advanced"} else ""
        self._load(viewer)

    @rx.event
    async def start(self, topic_id: int, with_mentor: bool = False):
        """An AI session, or — with_mentor — a session recorded for the learner's own mentor."""
        viewer = await authorize(self, *LEARNER, action="start")
        if not isinstance(viewer, Viewer):
            return viewer
        i18n = await self.get_state(I18nState)
        try:
            with session_scope() as session:
                mentor = mentoring.active_mentor_for(session, learner_id=viewer.id) if with_mentor is True else None
                if with_mentor is True and mentor is None:
                    return rx.toast.error(i18n._text("practice.mentor_invalid"))
                started = practice.start_session(
                    session, user_id=viewer.id, topic_id=to_int(topic_id), partner=_partner(),
                    session_type="with_mentor" if mentor else "ai_only", mentor_id=mentor.id if mentor else None,
                )
        except ServiceError as err:
            return rx.toast.error(i18n._text(err.message_key, **err.params))
        return rx.redirect(f"/practice/room/{started.session_id}")


    @rx.event
    async def start_with_peer(self, form: dict):
        """A peer_practice session with another learner, named by username or e-mail."""
        viewer = await authorize(self, *LEARNER, action="start_with_peer")
        if not isinstance(viewer, Viewer):
            return viewer
        form = form if isinstance(form, dict) else {}
        i18n = await self.get_state(I18nState)
        try:
            with session_scope() as session:
                peer = accounts.find_user_by_login(session, str(form.get("peer", ""))[:255])
                if peer is None:
                    return rx.toast.error(i18n._text("practice.peer_invalid"))
                started = practice.start_session(
                    session, user_id=viewer.id, topic_id=to_int(form.get("topic_id")), partner=_partner(),
                    session_type="peer_practice", peer_id=peer.id,
                )
        except ServiceError as err:
            return rx.toast.error(i18n._text(err.message_key, **err.params))
        return rx.redirect(f"/practice/room/{started.session_id}")


class PracticeRoomState(rx.State):
    session_id: int = 0
    title: str = ""
    scenario: dict[str, str] = {}
    phrases: list[str] = []
    drills: list[dict[str, str]] = []
    messages: list[dict[str, str]] = []
    engine: str = ""
    finished_goal: bool = False
    completed: bool = False
    busy: bool = False
    progress: str = ""
    error: str = ""
    recording: bool = False
    drill_index: int = -1
    last_voice: str = ""
    not_found: bool = False

    async def _t(self, key: str, **params) -> str:  # noqa: ANN003
        return (await self.get_state(I18nState))._text(key, **params)

    def _fill(self, report) -> None:  # noqa: ANN001
        from aesp_app.services.practice.topics import get_scenario

        self.session_id, self.title, self.completed = report.id, report.topic or "", report.is_completed
        self.engine = report.ai_engine or "offline"
        scenario = get_scenario(report.scenario_slug)
        if scenario is not None:
            self.scenario = {"title": scenario.title, "title_vi": scenario.title_vi, "goal": scenario.learner_goal, "goal_vi": scenario.learner_goal_vi}
            self.phrases = list(scenario.useful_phrases)
            done = {d["sentence_index"]: d for d in report.drills}
            self.drills = [
                {
                    "index": str(i), "text": sentence,
                    "score": _score(done[i]["best"]["pronunciation_score"]) if i in done and done[i].get("best") else "",
                    "flagged": ", ".join(w.get("word", "") for w in (done[i]["last"].get("flagged") or [])) if i in done and done[i].get("last") else "",
                }
                for i, sentence in enumerate(scenario.drill_sentences)
            ]
        messages = []
        for index, turn in enumerate(report.transcript):
            role = turn.get("role", "")
            fb = turn.get("feedback") or {}
            grammar = fb.get("grammar_errors") or []
            messages.append({
                "index": str(index), "role": role, "text": str(turn.get("text", "")),
                "recast": str(turn.get("recast", "") or ""),
                "voice": f"/api/practice/{report.id}/voice/{index}" if role == "partner" else "",
                "audio": f"/api/practice/{report.id}/turn/{index}" if role == "learner" and turn.get("audio") else "",
                "notes": "; ".join(f"{e.get('text', '')} → {e.get('correction', '')}" for e in grammar if isinstance(e, dict))[:300],
                "mode": str(turn.get("mode", "")),
            })
        self.messages = messages
        self.finished_goal = bool(report.transcript and report.transcript[-1].get("finished"))

    @rx.event
    async def load(self):
        viewer = await authorize(self, *LEARNER, action="load")
        if not isinstance(viewer, Viewer):
            return viewer
        self.error, self.progress, self.busy, self.not_found, self.last_voice = "", "", False, False, ""
        try:
            with session_scope() as session:
                report = practice.get_report(session, user_id=viewer.id, session_id=to_int(route_param(self, "id", 12)))
        except ServiceError:
            self.not_found = True
            return
        if report.is_completed:
            return rx.redirect(f"/practice/sessions/{report.id}")
        self._fill(report)
        partners = [m for m in self.messages if m["role"] == "partner"]
        self.last_voice = partners[-1]["voice"] if partners else ""

    def _reload(self, user_id: int) -> None:
        with session_scope() as session:
            self._fill(practice.get_report(session, user_id=user_id, session_id=self.session_id))
        partners = [m for m in self.messages if m["role"] == "partner"]
        self.last_voice = partners[-1]["voice"] if partners else ""

    @rx.event
    async def send_text(self, form: dict):
        viewer = await authorize(self, *LEARNER, action="send_text")
        if not isinstance(viewer, Viewer):
            return viewer
        text = str(form.get("answer", "") if isinstance(form, dict) else "")[:5000]
        self.error = ""
        try:
            with session_scope() as session:
                practice.learner_text_turn(session, user_id=viewer.id, session_id=self.session_id, text=text, partner=_partner())
        except ServiceError as err:
            self.error = await self._t(err.message_key, **err.params)
            return
        self._reload(viewer.id)

    @rx.event
    async def mic_started(self, result: dict):
        """The browser's answer to starting the microphone: an error tells the learner to type."""
        if isinstance(result, dict) and result.get("error") in MIC_ERRORS:
            self.recording = False
            self.error = await self._t(f"practice.mic_{result['error']}")

    @rx.event
    def mic_pressed(self, drill_index: int = -1):
        """The record button went down (for a drill, which sentence); recording is in the browser."""
        if self.busy:
            return
        self.recording = True
        self.error = ""
        self.drill_index = max(-1, min(to_int(drill_index, -1), 50))

    @rx.event(background=True)
    async def audio_recorded(self, result: dict):
        """The recorder's result: {audio: base64, mime, ms} or {error}. Scored off the event loop."""
        async with self:
            if isinstance(result, dict) and result.get("idle"):
                return  # the pointer left the button while nothing was recording
            self.recording = False
            viewer = await authorize(self, *LEARNER, action="audio_recorded")
            if not isinstance(viewer, Viewer):
                return viewer
            if self.busy or not self.session_id:
                return
            data, mime_or_error = _decode_audio(result)
            if data is None:
                self.error = await self._t(mime_or_error)
                return
            self.busy = True
            self.progress = await self._t("practice.progress_listening")
            session_id, drill = self.session_id, self.drill_index
        try:
            def run() -> None:
                with session_scope() as session:
                    if drill >= 0:
                        practice.drill_attempt(session, user_id=viewer.id, session_id=session_id, sentence_index=drill,
                                               audio=data, content_type=mime_or_error, speech=_speech())
                    else:
                        practice.learner_audio_turn(session, user_id=viewer.id, session_id=session_id, audio=data,
                                                    content_type=mime_or_error, partner=_partner(), speech=_speech())

            await asyncio.to_thread(run)
            async with self:
                self._reload(viewer.id)
                self.progress, self.busy = "", False
        except ServiceError as err:
            async with self:
                self.error = await self._t(err.message_key, **err.params)
                self.progress, self.busy = "", False

    @rx.event(background=True)
    async def finish(self):
        async with self:
            viewer = await authorize(self, *LEARNER, action="finish")
            if not isinstance(viewer, Viewer):
                return viewer
            if self.busy or not self.session_id:
                return
            self.busy = True
            self.progress = await self._t("practice.progress_report")
            session_id = self.session_id
        try:
            def run() -> None:
                with session_scope() as session:
                    practice.end_session(session, user_id=viewer.id, session_id=session_id, partner=_partner())

            await asyncio.to_thread(run)
        except ServiceError as err:
            async with self:
                self.error = await self._t(err.message_key, **err.params)
                self.progress, self.busy = "", False
            return
        async with self:
            self.progress, self.busy = "", False
        return rx.redirect(f"/practice/sessions/{session_id}")


class PracticeReportState(rx.State):
    report: dict[str, str] = {}
    flagged: list[dict[str, str]] = []
    grammar: list[dict[str, str]] = []
    suggestions: list[dict[str, str]] = []
    cefr: list[dict[str, str]] = []
    transcript: list[dict[str, str]] = []
    drills: list[dict[str, str]] = []
    mentor_notes: list[dict[str, str]] = []
    sessions: list[dict[str, str]] = []
    not_found: bool = False
    can_comment: bool = False
    feedback_error: str = ""

    def _fill(self, r, viewer: Viewer) -> None:  # noqa: ANN001
        s = r.scores
        self.report = {
            "id": str(r.id), "topic": r.topic or "", "scenario": r.scenario or "", "type": r.session_type,
            "overall": _score(s.get("overall")), "pronunciation": _score(s.get("pronunciation")),
            "grammar": _score(s.get("grammar")), "vocabulary": _score(s.get("vocabulary")), "fluency": _score(s.get("fluency")),
            "started": format_local(r.started_at, viewer.timezone), "minutes": str(r.duration_minutes),
            "wpm": _score(r.fluency.get("wpm")), "pauses": str(r.fluency.get("pauses", "") or "0"),
            "longest_pause": f"{float(r.fluency.get('longest_pause') or 0):.1f}",
            "fillers": str(r.fluency.get("fillers", "") or "0"),
            "filler_words": ", ".join(r.fluency.get("filler_words") or []),
            "level": str(r.vocabulary.get("level") or ""), "written": r.written_feedback or "",
            "xp": str(r.xp_awarded), "engine": r.ai_engine or "offline",
            "audio": f"/api/practice/{r.id}/recording" if r.has_audio and r.user_id == viewer.id else "",
        }
        self.flagged = [
            {"word": str(w.get("word", "")), "expected": str(w.get("expected", "") or ""), "heard": str(w.get("heard", "") or ""),
             "issue": str(w.get("issue", "") or ""), "sentence": str(w.get("sentence", "") or "")}
            for w in r.flagged_words
        ]
        self.grammar = [
            {"text": str(e.get("text", "")), "correction": str(e.get("correction", "") or ""),
             "explanation": str(e.get("explanation", "") or ""), "sentence": str(e.get("sentence", "") or "")}
            for e in r.grammar_errors
        ]
        self.suggestions = [
            {"word": str(x.get("word", "")), "better": ", ".join(x.get("alternatives") or x.get("suggestions") or [])}
            for x in (r.vocabulary.get("suggestions") or []) if isinstance(x, dict)
        ]
        mix = r.vocabulary.get("cefr") or {}
        self.cefr = [{"level": k, "share": f"{round(float(v) * 100) if float(v) <= 1 else round(float(v))}"} for k, v in mix.items()] if isinstance(mix, dict) else []
        self.transcript = [
            {"role": str(t.get("role", "")), "text": str(t.get("text", "")),
             "audio": f"/api/practice/{r.id}/turn/{i}" if t.get("role") == "learner" and t.get("audio") and r.user_id == viewer.id else ""}
            for i, t in enumerate(r.transcript)
        ]
        self.drills = [
            {"text": str(d.get("target", "")), "score": _score((d.get("best") or {}).get("pronunciation_score")),
             "attempts": str(d.get("attempts", ""))}
            for d in r.drills
        ]
        self.mentor_notes = [{"text": str(n.get("text", "")), "at": str(n.get("at", ""))[:16].replace("T", " ")} for n in r.mentor_feedback]
        self.can_comment = viewer.role == Role.ADMIN.value or (r.mentor_id is not None and r.mentor_id == viewer.id)

    @rx.event
    async def load(self):
        viewer = await authorize(self, *MEMBERS, action="load")
        if not isinstance(viewer, Viewer):
            return viewer
        self.not_found, self.feedback_error = False, ""
        session_id = to_int(route_param(self, "id", 12))
        try:
            with session_scope() as session:
                report = practice.get_report(session, user_id=viewer.id, session_id=session_id, is_admin=viewer.role == Role.ADMIN.value)
        except ServiceError:
            # The owner, the session's mentor and admins may read it; anyone else: not found.
            self.not_found = True
            self.report = {}
            return
        self._fill(report, viewer)

    @rx.event
    async def load_history(self):
        viewer = await authorize(self, *LEARNER, action="load_history")
        if not isinstance(viewer, Viewer):
            return viewer
        with session_scope() as session:
            rows = practice.list_sessions(session, user_id=viewer.id, limit=100)
        self.sessions = [
            {"id": str(s.id), "topic": s.topic or "", "scenario": s.scenario or "", "date": format_local(s.started_at, viewer.timezone),
             "score": _score(s.overall_score), "minutes": str(s.duration_minutes), "done": "1" if s.is_completed else "",
             "audio": "1" if s.has_audio else ""}
            for s in rows
        ]

    @rx.event
    async def add_feedback(self, form: dict):
        viewer = await authorize(self, Role.MENTOR, Role.ADMIN, action="add_feedback")
        if not isinstance(viewer, Viewer):
            return viewer
        text = str(form.get("feedback", "") if isinstance(form, dict) else "")[:5000]
        i18n = await self.get_state(I18nState)
        try:
            with session_scope() as session:
                practice.add_mentor_feedback(session, mentor_id=viewer.id, session_id=to_int(self.report.get("id")),
                                             text=text, is_admin=viewer.role == Role.ADMIN.value)
                report = practice.get_report(session, user_id=viewer.id, session_id=to_int(self.report.get("id")),
                                             is_admin=viewer.role == Role.ADMIN.value)
        except ServiceError as err:
            self.feedback_error = i18n._text(err.message_key, **err.params)
            return
        self.feedback_error = ""
        self._fill(report, viewer)
        return rx.toast.success(i18n._text("practice.feedback_saved"))
