"""Profiles service: the profile form (users columns), onboarding (user_profiles) and the
interface language. Every refusal must leave the stored account as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlmodel import Session, select

from aesp_app.i18n import CATALOGS, translate
from aesp_app.models.accounts import Role, User, UserProfile
from aesp_app.services import profiles
from aesp_app.services.errors import CommonError, ServiceError
from aesp_app.services.profiles import ProfileError, ProfileUpdate


def make_user(session: Session, username: str = "learner", role: Role = Role.LEARNER, with_profile: bool = True) -> User:
    user = User(username=username, email=f"{username}@example.com", role=role.value, password_hash="x")
    session.add(user)
    session.flush()
    if with_profile:
        session.add(UserProfile(user_id=user.id))
    session.commit()
    return user


def fresh(session: Session) -> Session:
    return Session(session.get_bind(), expire_on_commit=False)


def stored(session: Session, user_id: int) -> tuple[dict, dict | None]:
    """The committed user row and profile row, read through another Session."""
    with fresh(session) as other:
        user = other.get(User, user_id).model_dump()
        profile = other.exec(select(UserProfile).where(UserProfile.user_id == user_id)).first()
        return user, (profile.model_dump() if profile else None)


def expect(code, fn, *args, **kwargs) -> ServiceError:  # noqa: ANN001, ANN002, ANN003
    with pytest.raises(ServiceError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, f"expected {code}, got {info.value.code} {info.value.params}"
    for lang in CATALOGS:
        assert info.value.message_key in CATALOGS[lang]
        assert "{" not in translate(info.value.message_key, lang, **info.value.params)
    return info.value


def full_update(**changes) -> ProfileUpdate:  # noqa: ANN003
    base = ProfileUpdate(
        full_name="  Phạm Minh Châu ",
        phone="+84 912 345 678",
        birth_date="1998-07-15",
        gender="female",
        address="12 Lý Thường Kiệt, Hoàn Kiếm",
        city="Hà Nội",
        country="Việt Nam",
        avatar_url="https://cdn.example.com/avatars/chau.png",
        bio="Tôi muốn luyện nói tiếng Anh mỗi ngày.",
        specialty="IELTS Speaking",
        timezone="Asia/Bangkok",
        language="en",
    )
    return dataclasses.replace(base, **changes)


def test_update_profile_saves_every_field(session):
    user = make_user(session)
    profiles.update_profile(session, user_id=user.id, data=full_update())
    session.commit()
    row, profile = stored(session, user.id)
    assert row["full_name"] == "Phạm Minh Châu"
    assert row["phone"] == "+84 912 345 678"
    assert row["birth_date"] == dt.date(1998, 7, 15)
    assert row["gender"] == "female"
    assert row["address"] == "12 Lý Thường Kiệt, Hoàn Kiếm"
    assert row["city"] == "Hà Nội"
    assert row["country"] == "Việt Nam"
    assert row["avatar_url"] == "https://cdn.example.com/avatars/chau.png"
    assert row["bio"] == "Tôi muốn luyện nói tiếng Anh mỗi ngày."
    assert row["timezone"] == "Asia/Bangkok"
    assert row["language"] == "en"
    assert row["profile_completed"] is True
    assert row["specialty"] is None  # learners have no specialty
    assert profile["full_name"] == "Phạm Minh Châu"


def test_update_profile_clears_optional_fields(session):
    user = make_user(session)
    profiles.update_profile(session, user_id=user.id, data=full_update())
    session.commit()
    profiles.update_profile(session, user_id=user.id, data=ProfileUpdate())
    session.commit()
    row, profile = stored(session, user.id)
    for field in ("full_name", "phone", "birth_date", "gender", "address", "city", "country", "avatar_url", "bio"):
        assert row[field] is None, field
    assert row["profile_completed"] is False
    assert row["timezone"] == "Asia/Ho_Chi_Minh" and row["language"] == "vi"
    assert profile["full_name"] is None


def test_update_profile_limits_accepted_at_the_edge(session):
    user = make_user(session, "mentor", role=Role.MENTOR)
    data = full_update(
        full_name="N" * 100, city="C" * 100, country="Q" * 100, bio="B" * 2000, address="A" * 255, specialty="S" * 100,
        phone="0" * 8, avatar_url="https://e.com/" + "a" * (500 - len("https://e.com/")),
    )
    profiles.update_profile(session, user_id=user.id, data=data)
    session.commit()
    row, _ = stored(session, user.id)
    assert (len(row["full_name"]), len(row["city"]), len(row["bio"]), len(row["address"]), len(row["avatar_url"])) == (100, 100, 2000, 255, 500)
    assert row["specialty"] == "S" * 100


def _years_ago(years: int, days: int = 0) -> str:
    today = dt.datetime.now(dt.UTC).date()
    try:
        then = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        then = today.replace(year=today.year - years, day=28)
    return (then + dt.timedelta(days=days)).isoformat()


BAD_UPDATES = [
    ("phone_letters", dict(phone="09abc12345"), ProfileError.PHONE_INVALID),
    ("phone_short", dict(phone="0912345"), ProfileError.PHONE_INVALID),
    ("phone_long", dict(phone="0" * 21), ProfileError.PHONE_INVALID),
    ("phone_plus_inside", dict(phone="0912+345678"), ProfileError.PHONE_INVALID),
    ("birth_future", dict(birth_date=(dt.date.today() + dt.timedelta(days=30)).isoformat()), ProfileError.BIRTH_DATE_INVALID),
    ("birth_4_years_ago", dict(birth_date=_years_ago(4)), ProfileError.BIRTH_DATE_INVALID),
    ("birth_one_day_short_of_5_years", dict(birth_date=_years_ago(5, days=1)), ProfileError.BIRTH_DATE_INVALID),
    ("birth_1800", dict(birth_date="1800"), ProfileError.BIRTH_DATE_INVALID),
    ("birth_1800_full", dict(birth_date="1800-01-01"), ProfileError.BIRTH_DATE_INVALID),
    ("birth_1899", dict(birth_date="1899-12-31"), ProfileError.BIRTH_DATE_INVALID),
    ("birth_not_a_date", dict(birth_date="yesterday"), ProfileError.BIRTH_DATE_INVALID),
    ("birth_feb_30", dict(birth_date="2001-02-30"), ProfileError.BIRTH_DATE_INVALID),
    ("birth_vn_format", dict(birth_date="15/07/1998"), ProfileError.BIRTH_DATE_INVALID),
    ("gender_x", dict(gender="x"), ProfileError.GENDER_INVALID),
    ("avatar_javascript", dict(avatar_url="javascript:alert(document.cookie)"), ProfileError.AVATAR_INVALID),
    ("avatar_data", dict(avatar_url="data:image/png;base64,AAAA"), ProfileError.AVATAR_INVALID),
    ("avatar_relative", dict(avatar_url="//evil.example.com/a.png"), ProfileError.AVATAR_INVALID),
    ("avatar_space", dict(avatar_url="https://e.com/a b.png"), ProfileError.AVATAR_INVALID),
    ("avatar_501", dict(avatar_url="https://e.com/" + "a" * (501 - len("https://e.com/"))), ProfileError.AVATAR_INVALID),
    ("timezone_unknown", dict(timezone="Mars/Olympus_Mons"), ProfileError.TIMEZONE_INVALID),
    ("timezone_empty", dict(timezone=""), ProfileError.TIMEZONE_INVALID),
    ("timezone_path", dict(timezone="../../etc/passwd"), ProfileError.TIMEZONE_INVALID),
    ("language_fr", dict(language="fr"), ProfileError.LANGUAGE_INVALID),
    ("language_empty", dict(language=""), ProfileError.LANGUAGE_INVALID),
    ("bio_2001", dict(bio="b" * 2001), CommonError.TOO_LONG),
    ("city_101", dict(city="c" * 101), CommonError.TOO_LONG),
    ("full_name_101", dict(full_name="n" * 101), CommonError.TOO_LONG),
    ("country_101", dict(country="q" * 101), CommonError.TOO_LONG),
    ("address_256", dict(address="a" * 256), CommonError.TOO_LONG),
    ("specialty_101", dict(specialty="s" * 101), CommonError.TOO_LONG),
]


@pytest.mark.parametrize("changes, code", [pytest.param(c, e, id=i) for i, c, e in BAD_UPDATES])
def test_update_profile_refusals_change_nothing(session, changes, code):
    user = make_user(session, "mentor", role=Role.MENTOR)
    profiles.update_profile(session, user_id=user.id, data=ProfileUpdate(full_name="Before", city="Huế", phone="0912345678"))
    session.commit()
    before = stored(session, user.id)
    err = expect(code, profiles.update_profile, session, user_id=user.id, data=full_update(**changes))
    if code == CommonError.TOO_LONG:
        field = next(iter(changes))
        assert err.params == {"field": profiles.TEXT_LIMITS[field][1], "max": profiles.TEXT_LIMITS[field][0]}
        assert all(err.params["field"] in CATALOGS[lang] for lang in CATALOGS)
    session.commit()  # even a caller that commits after the refusal stores nothing
    assert stored(session, user.id) == before


def test_phone_that_passes_validation_fits_the_column(session):
    user = make_user(session)
    phone = "+" + "1" * 20
    try:
        profiles.update_profile(session, user_id=user.id, data=ProfileUpdate(phone=phone))
        session.commit()
    except ServiceError as err:
        assert err.code == ProfileError.PHONE_INVALID
        return
    except Exception:  # noqa: BLE001  (a database error: the value did not fit)
        session.rollback()
        pytest.fail("a phone number that passed validation did not fit users.phone")
    row, _ = stored(session, user.id)
    assert row["phone"] == phone and len(phone) <= 20


@pytest.mark.parametrize("phone", ["--------", "........", "- - - - -"])
def test_phone_needs_digits(session, phone):
    user = make_user(session)
    expect(ProfileError.PHONE_INVALID, profiles.update_profile, session, user_id=user.id, data=ProfileUpdate(phone=phone))


def test_birth_date_exactly_five_years_ago_is_accepted(session):
    user = make_user(session)
    saved = profiles.update_profile(session, user_id=user.id, data=ProfileUpdate(birth_date=_years_ago(5)))
    assert saved.birth_date.isoformat() == _years_ago(5)
    saved = profiles.update_profile(session, user_id=user.id, data=ProfileUpdate(birth_date="1900-01-01"))
    assert saved.birth_date.isoformat() == "1900-01-01"


def test_birth_date_check_on_29_february(session, monkeypatch):
    leap_day = dt.datetime(2028, 2, 29, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(profiles, "utcnow", lambda: leap_day)
    user = make_user(session)
    profiles.update_profile(session, user_id=user.id, data=ProfileUpdate(birth_date="2000-05-01"))
    assert session.get(User, user.id).birth_date == dt.date(2000, 5, 1)


def test_update_profile_unknown_user(session):
    expect(CommonError.NOT_FOUND, profiles.update_profile, session, user_id=987654, data=ProfileUpdate())


@pytest.mark.parametrize(
    "missing",
    [None, "full_name", "phone", "birth_date", "city"],
)
def test_profile_completed(session, missing):
    user = make_user(session)
    data = full_update(**({missing: ""} if missing else {}))
    assert profiles.update_profile(session, user_id=user.id, data=data).profile_completed is (missing is None)
    session.commit()
    assert stored(session, user.id)[0]["profile_completed"] is (missing is None)


def test_specialty_only_for_mentors(session):
    learner = make_user(session, "learner")
    mentor = make_user(session, "mentor", role=Role.MENTOR)
    admin = make_user(session, "admin", role=Role.ADMIN)
    for user in (learner, mentor, admin):
        profiles.update_profile(session, user_id=user.id, data=full_update(specialty="Business English"))
    session.commit()
    assert stored(session, learner.id)[0]["specialty"] is None
    assert stored(session, mentor.id)[0]["specialty"] == "Business English"
    assert stored(session, admin.id)[0]["specialty"] is None
    # An empty field clears a mentor's specialty.
    profiles.update_profile(session, user_id=mentor.id, data=full_update(specialty=""))
    session.commit()
    assert stored(session, mentor.id)[0]["specialty"] is None


def test_update_profile_creates_missing_profile_row(session):
    user = make_user(session, with_profile=False)
    profiles.update_profile(session, user_id=user.id, data=full_update())
    session.commit()
    _, profile = stored(session, user.id)
    assert profile is not None and profile["full_name"] == "Phạm Minh Châu"


# --- onboarding ------------------------------------------------------------------------------


def test_save_onboarding(session):
    user = make_user(session)
    profile = profiles.save_onboarding(session, user_id=user.id, level="B1", goal="career", preference="speaking")
    session.commit()
    assert profile.onboarding_completed is True
    _, row = stored(session, user.id)
    assert (row["grade_level"], row["primary_goal"], row["study_preference"], row["onboarding_completed"]) == ("B1", "career", "speaking", True)
    # Saving again updates the same row.
    profiles.save_onboarding(session, user_id=user.id, level="C2", goal="exam", preference="mixed")
    session.commit()
    with fresh(session) as other:
        rows = list(other.exec(select(UserProfile).where(UserProfile.user_id == user.id)))
    assert len(rows) == 1 and rows[0].grade_level == "C2"


def test_save_onboarding_without_profile_row(session):
    user = make_user(session, with_profile=False)
    profiles.save_onboarding(session, user_id=user.id, level="A1", goal="travel", preference="lessons")
    session.commit()
    assert stored(session, user.id)[1]["onboarding_completed"] is True


@pytest.mark.parametrize(
    "level, goal, preference",
    [
        ("Z9", "career", "speaking"),
        ("b1", "career", "speaking"),
        ("", "career", "speaking"),
        ("B1", "fame", "speaking"),
        ("B1", "", "speaking"),
        ("B1", "career", "sleeping"),
        ("B1", "career", ""),
    ],
)
def test_save_onboarding_refuses_unknown_choices(session, level, goal, preference):
    user = make_user(session)
    before = stored(session, user.id)
    expect(ProfileError.CHOICE_INVALID, profiles.save_onboarding, session, user_id=user.id, level=level, goal=goal, preference=preference)
    session.commit()
    assert stored(session, user.id) == before
    assert before[1]["onboarding_completed"] is False


def test_every_onboarding_choice_is_accepted(session):
    user = make_user(session)
    for level in profiles.LEVELS:
        for goal in profiles.GOALS:
            for preference in profiles.PREFERENCES:
                saved = profiles.save_onboarding(session, user_id=user.id, level=level, goal=goal, preference=preference)
                assert (saved.grade_level, saved.primary_goal, saved.study_preference) == (level, goal, preference)
                assert saved.onboarding_completed


# --- language --------------------------------------------------------------------------------


def test_set_language(session):
    user = make_user(session)
    profiles.set_language(session, user_id=user.id, language="en")
    session.commit()
    assert stored(session, user.id)[0]["language"] == "en"
    expect(ProfileError.LANGUAGE_INVALID, profiles.set_language, session, user_id=user.id, language="fr")
    expect(ProfileError.LANGUAGE_INVALID, profiles.set_language, session, user_id=user.id, language="")
    session.commit()
    assert stored(session, user.id)[0]["language"] == "en"
    profiles.set_language(session, user_id=user.id, language="vi")
    session.commit()
    assert stored(session, user.id)[0]["language"] == "vi"


def test_save_onboarding_unknown_user(session):
    try:
        expect(CommonError.NOT_FOUND, profiles.save_onboarding, session, user_id=987654, level="B1", goal="career", preference="mixed")
    finally:
        session.rollback()
