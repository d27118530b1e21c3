"""A product's page: fields, packages, detail rows, related order, prerequisites owned."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from aesp_app.models.catalog import (
    BundleItem, Bundle, Course, CourseRegister, ProductPrerequisite, ProductRelated, Specialization,
    SpecializationCourse,
)
from aesp_app.services.catalog import admin
from aesp_app.services.catalog.detail import parse_features
from aesp_app.services.catalog.listing import product_detail
from tests.catalog.conftest import make_category, make_user


def test_fields_packages_and_course_row(session, make):
    category = make_category(session, "career", "Hướng nghiệp")
    product = make("Hướng nghiệp trực tuyến", type="career_test", price=None, category_id=category.id, publish=False,
                   description="<p>Chi tiết</p>", question_count=120, age_range="15-22", report_pages="25-26",
                   duration="45 phút", target_audience="Học sinh", curriculum="1. ...", label="best_seller")
    admin.add_package(session, product_id=product.id, data={
        "package_name": "Gói Tăng tốc", "original_price": 2_000_000, "sale_price": 1_975_000, "group_size": "1",
        "special_features": "- 120 câu hỏi\n- Báo cáo 25-26 trang\n", "sort_order": 2})
    admin.add_package(session, product_id=product.id, data={
        "package_name": "Gói Khởi động", "original_price": 0, "is_free": True, "special_features": '["30 câu hỏi"]',
        "sort_order": 1})
    admin.set_status(session, product_id=product.id, status="published")
    detail = product_detail(session, type="career_test", slug="huong-nghiep-truc-tuyen")
    assert (detail.title, detail.question_count, detail.age_range, detail.report_pages) == (
        "Hướng nghiệp trực tuyến", 120, "15-22", "25-26")
    assert (detail.category_name, detail.category_slug, detail.label) == ("Hướng nghiệp", "career", "best_seller")
    assert (detail.duration, detail.target_audience, detail.curriculum) == ("45 phút", "Học sinh", "1. ...")
    assert [p.name for p in detail.packages] == ["Gói Khởi động", "Gói Tăng tốc"]
    free, paid = detail.packages
    assert (free.price, free.is_free, free.features) == (Decimal(0), True, ("30 câu hỏi",))
    assert (paid.price, paid.original_price, paid.group_size) == (Decimal(1975000), Decimal(2000000), "1")
    assert paid.features == ("120 câu hỏi", "Báo cáo 25-26 trang")
    assert detail.min_price == 0 and detail.course is None
    assert product_detail(session, type="course", slug="huong-nghiep-truc-tuyen") is None  # type is part of the key


def test_course_row_and_instructor_fields(session, make):
    make("Business English", learning_outcomes="Họp bằng tiếng Anh", instructor_info="Ms. Lan",
         teaching_format="online", detail={"requirements": "B1", "difficulty": "medium", "preview_img": "/p.png",
                                           "preview_video": "https://v", "regular_price": 900_000,
                                           "discounted_price": 500_000})
    detail = product_detail(session, type="course", slug="business-english")
    course = detail.course
    assert (course.requirements, course.learning_outcomes, course.difficulty) == ("B1", "Họp bằng tiếng Anh", "medium")
    assert (course.preview_img, course.preview_video) == ("/p.png", "https://v")
    assert (course.regular_price, course.discounted_price) == (Decimal(900000), Decimal(500000))
    assert (detail.instructor_info, detail.teaching_format) == ("Ms. Lan", "online")


def test_specialization_courses_and_bundle_items_in_order(session, make):
    courses = [make(f"Step {n}") for n in (1, 2, 3)]
    spec = make("Fluent Series", type="specialization")
    series = session.exec(select(Specialization).where(Specialization.product_id == spec.id)).one()
    for position, product in zip((2, 1, 3), courses, strict=True):
        course = session.exec(select(Course).where(Course.product_id == product.id)).one()
        session.add(SpecializationCourse(specialization_id=series.id, course_id=course.id, position=position))
    bundle_product = make("Starter Bundle", type="bundle", detail={"discount_percent": 13})
    bundle = session.exec(select(Bundle).where(Bundle.product_id == bundle_product.id)).one()
    session.add(BundleItem(bundle_id=bundle.id, product_id=courses[2].id, position=1))
    session.add(BundleItem(bundle_id=bundle.id, product_id=courses[0].id, position=2))
    session.flush()
    admin.set_status(session, product_id=courses[0].id, status="archived")

    detail = product_detail(session, type="specialization", slug="fluent-series")
    assert [(c.title, c.available) for c in detail.specialization.courses] == [
        ("Step 2", True), ("Step 1", False), ("Step 3", True)]
    detail = product_detail(session, type="bundle", slug="starter-bundle")
    assert detail.bundle.discount_percent == 13
    assert [i.title for i in detail.bundle.items] == ["Step 3", "Step 1"]


def test_related_products_in_their_order_and_only_visible_ones(session, make):
    main = make("Main")
    others = {name: make(name) for name in ("Alpha", "Bravo", "Charlie", "Delta")}
    for name, order in (("Alpha", 3), ("Bravo", 1), ("Charlie", 2), ("Delta", 0)):
        session.add(ProductRelated(product_id=main.id, related_id=others[name].id, order=order, notes=name.lower()))
    session.flush()
    admin.soft_delete(session, product_id=others["Delta"].id)
    detail = product_detail(session, type="course", slug="main")
    assert [(r.title, r.position, r.notes) for r in detail.related] == [
        ("Bravo", 1, "bravo"), ("Charlie", 2, "charlie"), ("Alpha", 3, "alpha")]


def test_prerequisites_say_whether_the_viewer_owns_them(session, make):
    basics = make("Basics")
    grammar = make("Grammar")
    advanced = make("Advanced")
    for required in (basics, grammar):
        session.add(ProductPrerequisite(product_id=advanced.id, required_id=required.id))
    learner = make_user(session, "learner")
    course = session.exec(select(Course).where(Course.product_id == basics.id)).one()
    session.add(CourseRegister(user_id=learner.id, course_id=course.id))
    session.flush()

    anonymous = product_detail(session, type="course", slug="advanced")
    assert [(p.title, p.owned) for p in anonymous.prerequisites] == [("Basics", False), ("Grammar", False)]
    mine = product_detail(session, type="course", slug="advanced", viewer_id=learner.id)
    assert [(p.title, p.owned) for p in mine.prerequisites] == [("Basics", True), ("Grammar", False)]
    assert [p.title for p in mine.missing_prerequisites] == ["Grammar"]
    other = make_user(session, "other")
    assert not any(p.owned for p in product_detail(session, type="course", slug="advanced", viewer_id=other.id).prerequisites)


def test_parse_features():
    assert parse_features(None) == () == parse_features("  ")
    assert parse_features('["a", " b ", "", null]') == ("a", "b")
    assert parse_features("• one\n* two\n\nthree") == ("one", "two", "three")
    assert parse_features("[not json") == ("[not json",)
