"""Catalogue administration: slugs per type, detail rows, status, soft delete and restore,
package prices."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlmodel import select

from aesp_app.models.catalog import Bundle, Course, Product, ProductPackage, Specialization
from aesp_app.services.catalog import admin
from aesp_app.services.catalog.listing import CatalogError, ProductQuery, list_products, product_detail
from aesp_app.services.catalog.slugs import base36
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import cart
from tests.catalog.conftest import make_category, make_user


def _code(excinfo) -> CatalogError:
    return excinfo.value.code


def _listed(session) -> set[str]:
    return {item.slug for item in list_products(session, query=ProductQuery(page_size=48)).items}


# --- slugs --------------------------------------------------------------------------------------


def test_slug_comes_from_the_title(session, make):
    product = make("Tiếng Anh giao tiếp -- Cơ bản!", publish=False)
    assert product.slug == "tieng-anh-giao-tiep-co-ban"


def test_same_title_in_the_same_type_gets_the_base36_suffix(session, make, monkeypatch):
    first = make("IELTS 7.0", publish=False)
    monkeypatch.setattr("aesp_app.services.catalog.slugs.current_ms", lambda: 1710473400000)
    second = make("IELTS 7.0", publish=False)
    third = make("IELTS 7.0", publish=False)
    assert first.slug == "ielts-7-0"
    assert second.slug == "ielts-7-0-" + base36(1710473400000) == "ielts-7-0-lts3p680"
    assert third.slug == "ielts-7-0-" + base36(1710473400001)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", third.slug)


def test_same_title_in_another_type_keeps_the_plain_slug(session, make):
    course = make("Career Compass", type="course", publish=False)
    test = make("Career Compass", type="career_test", publish=False)
    assert course.slug == test.slug == "career-compass"


def test_a_soft_deleted_product_keeps_its_slug(session, make):
    old = make("Pronunciation Lab")
    admin.soft_delete(session, product_id=old.id)
    new = make("Pronunciation Lab")
    assert new.slug.startswith("pronunciation-lab-") and new.slug != old.slug


def test_explicit_slugs_are_checked(session, make):
    make("Writing Clinic", publish=False)
    with pytest.raises(ServiceError) as exc:
        admin.create_product(session, data={"title": "Other", "short_description": "x", "type": "course",
                                            "slug": "writing-clinic"}, owner_id=None)
    assert _code(exc) == CatalogError.SLUG_TAKEN
    for bad in ("Upper-Case", "double--dash", "-lead", "trail-", "khóa-học"):
        with pytest.raises(ServiceError) as exc:
            admin.create_product(session, data={"title": "Other", "short_description": "x", "type": "course",
                                                "slug": bad}, owner_id=None)
        assert _code(exc) == CatalogError.SLUG_INVALID


def test_title_change_keeps_the_slug_and_a_new_slug_must_be_free(session, make):
    product = make("Speaking Basics", publish=False)
    other = make("Speaking Advanced", publish=False)
    admin.update_product(session, product_id=product.id, data={"title": "Speaking Basics 2"})
    assert product.slug == "speaking-basics" and product.title == "Speaking Basics 2"
    with pytest.raises(ServiceError) as exc:
        admin.update_product(session, product_id=product.id, data={"slug": other.slug})
    assert _code(exc) == CatalogError.SLUG_TAKEN
    admin.update_product(session, product_id=product.id, data={"slug": "speaking-basics-two"})
    assert product.slug == "speaking-basics-two"


# --- validation and detail rows -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"title": "", "short_description": "x", "type": "course"}, CatalogError.FIELD_REQUIRED),
        ({"title": "   ", "short_description": "x", "type": "course"}, CatalogError.FIELD_REQUIRED),
        ({"title": "T" * 256, "short_description": "x", "type": "course"}, CatalogError.FIELD_TOO_LONG),
        ({"title": "T", "short_description": "", "type": "course"}, CatalogError.FIELD_REQUIRED),
        ({"title": "T", "short_description": "x"}, CatalogError.FIELD_REQUIRED),
        ({"title": "T", "short_description": "x", "type": "ebook"}, CatalogError.TYPE_INVALID),
        ({"title": "T", "short_description": "x", "type": "course", "label": "cheap"}, CatalogError.LABEL_INVALID),
        ({"title": "T", "short_description": "x", "type": "course", "status": "live"}, CatalogError.STATUS_INVALID),
        ({"title": "T", "short_description": "x", "type": "course", "teaching_format": "tv"}, CatalogError.FIELD_INVALID),
        ({"title": "T", "short_description": "x", "type": "course", "thumbnail": "x" * 501}, CatalogError.FIELD_TOO_LONG),
        ({"title": "T", "short_description": "x", "type": "career_test", "question_count": 0}, CatalogError.FIELD_INVALID),
        ({"title": "T", "short_description": "x", "type": "course", "category_id": 999999}, CatalogError.CATEGORY_NOT_FOUND),
        ({"title": "!!!", "short_description": "x", "type": "course"}, CatalogError.SLUG_INVALID),
    ],
)
def test_create_validates_fields(session, data, code):
    with pytest.raises(ServiceError) as exc:
        admin.create_product(session, data=data, owner_id=None)
    assert _code(exc) == code
    assert session.exec(select(Product)).all() == []


def test_each_type_gets_exactly_its_detail_row(session, make):
    course = make("Course A", type="course", publish=False,
                  detail={"difficulty": "hard", "regular_price": 900_000, "discounted_price": 700_000,
                          "requirements": "B1"})
    spec = make("Series A", type="specialization", publish=False, detail={"certificate_name": "AESP"})
    bundle = make("Bundle A", type="bundle", publish=False, detail={"discount_percent": 15})
    test = make("Test A", type="career_test", publish=False, question_count=120)

    def rows(product):
        return tuple(len(session.exec(select(model).where(model.product_id == product.id)).all())
                     for model in (Course, Specialization, Bundle))

    assert rows(course) == (1, 0, 0)
    assert rows(spec) == (0, 1, 0)
    assert rows(bundle) == (0, 0, 1)
    assert rows(test) == (0, 0, 0)
    row = session.exec(select(Course).where(Course.product_id == course.id)).one()
    assert (row.difficulty, row.regular_price, row.discounted_price) == ("hard", Decimal(900000), Decimal(700000))


def test_detail_row_values_are_checked(session):
    base = {"title": "C", "short_description": "x", "type": "course"}
    for detail, code in (({"difficulty": "extreme"}, CatalogError.FIELD_INVALID),
                         ({"regular_price": 100, "discounted_price": 200}, CatalogError.SALE_ABOVE_ORIGINAL),
                         ({"regular_price": -1}, CatalogError.PRICE_INVALID),
                         ({"colour": "red"}, CatalogError.FIELD_INVALID)):
        with pytest.raises(ServiceError) as exc:
            admin.create_product(session, data=base, owner_id=None, detail=detail)
        assert _code(exc) == code
    with pytest.raises(ServiceError) as exc:
        admin.create_product(session, data={**base, "type": "bundle"}, owner_id=None, detail={"discount_percent": 120})
    assert _code(exc) == CatalogError.FIELD_INVALID


# --- status -------------------------------------------------------------------------------------


def test_new_products_are_drafts_and_publishing_needs_a_package(session, make):
    product = make("Draft One", price=None, publish=False)
    assert product.status == "draft" and product.published_at is None
    assert "draft-one" not in _listed(session)
    with pytest.raises(ServiceError) as exc:
        admin.set_status(session, product_id=product.id, status="published")
    assert _code(exc) == CatalogError.PUBLISH_NEEDS_PACKAGE
    admin.add_package(session, product_id=product.id, data={"package_name": "Full", "original_price": 100_000})
    admin.set_status(session, product_id=product.id, status="published")
    assert product.published_at is not None
    assert "draft-one" in _listed(session)


def test_archived_is_hidden_from_the_shop_and_can_be_published_again(session, make):
    product = make("Archive Me")
    admin.set_status(session, product_id=product.id, status="archived")
    assert "archive-me" not in _listed(session)
    assert product_detail(session, type="course", slug="archive-me") is None
    admin_list = admin.list_products_admin(session)
    assert [(row.slug, row.status) for row in admin_list.items] == [("archive-me", "archived")]
    assert [row.slug for row in admin.list_products_admin(session, status="archived").items] == ["archive-me"]
    first_published = product.published_at
    admin.set_status(session, product_id=product.id, status="published")
    assert "archive-me" in _listed(session)
    assert product_detail(session, type="course", slug="archive-me") is not None
    assert product.published_at == first_published


def test_status_values_are_checked(session, make):
    product = make("Status")
    with pytest.raises(ServiceError) as exc:
        admin.set_status(session, product_id=product.id, status="deleted")
    assert _code(exc) == CatalogError.STATUS_INVALID
    with pytest.raises(ServiceError) as exc:
        admin.set_status(session, product_id=987654, status="archived")
    assert _code(exc) == CatalogError.PRODUCT_NOT_FOUND
    admin.update_product(session, product_id=product.id, data={"status": "draft"})
    assert product.status == "draft"


# --- soft delete and restore --------------------------------------------------------------------


def test_soft_deleted_is_hidden_everywhere_and_restorable(session, make):
    user = make_user(session)
    product = make("Gone Soon")
    package = session.exec(select(ProductPackage).where(ProductPackage.product_id == product.id)).one()
    owner = cart.CartOwner.member(user.id)
    cart.add_item(session, owner=owner, package_id=package.id)

    admin.soft_delete(session, product_id=product.id)
    assert product.deleted_at is not None and product.status == "published"
    assert "gone-soon" not in _listed(session)
    assert product_detail(session, type="course", slug="gone-soon") is None
    assert admin.list_products_admin(session).items == ()
    assert [row.slug for row in admin.list_products_admin(session, include_deleted=True).items] == ["gone-soon"]
    assert [row.deleted for row in admin.list_products_admin(session, only_deleted=True).items] == [True]
    assert cart.cart_view(session, owner=owner).lines[0].unavailable
    for call in (lambda: admin.set_status(session, product_id=product.id, status="archived"),
                 lambda: admin.update_product(session, product_id=product.id, data={"title": "X"}),
                 lambda: admin.soft_delete(session, product_id=product.id),
                 lambda: admin.add_package(session, product_id=product.id, data={"package_name": "P", "original_price": 1})):
        with pytest.raises(ServiceError) as exc:
            call()
        assert _code(exc) == CatalogError.PRODUCT_DELETED

    restored = admin.restore(session, slug="gone-soon")
    assert restored.id == product.id and product.deleted_at is None and product.status == "published"
    assert "gone-soon" in _listed(session)
    assert not cart.cart_view(session, owner=owner).lines[0].unavailable


def test_restore_refusals(session, make):
    make("Live One")
    with pytest.raises(ServiceError) as exc:
        admin.restore(session, slug="live-one")
    assert _code(exc) == CatalogError.PRODUCT_NOT_DELETED
    with pytest.raises(ServiceError) as exc:
        admin.restore(session, slug="no-such-product")
    assert _code(exc) == CatalogError.PRODUCT_NOT_FOUND
    with pytest.raises(ServiceError) as exc:
        admin.restore(session, slug="live-one", type="ebook")
    assert _code(exc) == CatalogError.TYPE_INVALID


def test_restore_needs_the_type_when_the_slug_is_shared(session, make):
    course = make("Shared Name", type="course")
    test = make("Shared Name", type="career_test")
    admin.soft_delete(session, product_id=course.id)
    admin.soft_delete(session, product_id=test.id)
    with pytest.raises(ServiceError) as exc:
        admin.restore(session, slug="shared-name")
    assert _code(exc) == CatalogError.SLUG_AMBIGUOUS
    assert exc.value.params["types"] == "career_test, course"
    admin.restore(session, slug="shared-name", type="career_test")
    assert test.deleted_at is None and course.deleted_at is not None


def test_admin_search_is_literal(session, make):
    make("100% English", publish=False)
    make("1000 English words", publish=False)
    assert [r.title for r in admin.list_products_admin(session, search="100%").items] == ["100% English"]


# --- packages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"original_price": -1}, CatalogError.PRICE_INVALID),
        ({"original_price": 1.5}, CatalogError.PRICE_INVALID),
        ({"original_price": Decimal("100000.50")}, CatalogError.PRICE_INVALID),
        ({"original_price": "abc"}, CatalogError.PRICE_INVALID),
        ({"original_price": Decimal("NaN")}, CatalogError.PRICE_INVALID),
        ({"original_price": 100_000, "sale_price": 150_000}, CatalogError.SALE_ABOVE_ORIGINAL),
        ({"original_price": 0, "sale_price": 0}, CatalogError.PRICE_REQUIRED),
        ({"is_free": True, "original_price": 100_000, "sale_price": 50_000}, CatalogError.FREE_PACKAGE_PRICED),
        ({"package_name": "", "original_price": 1}, CatalogError.FIELD_REQUIRED),
        ({"original_price": 1, "access_days": 0}, CatalogError.FIELD_INVALID),
        ({"original_price": 1, "special_features": [1, 2]}, CatalogError.FIELD_INVALID),
    ],
)
def test_package_prices_are_validated(session, make, data, code):
    product = make("Priced", price=None, publish=False)
    with pytest.raises(ServiceError) as exc:
        admin.add_package(session, product_id=product.id, data={"package_name": "Gói", **data})
    assert _code(exc) == code


def test_packages_add_update_deactivate(session, make):
    product = make("Packaged", price=None, publish=False)
    free = admin.add_package(session, product_id=product.id, data={"package_name": "Gói Miễn phí", "is_free": True,
                                                                    "original_price": 200_000})
    paid = admin.add_package(session, product_id=product.id, data={
        "package_name": "Gói Tăng tốc", "original_price": "2000000", "sale_price": Decimal("1975000"),
        "special_features": ["120 câu hỏi", "Báo cáo 25-26 trang"]})
    twin = admin.add_package(session, product_id=product.id, data={"package_name": "Gói Tăng tốc", "original_price": 1})
    assert (free.package_slug, paid.package_slug) == ("goi-mien-phi", "goi-tang-toc")
    assert twin.package_slug.startswith("goi-tang-toc-")
    assert (paid.original_price, paid.sale_price, paid.sort_order) == (Decimal(2000000), Decimal(1975000), 1)
    assert cart.unit_price(free) == 0 and cart.unit_price(paid) == Decimal(1975000)

    with pytest.raises(ServiceError) as exc:  # checked against the stored original price
        admin.update_package(session, package_id=paid.id, data={"sale_price": 2_500_000})
    assert _code(exc) == CatalogError.SALE_ABOVE_ORIGINAL
    admin.update_package(session, package_id=paid.id, data={"original_price": 3_000_000, "sale_price": 2_500_000})
    assert paid.sale_price == Decimal(2500000)
    with pytest.raises(ServiceError) as exc:
        admin.update_package(session, package_id=free.id, data={"is_free": False, "original_price": 0})
    assert _code(exc) == CatalogError.PRICE_REQUIRED

    admin.set_status(session, product_id=product.id, status="published")
    detail = product_detail(session, type="course", slug="packaged")
    assert [p.name for p in detail.packages] == ["Gói Miễn phí", "Gói Tăng tốc", "Gói Tăng tốc"]
    assert detail.packages[1].features == ("120 câu hỏi", "Báo cáo 25-26 trang")
    admin.deactivate_package(session, package_id=twin.id)
    detail = product_detail(session, type="course", slug="packaged")
    assert [p.id for p in detail.packages] == [free.id, paid.id]
    with pytest.raises(ServiceError) as exc:
        admin.deactivate_package(session, package_id=123456)
    assert _code(exc) == CatalogError.PACKAGE_NOT_FOUND


def test_deactivated_package_is_unavailable_in_carts(session, make):
    user = make_user(session)
    product = make("Cart Item")
    package = session.exec(select(ProductPackage).where(ProductPackage.product_id == product.id)).one()
    owner = cart.CartOwner.member(user.id)
    cart.add_item(session, owner=owner, package_id=package.id)
    admin.deactivate_package(session, package_id=package.id)
    view = cart.cart_view(session, owner=owner)
    assert view.lines[0].unavailable and view.total == 0


def test_category_is_checked_on_update(session, make):
    category = make_category(session, "ielts")
    product = make("Categorised", publish=False)
    admin.update_product(session, product_id=product.id, data={"category_id": category.id})
    assert product.category_id == category.id
    with pytest.raises(ServiceError) as exc:
        admin.update_product(session, product_id=product.id, data={"category_id": category.id + 100})
    assert _code(exc) == CatalogError.CATEGORY_NOT_FOUND
    with pytest.raises(ServiceError) as exc:
        admin.update_product(session, product_id=product.id, data={"type": "bundle"})
    assert _code(exc) == CatalogError.FIELD_INVALID


def test_sqlmodel_create_and_update_objects_are_accepted(session):
    from aesp_app.models.catalog import ProductCreate, ProductUpdate

    product = admin.create_product(session, data=ProductCreate(title="Kids English", slug="", type="course",
                                                               short_description="Cho trẻ 6-10 tuổi"), owner_id=None)
    assert (product.slug, product.status, product.label) == ("kids-english", "draft", "new")
    admin.update_product(session, product_id=product.id, data=ProductUpdate(label="hot"))
    assert (product.label, product.title) == ("hot", "Kids English")
