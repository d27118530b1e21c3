"""Profile (seed 000's user fields) and onboarding (seed 002's user_profiles)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re

from sqlmodel import Session, select

from aesp_app.models.accounts import Role, User, UserProfile
from aesp_app.services.clock import is_valid_zone, utcnow
from aesp_app.services.errors import CommonError, ServiceError


class ProfileError(str, enum.Enum):
    PHONE_INVALID = "profile.phone_invalid"
    BIRTH_DATE_INVALID = "profile.birth_date_invalid"
    GENDER_INVALID = "profile.gender_invalid"
    AVATAR_INVALID = "profile.avatar_invalid"
    TIMEZONE_INVALID = "profile.timezone_invalid"
    LANGUAGE_INVALID = "profile.language_invalid"
    CHOICE_INVALID = "profile.choice_invalid"


LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
GOALS = ("communication", "career", "travel", "exam", "study_abroad")
PREFERENCES = ("speaking", "lessons", "mentor", "mixed")
GENDERS = ("male", "female", "other")
LANGUAGES = ("vi", "en")
# At most 20 characters (the column), at least 8 digits, optional leading +, spaces, dots, dashes.
PHONE_RE = re.compile(r"^(?=.{8,20}$)(?=(?:\D*\d){8})\+?[0-9 .-]+$")

# field: (max length, label key) — lengths are the seeds' VARCHAR sizes.
TEXT_LIMITS = {
    "full_name": (100, "form.full_name"),
    "address": (255, "profile.address"),
    "city": (100, "profile.city"),
    "country": (100, "profile.country"),
    "bio": (2000, "profile.bio"),
    "specialty": (100, "profile.specialty"),
}


@dataclasses.dataclass
class ProfileUpdate:
    full_name: str = ""
    phone: str = ""
    birth_date: str = ""  # YYYY-MM-DD from a date input; empty clears it
    gender: str = ""
    address: str = ""
    city: str = ""
    country: str = ""
    avatar_url: str = ""
    bio: str = ""
    specialty: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    language: str = "vi"


def _clean_text(value: str, field: str) -> str | None:
    value = (value or "").strip()
    limit, label = TEXT_LIMITS[field]
    if len(value) > limit:
        raise ServiceError(CommonError.TOO_LONG, field=label, max=limit)
    return value or None


def _parse_birth_date(raw: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ServiceError(ProfileError.BIRTH_DATE_INVALID) from exc
    today = utcnow().date()
    # 5 years before today; on 29 February the year before has none, so use the 28th.
    latest = today.replace(year=today.year - 5, day=28) if (today.month, today.day) == (2, 29) else today.replace(year=today.year - 5)
    if value.year < 1900 or value > latest:
        raise ServiceError(ProfileError.BIRTH_DATE_INVALID)
    return value


def update_profile(session: Session, *, user_id: int, data: ProfileUpdate) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise ServiceError(CommonError.NOT_FOUND)
    # Validate everything first so a bad field changes nothing.
    full_name = _clean_text(data.full_name, "full_name")
    address = _clean_text(data.address, "address")
    city = _clean_text(data.city, "city")
    country = _clean_text(data.country, "country")
    bio = _clean_text(data.bio, "bio")
    specialty = _clean_text(data.specialty, "specialty")
    phone = (data.phone or "").strip() or None
    if phone and not PHONE_RE.match(phone):
        raise ServiceError(ProfileError.PHONE_INVALID)
    birth_date = _parse_birth_date(data.birth_date)
    gender = (data.gender or "").strip() or None
    if gender and gender not in GENDERS:
        raise ServiceError(ProfileError.GENDER_INVALID)
    avatar_url = (data.avatar_url or "").strip() or None
    if avatar_url and (len(avatar_url) > 500 or not avatar_url.startswith(("http://", "https://")) or " " in avatar_url):
        raise ServiceError(ProfileError.AVATAR_INVALID)
    if not is_valid_zone(data.timezone or ""):
        raise ServiceError(ProfileError.TIMEZONE_INVALID)
    if data.language not in LANGUAGES:
        raise ServiceError(ProfileError.LANGUAGE_INVALID)

    user.full_name, user.phone, user.birth_date, user.gender = full_name, phone, birth_date, gender
    user.address, user.city, user.country, user.avatar_url, user.bio = address, city, country, avatar_url, bio
    if user.role == Role.MENTOR.value:
        user.specialty = specialty
    user.timezone, user.language = data.timezone, data.language
    user.profile_completed = bool(full_name and phone and birth_date and city)
    session.add(user)
    profile = get_or_create_profile(session, user_id=user.id)
    profile.full_name = full_name
    session.add(profile)
    session.flush()
    return user


def set_language(session: Session, *, user_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise ServiceError(ProfileError.LANGUAGE_INVALID)
    user = session.get(User, user_id)
    if user is not None:
        user.language = language
        session.add(user)


def get_or_create_profile(session: Session, *, user_id: int) -> UserProfile:
    profile = session.exec(select(UserProfile).where(UserProfile.user_id == user_id)).first()
    if profile is None:
        profile = UserProfile(user_id=user_id)
        session.add(profile)
        session.flush()
    return profile


def save_onboarding(session: Session, *, user_id: int, level: str, goal: str, preference: str) -> UserProfile:
    if level not in LEVELS or goal not in GOALS or preference not in PREFERENCES:
        raise ServiceError(ProfileError.CHOICE_INVALID)
    if session.get(User, user_id) is None:
        raise ServiceError(CommonError.NOT_FOUND)
    profile = get_or_create_profile(session, user_id=user_id)
    profile.grade_level, profile.primary_goal, profile.study_preference = level, goal, preference
    profile.onboarding_completed = True
    session.add(profile)
    session.flush()
    return profile
