"""A product's page: its fields, active packages, type detail row (course, specialization
series, bundle items), related products in order, prerequisites with whether the viewer already
owns each (the shop's ownership rule, shop.checkout.owned_product_ids) and its rating.

Visitors see published products that are not soft-deleted; anything else is None.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from aesp_app.models.catalog import (
    Bundle,
    BundleItem,
    Category,
    Course,
    PackageStatus,
    Product,
    ProductPackage,
    ProductPrerequisite,
    ProductRelated,
    Specialization,
    SpecializationCourse,
)
from aesp_app.services.catalog.listing import visible_to_shop
from aesp_app.services.shop.cart import unit_price
from aesp_app.services.shop.checkout import owned_product_ids


@dataclasses.dataclass(frozen=True)
class PackageInfo:
    id: int
    name: str
    slug: str
    description: str | None
    original_price: Decimal  # never below price
    sale_price: Decimal
    price: Decimal  # what the cart charges
    is_free: bool
    group_size: str | None
    access_days: int | None
    features: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class CourseInfo:
    requirements: str
    learning_outcomes: str | None  # the product's (one place, docs/schema.md)
    preview_video: str | None
    preview_img: str
    difficulty: str
    regular_price: Decimal
    discounted_price: Decimal
    schedule_status: str
    start_date: dt.datetime | None
    end_date: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class ProductLink:
    """Another product as a detail page shows it; `available` is False when it is not on sale
    (archived, draft or deleted) so the page can show it without a link."""

    id: int
    type: str
    slug: str
    title: str
    thumbnail: str
    available: bool
    position: int = 0
    notes: str | None = None
    owned: bool = False
    package_name: str | None = None


@dataclasses.dataclass(frozen=True)
class SpecializationInfo:
    difficulty: str
    requirements: str | None
    estimated_duration: str | None
    certificate_name: str | None
    courses: tuple[ProductLink, ...]


@dataclasses.dataclass(frozen=True)
class BundleInfo:
    discount_percent: int | None
    items: tuple[ProductLink, ...]


@dataclasses.dataclass(frozen=True)
class ProductDetail:
    id: int
    type: str
    slug: str
    title: str
    short_description: str
    description: str | None
    thumbnail: str
    label: str | None
    category_id: int | None
    category_name: str | None
    category_slug: str | None
    owner: int | None
    duration: str | None
    target_audience: str | None
    learning_outcomes: str | None
    curriculum: str | None
    question_count: int | None
    age_range: str | None
    report_pages: str | None
    instructor_info: str | None
    teaching_format: str | None
    rating_avg: float
    rating_cnt: int
    enrollment_cnt: int
    published_at: dt.datetime | None
    packages: tuple[PackageInfo, ...]
    course: CourseInfo | None
    specialization: SpecializationInfo | None
    bundle: BundleInfo | None
    related: tuple[ProductLink, ...]
    prerequisites: tuple[ProductLink, ...]

    @property
    def min_price(self) -> Decimal | None:
        return min((p.price for p in self.packages), default=None)

    @property
    def missing_prerequisites(self) -> tuple[ProductLink, ...]:
        return tuple(p for p in self.prerequisites if not p.owned)


def parse_features(raw: str | None) -> tuple[str, ...]:
    """special_features as a list: a JSON list of strings, or plain text one feature a line
    (leading bullets dropped)."""
    if not raw or not raw.strip():
        return ()
    text = raw.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if isinstance(value, list):
            return tuple(str(item).strip() for item in value if item is not None and str(item).strip())
    lines = (line.strip().lstrip("-*•").strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def package_info(package: ProductPackage) -> PackageInfo:
    price = unit_price(package)
    return PackageInfo(
        id=package.id or 0,
        name=package.package_name,
        slug=package.package_slug,
        description=package.package_description,
        original_price=max(_dec(package.original_price), price),
        sale_price=_dec(package.sale_price),
        price=price,
        is_free=bool(package.is_free) or price == 0,
        group_size=package.group_size,
        access_days=package.access_days,
        features=parse_features(package.special_features),
    )


def _is_visible(product: Product) -> bool:
    return product.deleted_at is None and product.status == "published"


def _link(product: Product, **extra: Any) -> ProductLink:
    return ProductLink(id=product.id or 0, type=product.type, slug=product.slug, title=product.title,
                       thumbnail=product.thumbnail or "", available=_is_visible(product), **extra)


def product_detail(session: Session, *, type: str, slug: str, viewer_id: int | None = None) -> ProductDetail | None:  # noqa: A002
    product = session.exec(
        select(Product).where(Product.type == type, Product.slug == slug, *visible_to_shop())
    ).first()
    if product is None:
        return None
    return build_detail(session, product, viewer_id=viewer_id)


def build_detail(session: Session, product: Product, *, viewer_id: int | None = None) -> ProductDetail:
    """The detail of PRODUCT whatever its state (admin previews use it directly)."""
    category = session.get(Category, product.category_id) if product.category_id is not None else None
    packages = session.exec(
        select(ProductPackage)
        .where(ProductPackage.product_id == product.id, ProductPackage.status == PackageStatus.ACTIVE.value)
        .order_by(ProductPackage.sort_order, ProductPackage.id)
    ).all()

    course_info = None
    course = session.exec(select(Course).where(Course.product_id == product.id)).first()
    if course is not None:
        course_info = CourseInfo(
            requirements=course.requirements, learning_outcomes=product.learning_outcomes,
            preview_video=course.preview_video, preview_img=course.preview_img, difficulty=course.difficulty,
            regular_price=_dec(course.regular_price), discounted_price=_dec(course.discounted_price),
            schedule_status=course.status, start_date=course.start_date, end_date=course.end_date,
        )

    specialization_info = None
    specialization = session.exec(select(Specialization).where(Specialization.product_id == product.id)).first()
    if specialization is not None:
        rows = session.exec(
            select(Product, SpecializationCourse.position)
            .join(Course, Course.product_id == Product.id)
            .join(SpecializationCourse, SpecializationCourse.course_id == Course.id)
            .where(SpecializationCourse.specialization_id == specialization.id, Product.deleted_at.is_(None))
            .order_by(SpecializationCourse.position, SpecializationCourse.id)
        ).all()
        specialization_info = SpecializationInfo(
            difficulty=specialization.difficulty, requirements=specialization.requirements,
            estimated_duration=specialization.estimated_duration, certificate_name=specialization.certificate_name,
            courses=tuple(_link(p, position=pos) for p, pos in rows),
        )

    bundle_info = None
    bundle = session.exec(select(Bundle).where(Bundle.product_id == product.id)).first()
    if bundle is not None:
        rows = session.exec(
            select(Product, BundleItem.position, ProductPackage.package_name)
            .join(BundleItem, BundleItem.product_id == Product.id)
            .outerjoin(ProductPackage, ProductPackage.id == BundleItem.package_id)
            .where(BundleItem.bundle_id == bundle.id, Product.deleted_at.is_(None))
            .order_by(BundleItem.position, BundleItem.id)
        ).all()
        bundle_info = BundleInfo(
            discount_percent=bundle.discount_percent,
            items=tuple(_link(p, position=pos, package_name=name) for p, pos, name in rows),
        )

    related_rows = session.exec(
        select(Product, ProductRelated.order, ProductRelated.notes)
        .join(ProductRelated, ProductRelated.related_id == Product.id)
        .where(ProductRelated.product_id == product.id, *visible_to_shop())
        .order_by(ProductRelated.order, Product.id)
    ).all()
    related = tuple(_link(p, position=order, notes=notes) for p, order, notes in related_rows)

    required = session.exec(
        select(Product)
        .join(ProductPrerequisite, ProductPrerequisite.required_id == Product.id)
        .where(ProductPrerequisite.product_id == product.id, Product.deleted_at.is_(None))
        .order_by(Product.sort_order, Product.id)
    ).all()
    owned: set[int] = set()
    if viewer_id is not None and required:
        owned = owned_product_ids(session, user_id=viewer_id, product_ids={p.id for p in required if p.id is not None})
    prerequisites = tuple(_link(p, owned=p.id in owned) for p in required)

    return ProductDetail(
        id=product.id or 0, type=product.type, slug=product.slug, title=product.title,
        short_description=product.short_description, description=product.description,
        thumbnail=product.thumbnail or "", label=product.label, category_id=product.category_id,
        category_name=category.name if category else None, category_slug=category.slug if category else None,
        owner=product.owner, duration=product.duration, target_audience=product.target_audience,
        learning_outcomes=product.learning_outcomes, curriculum=product.curriculum,
        question_count=product.question_count, age_range=product.age_range, report_pages=product.report_pages,
        instructor_info=product.instructor_info, teaching_format=product.teaching_format,
        rating_avg=float(product.rating_avg or 0), rating_cnt=int(product.rating_cnt or 0),
        enrollment_cnt=int(product.enrollment_cnt or 0), published_at=product.published_at,
        packages=tuple(package_info(p) for p in packages), course=course_info,
        specialization=specialization_info, bundle=bundle_info, related=related, prerequisites=prerequisites,
    )

