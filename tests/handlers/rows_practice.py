"""Authorization rows for the practice room (the learner's own sessions; mentors comment)."""

from tests.handlers.roles import LEARNER, MEMBERS, MENTOR

ROWS = {
    "PracticeTopicsState.load": (LEARNER, {}),
    "PracticeTopicsState.filter": (LEARNER, {"category": "travel", "level": "nope"}),
    "PracticeTopicsState.start": (LEARNER, {"topic_id": 999999, "with_mentor": True}),
    "PracticeRoomState.load": (LEARNER, {}),
    "PracticeRoomState.send_text": (LEARNER, {"form": {"answer": "Hello"}}),
    "PracticeRoomState.mic_started": (frozenset({"anonymous", "learner", "mentor", "admin"}), {"result": {"error": "denied"}}),
    "PracticeRoomState.mic_pressed": (frozenset({"anonymous", "learner", "mentor", "admin"}), {"drill_index": 0}),
    "PracticeRoomState.audio_recorded": (LEARNER, {"result": {"error": "denied"}}),
    "PracticeRoomState.finish": (LEARNER, {}),
    "PracticeReportState.load": (MEMBERS, {}),
    "PracticeReportState.load_history": (LEARNER, {}),
    "PracticeReportState.add_feedback": (MENTOR, {"form": {"feedback": "Good work"}}),
}

ROWS["MentorState.load"] = (MENTOR, {})
ROWS["PracticeTopicsState.start_with_peer"] = (LEARNER, {"form": {"peer": "nobody", "topic_id": "1"}})
