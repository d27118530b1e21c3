"""The catalogue: categories, products (001 + 003 merged) with their price packages, the type detail
rows (courses, specializations, bundles), related products, prerequisites and course enrolments.

- products: one catalogue for every type. 001's name/full_description/category live in 003's
  title/description/category_id. Types course, specialization, bundle (003), career_test,
  consultation (001), and service_package / subscription, which sell seed 000's `packages`
  and `subscription_plans` (each product_packages row links the one it sells).
- product_packages: the unit a customer buys (001). Every sellable product has at least one.
- courses: the detail row of a product of type course (003), with 000's schedule columns.
  Integer id plus a unique product_id, so course_registers keeps an integer course_id.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from aesp_app.models.base import (
    LongText,
    created_at_field,
    fk,
    money_field,
    text_field,
    updated_at_field,
    varchar,
)


class ProductType(str, enum.Enum):
    COURSE = "course"
    SPECIALIZATION = "specialization"
    BUNDLE = "bundle"
    CAREER_TEST = "career_test"
    CONSULTATION = "consultation"
    SERVICE_PACKAGE = "service_package"  # sells a seed-000 `packages` row
    SUBSCRIPTION = "subscription"  # sells a `subscription_plans` row


# Types whose purchase writes purchased_packages with an access code (seed 001), and its prefix.
ACCESS_CODE_PREFIXES: dict[str, str] = {
    ProductType.CAREER_TEST.value: "TST",
    ProductType.COURSE.value: "CRS",
    ProductType.CONSULTATION.value: "CON",
}


class ProductLabel(str, enum.Enum):
    NEW = "new"
    HOT = "hot"
    FEATURED = "featured"
    BEST_SELLER = "best_seller"


class ProductStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class TeachingFormat(str, enum.Enum):
    ONLINE = "online"
    OFFLINE = "offline"
    BOTH = "both"


class PackageStatus(str, enum.Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class CourseDifficulty(str, enum.Enum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class CourseStatus(str, enum.Enum):
    """The schedule state of a course run (seed 000 courses.status)."""

    UPCOMING = "upcoming"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class CourseRegisterStatus(str, enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Category(SQLModel, table=True):
    __tablename__ = "categories"

    id: int | None = Field(default=None, primary_key=True)
    name: str = varchar(100, nullable=False)
    slug: str = varchar(120, nullable=False, unique=True)
    description: str | None = text_field()
    parent_id: int | None = fk("categories.id", ondelete="SET NULL")
    sort_order: int = Field(default=0, nullable=False)
    is_active: bool = Field(default=True, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


# --- products -----------------------------------------------------------------------------


class ProductBase(SQLModel):
    title: str = varchar(255, nullable=False)
    slug: str = varchar(255, nullable=False)
    short_description: str = Field(sa_type=sa.Text, nullable=False)
    description: str | None = Field(default=None, sa_type=LongText, nullable=True)  # HTML allowed
    type: str = varchar(30, nullable=False)
    category_id: int | None = fk("categories.id", ondelete="SET NULL", index=False)
    thumbnail: str = varchar(500, default="", nullable=False)
    label: str | None = varchar(20, default=ProductLabel.NEW.value)
    status: str = varchar(20, default=ProductStatus.DRAFT.value, nullable=False)
    sort_order: int = Field(default=0, nullable=False)
    # Seed 001 fields (any type; career tests and courses use them most)
    duration: str | None = varchar(100)
    target_audience: str | None = text_field()
    learning_outcomes: str | None = Field(default=None, sa_type=LongText, nullable=True)
    curriculum: str | None = Field(default=None, sa_type=LongText, nullable=True)
    question_count: int | None = Field(default=None)  # career_test
    age_range: str | None = varchar(50)  # career_test
    report_pages: str | None = varchar(50)  # career_test, e.g. "25-26"
    instructor_info: str | None = text_field()  # course
    teaching_format: str | None = varchar(20)  # course: online/offline/both


class Product(ProductBase, table=True):
    __tablename__ = "products"
    __table_args__ = (
        sa.UniqueConstraint("type", "slug", name="uq_products_type_slug"),
        sa.Index("idx_products_type", "type"),
        sa.Index("idx_products_category", "category_id"),
        sa.Index("idx_products_status", "status"),
        sa.Index("idx_products_slug", "slug"),
        sa.Index("idx_products_sort_order", "sort_order"),
        sa.Index("idx_products_deleted_at", "deleted_at"),
        # The shop's listing: visible products in price order and in the default order.
        sa.Index("idx_products_shop_price", "status", "deleted_at", "min_price"),
        sa.Index("idx_products_shop_order", "status", "deleted_at", "sort_order", "enrollment_cnt"),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner: int | None = fk("users.id", ondelete="SET NULL")  # the instructor or admin who made it
    # What the cheapest active package charges (NULL: none on sale). Kept by
    # services/catalog/pricing.refresh_min_price whenever packages change, so the shop can filter
    # and sort by price with an index instead of a MIN over packages per product.
    min_price: Decimal | None = money_field()
    rating_avg: float = Field(default=0, nullable=False)
    rating_cnt: int = Field(default=0, nullable=False)
    enrollment_cnt: int = Field(default=0, nullable=False)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()
    published_at: dt.datetime | None = Field(default=None)
    deleted_at: dt.datetime | None = Field(default=None)  # soft delete; `restore` clears it


class ProductCreate(ProductBase):
    pass


class ProductUpdate(SQLModel):
    title: str | None = Field(default=None, max_length=255)
    slug: str | None = Field(default=None, max_length=255)
    short_description: str | None = None
    description: str | None = None
    category_id: int | None = None
    thumbnail: str | None = Field(default=None, max_length=500)
    label: str | None = Field(default=None, max_length=20)
    status: str | None = Field(default=None, max_length=20)
    sort_order: int | None = None
    duration: str | None = Field(default=None, max_length=100)
    target_audience: str | None = None
    learning_outcomes: str | None = None
    curriculum: str | None = None
    question_count: int | None = None
    age_range: str | None = Field(default=None, max_length=50)
    report_pages: str | None = Field(default=None, max_length=50)
    instructor_info: str | None = None
    teaching_format: str | None = Field(default=None, max_length=20)


class ProductPublic(ProductBase):
    id: int
    owner: int | None = None
    rating_avg: float = 0
    rating_cnt: int = 0
    enrollment_cnt: int = 0
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    published_at: dt.datetime | None = None


# --- product packages ---------------------------------------------------------------------


class ProductPackageBase(SQLModel):
    package_name: str = varchar(100, nullable=False)
    package_slug: str = varchar(100, nullable=False)
    package_description: str | None = text_field()
    # sale_price is what the customer pays; original_price is the list price (equal when no discount).
    original_price: Decimal = money_field(default=Decimal("0"), nullable=False)
    sale_price: Decimal = money_field(default=Decimal("0"), nullable=False)
    is_free: bool = Field(default=False, nullable=False)
    group_size: str | None = varchar(50)
    special_features: str | None = text_field()  # JSON list of strings
    # Days of access after purchase (purchased_packages.expires_at); NULL = no expiry.
    access_days: int | None = Field(default=None)
    status: str = varchar(20, default=PackageStatus.ACTIVE.value, nullable=False)
    sort_order: int = Field(default=0, nullable=False)
    # What fulfilment grants besides the product itself (seed 000's commerce).
    service_package_id: int | None = fk("packages.id", ondelete="SET NULL")
    subscription_plan_id: int | None = fk("subscription_plans.id", ondelete="SET NULL")


class ProductPackage(ProductPackageBase, table=True):
    __tablename__ = "product_packages"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "package_slug", name="uq_product_packages_product_slug"),
        sa.Index("idx_product_packages_product", "product_id"),
        sa.Index("idx_product_packages_status", "status"),
        sa.Index("idx_product_packages_is_free", "is_free"),
        sa.Index("idx_product_packages_sort_order", "sort_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = fk("products.id", nullable=False, index=False)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class ProductPackageCreate(ProductPackageBase):
    product_id: int


class ProductPackageUpdate(SQLModel):
    package_name: str | None = Field(default=None, max_length=100)
    package_slug: str | None = Field(default=None, max_length=100)
    package_description: str | None = None
    original_price: Decimal | None = None
    sale_price: Decimal | None = None
    is_free: bool | None = None
    group_size: str | None = Field(default=None, max_length=50)
    special_features: str | None = None
    access_days: int | None = None
    status: str | None = Field(default=None, max_length=20)
    sort_order: int | None = None
    service_package_id: int | None = None
    subscription_plan_id: int | None = None


class ProductPackagePublic(ProductPackageBase):
    id: int
    product_id: int


# --- type detail rows ---------------------------------------------------------------------


class CourseBase(SQLModel):
    requirements: str = Field(default="", sa_type=sa.Text, nullable=False)
    preview_video: str | None = varchar(500)
    preview_img: str = varchar(500, default="", nullable=False)
    difficulty: str = varchar(20, default=CourseDifficulty.EASY.value, nullable=False)
    # List price and offer price (003). For products sold in several packages these are the
    # "from" prices shown on cards; the charged price is always the package's sale_price.
    regular_price: Decimal = money_field(default=Decimal("0"), nullable=False)
    discounted_price: Decimal = money_field(default=Decimal("0"), nullable=False)
    # Schedule (000). Self-paced courses have no dates.
    status: str = varchar(50, default=CourseStatus.OPEN.value, nullable=False)
    start_date: dt.datetime | None = Field(default=None)
    end_date: dt.datetime | None = Field(default=None)


class Course(CourseBase, table=True):
    __tablename__ = "courses"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = fk("products.id", nullable=False, unique=True)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class CourseCreate(CourseBase):
    product_id: int


class CoursePublic(CourseBase):
    id: int
    product_id: int


class Specialization(SQLModel, table=True):
    """The detail row of a product of type specialization: an ordered series of courses."""

    __tablename__ = "specializations"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = fk("products.id", nullable=False, unique=True)
    difficulty: str = varchar(20, default=CourseDifficulty.MEDIUM.value, nullable=False)
    requirements: str | None = text_field()
    estimated_duration: str | None = varchar(100)
    certificate_name: str | None = varchar(255)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class SpecializationCourse(SQLModel, table=True):
    __tablename__ = "specialization_courses"
    __table_args__ = (
        sa.UniqueConstraint("specialization_id", "course_id", name="uq_specialization_courses_pair"),
    )

    id: int | None = Field(default=None, primary_key=True)
    specialization_id: int = fk("specializations.id", nullable=False, index=False)  # unique key
    course_id: int = fk("courses.id", nullable=False)
    position: int = Field(default=0, nullable=False)  # 1-based order in the series


class Bundle(SQLModel, table=True):
    """The detail row of a product of type bundle: products sold together."""

    __tablename__ = "bundles"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = fk("products.id", nullable=False, unique=True)
    # Saving against buying the items one by one, for display.
    discount_percent: int | None = Field(default=None)
    created_at: dt.datetime | None = created_at_field()
    updated_at: dt.datetime | None = updated_at_field()


class BundleItem(SQLModel, table=True):
    __tablename__ = "bundle_items"
    __table_args__ = (sa.UniqueConstraint("bundle_id", "product_id", name="uq_bundle_items_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: int = fk("bundles.id", nullable=False, index=False)  # unique key
    product_id: int = fk("products.id", nullable=False)
    # Which package of the item the bundle grants (NULL: the item's first active package).
    package_id: int | None = fk("product_packages.id", ondelete="SET NULL")
    position: int = Field(default=0, nullable=False)


class ProductRelated(SQLModel, table=True):
    """Products shown as related (003); no surrogate key, the pair is the key."""

    __tablename__ = "product_related"
    __table_args__ = (sa.Index("idx_product_related_related", "related_id"),)

    product_id: int | None = Field(
        default=None,
        primary_key=True,
        sa_column_args=[sa.ForeignKey("products.id", ondelete="CASCADE")],
        sa_column_kwargs={"autoincrement": False},
    )
    related_id: int | None = Field(
        default=None,
        primary_key=True,
        sa_column_args=[sa.ForeignKey("products.id", ondelete="CASCADE")],
        sa_column_kwargs={"autoincrement": False},
    )
    order: int = Field(default=0, nullable=False)
    notes: str | None = text_field()


class ProductPrerequisite(SQLModel, table=True):
    """003's product_prequisites (spelling fixed): product_id requires required_id first."""

    __tablename__ = "product_prerequisites"
    __table_args__ = (sa.Index("idx_product_prerequisites_required", "required_id"),)

    product_id: int | None = Field(
        default=None,
        primary_key=True,
        sa_column_args=[sa.ForeignKey("products.id", ondelete="CASCADE")],
        sa_column_kwargs={"autoincrement": False},
    )
    required_id: int | None = Field(
        default=None,
        primary_key=True,
        sa_column_args=[sa.ForeignKey("products.id", ondelete="CASCADE")],
        sa_column_kwargs={"autoincrement": False},
    )


class CourseRegister(SQLModel, table=True):
    """An enrolment in a course (000); one per learner and course."""

    __tablename__ = "course_registers"
    __table_args__ = (sa.UniqueConstraint("user_id", "course_id", name="uq_course_registers_user_course"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("users.id", nullable=False, index=False)  # unique key
    course_id: int = fk("courses.id", nullable=False)
    status: str = varchar(50, default=CourseRegisterStatus.ACTIVE.value, nullable=False)
    order_id: int | None = fk("orders.id", ondelete="SET NULL")  # the purchase, when bought
    registered_at: dt.datetime | None = created_at_field()

