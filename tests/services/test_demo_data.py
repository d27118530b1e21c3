"""Demo data: idempotent, seed 001's five sample products with every package and price exactly,
working demo logins, the catalogue links of seed 000's packages and plans, and the practice
topics."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

from aesp_app.models.accounts import User, UserProfile
from aesp_app.models.catalog import (
    Bundle,
    BundleItem,
    Course,
    Product,
    ProductPackage,
    ProductPrerequisite,
    ProductRelated,
    Specialization,
    SpecializationCourse,
)
from aesp_app.models.commerce import ServicePackage, SubscriptionPlan
from aesp_app.models.gamification import Achievement
from aesp_app.models.learning import Subject, Topic
from aesp_app.models.mentoring import MentorAssignment
from aesp_app.models.practice import LearnerProgress
from aesp_app.services import demo_data, security
from aesp_app.services.demo_data import load_demo_data

SLUG_RULE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Seed 001, "Dữ liệu mẫu": (title, type, [(package, sale price, original price, is_free)])
SAMPLE_PRODUCTS = [
    ("Hướng nghiệp trực tuyến", "career_test", [
        ("Gói Khởi động", 0, 0, True),
        ("Gói Tăng tốc", 1_975_000, 1_975_000, False),
    ]),
    ("Viết luận tăng cường", "course", [
        ("Nhóm 6 học viên", 5_199_000, 6_999_000, False),
        ("Nhóm 4 học viên", 7_600_000, 9_999_000, False),
        ("Học cá nhân 1:1", 19_800_000, 21_000_000, False),
    ]),
    ("Essay Coaching", "course", [
        ("Essay Coaching 1:1", 899_000, 1_299_000, False),
    ]),
    ("CV và Phỏng vấn", "course", [
        ("Cố vấn Thành viên", 9_900_000, 9_900_000, False),
        ("Cố vấn Cao cấp", 15_900_000, 15_900_000, False),
    ]),
    ("Hướng nghiệp cùng chuyên gia", "consultation", [
        ("Gói Học đường", 14_750_000, 14_750_000, False),
        ("Gói Toàn diện", 24_750_000, 24_750_000, False),
    ]),
]

DEMO_LOGINS = [
    ("admin@pac.edu.vn", "admin", "admin", "admin"),
    ("customer@example.com", "customer", "customer", "learner"),
    ("mentor@aesp.vn", "mentor", "mentor12345", "mentor"),
    ("learner1@aesp.vn", "learner1", "learner12345", "learner"),
    ("learner2@aesp.vn", "learner2", "learner12345", "learner"),
    ("learner3@aesp.vn", "learner3", "learner12345", "learner"),
]


@pytest.fixture
def fast_hashing(monkeypatch):
    """bcrypt at 4 rounds so the loader is quick; only the login test needs the real cost."""
    monkeypatch.setattr(demo_data, "hash_password", lambda password: security.hash_password(password, rounds=4))


@pytest.fixture
def loaded(session, fast_hashing):
    counts = load_demo_data(session)
    session.commit()
    return counts


def row_counts(session) -> dict[str, int]:
    return {
        table.name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


def product(session, title: str) -> Product:
    return session.exec(select(Product).where(Product.title == title)).one()


def test_loading_twice_changes_nothing(session, loaded):
    assert loaded["users"] == 6 and loaded["products"] >= 5 and loaded["topics"] >= 30
    before = row_counts(session)
    again = load_demo_data(session)
    session.commit()
    assert set(again.values()) == {0}
    assert row_counts(session) == before


def test_the_five_sample_products_with_every_package_and_price(session, loaded):
    for title, product_type, packages in SAMPLE_PRODUCTS:
        row = product(session, title)
        assert row.type == product_type
        assert row.status == "published" and row.deleted_at is None
        assert SLUG_RULE.match(row.slug), row.slug
        stored = session.exec(
            select(ProductPackage).where(ProductPackage.product_id == row.id).order_by(ProductPackage.sort_order)
        ).all()
        assert [
            (p.package_name, p.sale_price, p.original_price, p.is_free) for p in stored
        ] == [(name, Decimal(sale), Decimal(original), free) for name, sale, original, free in packages]
        assert all(isinstance(p.sale_price, Decimal) for p in stored)


def test_sample_package_details(session, loaded):
    packages = {p.package_name: p for p in session.exec(select(ProductPackage)).all()}
    assert "30 câu" in packages["Gói Khởi động"].package_description
    assert "5 trang" in packages["Gói Khởi động"].package_description
    assert "120 câu" in packages["Gói Tăng tốc"].package_description
    assert "25-26 trang" in packages["Gói Tăng tốc"].package_description
    assert [packages[n].group_size for n in ("Nhóm 6 học viên", "Nhóm 4 học viên", "Học cá nhân 1:1")] == [
        "Nhóm 6", "Nhóm 4", "1:1",
    ]
    assert "5-6 buổi" in packages["Gói Học đường"].package_description
    assert "môn học quốc tế" in packages["Gói Toàn diện"].package_description
    assert product(session, "Hướng nghiệp trực tuyến").slug == "huong-nghiep-truc-tuyen"


def test_each_typed_product_has_exactly_one_detail_row(session, loaded):
    detail = {"course": Course, "specialization": Specialization, "bundle": Bundle}
    types = Counter()
    for row in session.exec(select(Product)).all():
        assert SLUG_RULE.match(row.slug), row.slug
        if row.type in detail:
            types[row.type] += 1
            model = detail[row.type]
            assert len(session.exec(select(model).where(model.product_id == row.id)).all()) == 1, row.title
    assert types["course"] >= 6 and types["specialization"] >= 1 and types["bundle"] >= 1


def test_specialization_bundle_prerequisites_and_related(session, loaded):
    specialization = session.exec(select(Specialization)).one()
    series = session.exec(
        select(SpecializationCourse).where(SpecializationCourse.specialization_id == specialization.id)
        .order_by(SpecializationCourse.position)
    ).all()
    assert len(series) == 3
    assert session.exec(select(BundleItem)).all()
    assert session.exec(select(ProductPrerequisite)).all()
    assert session.exec(select(ProductRelated)).all()


def test_service_packages_and_paid_plans_are_sold_through_the_catalogue(session, loaded):
    packages = session.exec(select(ProductPackage)).all()
    sold_services = {p.service_package_id for p in packages if p.service_package_id}
    sold_plans = {p.subscription_plan_id for p in packages if p.subscription_plan_id}
    services = session.exec(select(ServicePackage)).all()
    assert len(services) >= 2 and {s.id for s in services} <= sold_services
    assert any(s.has_ai_advanced for s in services)
    plans = session.exec(select(SubscriptionPlan)).all()
    assert {p.id for p in plans if p.price > 0} <= sold_plans
    assert {p.period for p in plans} == {"month", "year"} and all(p.currency == "VND" for p in plans)
    # The catalogue price is the plan's or service package's price.
    for package in packages:
        if package.service_package_id:
            assert package.sale_price == session.get(ServicePackage, package.service_package_id).price
        if package.subscription_plan_id:
            assert package.sale_price == session.get(SubscriptionPlan, package.subscription_plan_id).price


def test_demo_logins_work(session):
    load_demo_data(session)  # real bcrypt cost, as an operator would load it
    session.commit()
    for email, username, password, role in DEMO_LOGINS:
        user = session.exec(select(User).where(User.email == email)).one()
        assert (user.username, user.role, user.status, user.email_verified) == (username, role, "active", True)
        assert security.verify_password(password, user.password_hash)
        assert not security.verify_password(password + "x", user.password_hash)
        assert user.password_hash.startswith(f"$2b${security.BCRYPT_ROUNDS:02d}$")


def test_mentor_and_learners(session, loaded):
    mentor = session.exec(select(User).where(User.username == "mentor")).one()
    assert mentor.specialty and mentor.hourly_rate > 0
    for username in ("learner1", "learner2", "learner3"):
        learner = session.exec(select(User).where(User.username == username)).one()
        assert session.exec(select(UserProfile).where(UserProfile.user_id == learner.id)).one()
        assert session.exec(select(LearnerProgress).where(LearnerProgress.user_id == learner.id)).one()
    assert session.exec(select(MentorAssignment).where(MentorAssignment.mentor_id == mentor.id)).all()


def test_practice_topics_cover_every_category_and_level(session, loaded):
    subject = session.exec(select(Subject).where(Subject.name == "English Speaking")).one()
    topics = session.exec(select(Topic)).all()
    assert len(topics) >= 30
    assert all(t.subject_id == subject.id and t.is_active and t.scenario for t in topics)
    pairs = {(t.category, t.difficulty) for t in topics}
    assert pairs == {
        (c, d)
        for c in ("work", "travel", "daily", "social", "academic")
        for d in ("beginner", "intermediate", "advanced")
    }
    levels = {"beginner": 1, "intermediate": 2, "advanced": 3}
    assert all(t.difficulty_level == levels[t.difficulty] for t in topics)
    assert len([t for t in topics if t.is_daily_challenge]) == 1


def test_achievements(session, loaded):
    codes = {a.code for a in session.exec(select(Achievement)).all()}
    assert {"first_session", "streak_7", "sessions_10"} <= codes
