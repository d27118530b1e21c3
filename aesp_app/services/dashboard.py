"""What a learner's home page shows."""

from __future__ import annotations

from sqlmodel import Session, select

from aesp_app.models.accounts import User, UserProfile


def learner_summary(session: Session, *, user_id: int) -> dict[str, str]:
    user = session.get(User, user_id)
    profile = session.exec(select(UserProfile).where(UserProfile.user_id == user_id)).first()
    summary = {
        "level": (profile.grade_level if profile else "") or "",
        "goal": (profile.primary_goal if profile else "") or "",
        "onboarding_done": "1" if profile and profile.onboarding_completed else "",
        "email_verified": "1" if user and user.email_verified else "",
        "streak": "0",
        "xp": "0",
        "sessions": "0",
    }
    summary.update(_progress(session, user_id))
    summary.update(_challenge(session, user.timezone if user else None))
    return summary


def _challenge(session: Session, zone: str | None) -> dict[str, str]:
    """Today's daily challenge topic, if one is set up."""
    from aesp_app.services.practice.topics import daily_challenge

    topic = daily_challenge(session, zone=zone)
    if topic is None:
        return {}
    return {"challenge_id": str(topic.id), "challenge_title": topic.title, "challenge_xp": str(topic.xp_reward)}


def _progress(session: Session, user_id: int) -> dict[str, str]:
    try:
        from aesp_app.models.practice import LearnerProgress
    except ImportError:  # the practice tables are defined in their own module
        return {}
    progress = session.exec(select(LearnerProgress).where(LearnerProgress.user_id == user_id)).first()
    if progress is None:
        return {}
    return {
        "streak": str(progress.current_streak or 0),
        "xp": str(progress.xp_points or 0),
        "sessions": str(progress.total_sessions or 0),
    }
