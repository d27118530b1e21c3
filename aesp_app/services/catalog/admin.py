"""Catalogue administration: products (create, update, publish / archive, soft delete, restore),
their type detail rows and their price packages.

Rules (003 and 001), as implemented here; docs/catalog.md says the same:
- A product's slug comes from its title (slugs.unique_slug): unique per (type, slug), with the
  base-36 time suffix on a clash within the type. Soft-deleted products keep their slug, so a
  restore never clashes. Changing the title keeps the slug (links stay valid).
- type course has exactly one courses row, specialization one specializations row, bundle one
  bundles row; create_product makes it in the same transaction.
- status draft / published / archived: archived hides the product from the shop but keeps it
  for reports and it can be published again. Publishing needs an active package.
- soft_delete sets deleted_at: the product is hidden everywhere (the admin list too, unless asked)
  and cart lines holding it turn unavailable. Only `restore` clears deleted_at; status is kept.
- Package prices are whole VND, >= 0; the sale price (0 = no sale) is at most the list price; a
  free package has sale price 0; a paid one needs a list price above 0.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from aesp_app.models.base import utcnow
from aesp_app.models.catalog import (
    Bundle,
    Category,
    Course,
    CourseDifficulty,
    CourseStatus,
    PackageStatus,
    Product,
    ProductLabel,
    ProductPackage,
    ProductStatus,
    ProductType,
    Specialization,
    TeachingFormat,
)
from aesp_app.services.catalog.listing import CatalogError, literal_contains
from aesp_app.services.catalog.slugs import is_valid_slug, slugify, unique_slug
from aesp_app.services.catalog.pricing import refresh_min_price
from aesp_app.services.errors import ServiceError

__all__ = [
    "CatalogError", "AdminProductPage", "create_product", "update_product", "set_status", "soft_delete", "restore",
    "find_by_slug", "list_products_admin", "add_package", "update_package", "deactivate_package",
]

SLUG_MAX = 255
SUFFIX_ROOM = 12  # "-" + base-36 milliseconds (8 characters until the year 5188) + spare
MAX_PRICE = Decimal("999999999999")  # fits Numeric(14, 2)
ADMIN_PAGE_SIZE = 50

# (column, max length) of the product text fields; None: TEXT, no limit worth checking
_PRODUCT_TEXT = {
    "title": 255, "short_description": None, "description": None, "thumbnail": 500, "duration": 100,
    "target_audience": None, "learning_outcomes": None, "curriculum": None, "age_range": 50,
    "report_pages": 50, "instructor_info": None,
}
_PRODUCT_FIELDS = (*_PRODUCT_TEXT, "slug", "type", "category_id", "label", "status", "sort_order",
                   "question_count", "teaching_format")
_PACKAGE_TEXT = {"package_name": 100, "package_description": None, "group_size": 50}
_PACKAGE_FIELDS = (*_PACKAGE_TEXT, "package_slug", "original_price", "sale_price", "is_free", "special_features",
                   "access_days", "status", "sort_order", "service_package_id", "subscription_plan_id")
# What a detail row accepts from `detail=`
_COURSE_FIELDS = ("requirements", "preview_video", "preview_img", "difficulty", "regular_price", "discounted_price",
                  "status", "start_date", "end_date")
_SPECIALIZATION_FIELDS = ("difficulty", "requirements", "estimated_duration", "certificate_name")
_BUNDLE_FIELDS = ("discount_percent",)


def _values(data: Any, *, only_set: bool) -> dict[str, Any]:
    """A Mapping or a SQLModel / pydantic object as a dict (only the fields set, for updates)."""
    if data is None:
        return {}
    if isinstance(data, Mapping):
        return dict(data)
    if hasattr(data, "model_dump"):
        return data.model_dump(exclude_unset=only_set)
    raise ServiceError(CatalogError.FIELD_INVALID, field="data")


# --- validation --------------------------------------------------------------------------------


def _text(values: dict[str, Any], field: str, limit: int | None, *, required: bool = False) -> None:
    if field not in values:
        if required:
            raise ServiceError(CatalogError.FIELD_REQUIRED, field=field)
        return
    value = values[field]
    if value is None:
        if required:
            raise ServiceError(CatalogError.FIELD_REQUIRED, field=field)
        return
    if not isinstance(value, str):
        raise ServiceError(CatalogError.FIELD_INVALID, field=field)
    value = value.strip()
    if required and not value:
        raise ServiceError(CatalogError.FIELD_REQUIRED, field=field)
    if limit is not None and len(value) > limit:
        raise ServiceError(CatalogError.FIELD_TOO_LONG, field=field, max=limit)
    values[field] = value


def _choice(values: dict[str, Any], field: str, allowed: type, error: CatalogError, *, nullable: bool) -> None:
    if field not in values:
        return
    value = values[field]
    if value is None and nullable:
        return
    if isinstance(value, allowed):
        value = value.value
    if value not in {member.value for member in allowed}:
        raise ServiceError(error, value=str(value)) if error != CatalogError.FIELD_INVALID else ServiceError(error, field=field)
    values[field] = value


def _whole(values: dict[str, Any], field: str, *, minimum: int = 0, nullable: bool = True) -> None:
    if field not in values:
        return
    value = values[field]
    if value is None and nullable:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ServiceError(CatalogError.FIELD_INVALID, field=field)


def _category(session: Session, values: dict[str, Any]) -> None:
    if values.get("category_id") is None:
        return
    category_id = values["category_id"]
    if isinstance(category_id, bool) or not isinstance(category_id, int) or session.get(Category, category_id) is None:
        raise ServiceError(CatalogError.CATEGORY_NOT_FOUND)


def price(value: Any, field: str) -> Decimal:
    """A package price: whole VND from 0 to MAX_PRICE as Decimal (int, Decimal or digit text)."""
    if value is None or isinstance(value, (bool, float)):
        raise ServiceError(CatalogError.PRICE_INVALID, field=field)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise ServiceError(CatalogError.PRICE_INVALID, field=field) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_PRICE or amount != amount.to_integral_value():
        raise ServiceError(CatalogError.PRICE_INVALID, field=field)
    return amount.quantize(Decimal(1))


def _validate_product(session: Session, values: dict[str, Any], *, creating: bool) -> None:
    for field, limit in _PRODUCT_TEXT.items():
        _text(values, field, limit, required=creating and field in ("title", "short_description"))
    if not creating:
        for field in ("title", "short_description"):
            if field in values:
                _text(values, field, _PRODUCT_TEXT[field], required=True)
    if creating and "type" not in values:
        raise ServiceError(CatalogError.FIELD_REQUIRED, field="type")
    _choice(values, "type", ProductType, CatalogError.TYPE_INVALID, nullable=False)
    _choice(values, "label", ProductLabel, CatalogError.LABEL_INVALID, nullable=True)
    _choice(values, "status", ProductStatus, CatalogError.STATUS_INVALID, nullable=False)
    _choice(values, "teaching_format", TeachingFormat, CatalogError.FIELD_INVALID, nullable=True)
    _whole(values, "question_count", minimum=1)
    _whole(values, "sort_order", minimum=0, nullable=False)
    _category(session, values)
    if values.get("thumbnail") is None and "thumbnail" in values:
        values["thumbnail"] = ""


def _slug_exists(session: Session, product_type: str, exclude_id: int | None = None):  # noqa: ANN202
    def exists(candidate: str) -> bool:
        statement = select(Product.id).where(Product.type == product_type, Product.slug == candidate)
        if exclude_id is not None:
            statement = statement.where(Product.id != exclude_id)
        return session.exec(statement).first() is not None  # soft-deleted rows count: they keep their slug

    return exists


def _explicit_slug(session: Session, slug: Any, product_type: str, exclude_id: int | None) -> str:
    if not isinstance(slug, str) or len(slug) > SLUG_MAX or not is_valid_slug(slug):
        raise ServiceError(CatalogError.SLUG_INVALID, slug=str(slug))
    if _slug_exists(session, product_type, exclude_id)(slug):
        raise ServiceError(CatalogError.SLUG_TAKEN, slug=slug, type=product_type)
    return slug


def _title_slug(session: Session, title: str, product_type: str) -> str:
    try:
        base = slugify(title, max_length=SLUG_MAX - SUFFIX_ROOM)
    except ValueError:
        raise ServiceError(CatalogError.SLUG_INVALID, slug=title) from None
    return unique_slug(base, _slug_exists(session, product_type))


# --- products ---------------------------------------------------------------------------------


def _detail_values(detail: Mapping[str, Any] | None, allowed: tuple[str, ...]) -> dict[str, Any]:
    values = dict(detail or {})
    unknown = set(values) - set(allowed)
    if unknown:
        raise ServiceError(CatalogError.FIELD_INVALID, field=sorted(unknown)[0])
    return values


def _create_detail_row(session: Session, product: Product, detail: Mapping[str, Any] | None) -> None:
    """The one detail row type course / specialization / bundle requires (003)."""
    kind = product.type
    if kind == ProductType.COURSE.value:
        values = _detail_values(detail, _COURSE_FIELDS)
        _choice(values, "difficulty", CourseDifficulty, CatalogError.FIELD_INVALID, nullable=False)
        _choice(values, "status", CourseStatus, CatalogError.FIELD_INVALID, nullable=False)
        _text(values, "requirements", None)
        _text(values, "preview_img", 500)
        _text(values, "preview_video", 500)
        regular = price(values.get("regular_price", 0), "regular_price")
        discounted = price(values.get("discounted_price", regular), "discounted_price")
        if discounted > regular:
            raise ServiceError(CatalogError.SALE_ABOVE_ORIGINAL)
        values.update(regular_price=regular, discounted_price=discounted)
        values["requirements"] = values.get("requirements") or ""
        values["preview_img"] = values.get("preview_img") or ""
        session.add(Course(product_id=product.id, **values))
    elif kind == ProductType.SPECIALIZATION.value:
        values = _detail_values(detail, _SPECIALIZATION_FIELDS)
        _choice(values, "difficulty", CourseDifficulty, CatalogError.FIELD_INVALID, nullable=False)
        _text(values, "requirements", None)
        _text(values, "estimated_duration", 100)
        _text(values, "certificate_name", 255)
        session.add(Specialization(product_id=product.id, **values))
    elif kind == ProductType.BUNDLE.value:
        values = _detail_values(detail, _BUNDLE_FIELDS)
        if values.get("discount_percent") is not None:
            value = values["discount_percent"]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                raise ServiceError(CatalogError.FIELD_INVALID, field="discount_percent")
        session.add(Bundle(product_id=product.id, **values))
    elif detail:
        raise ServiceError(CatalogError.FIELD_INVALID, field="detail")


def create_product(session: Session, *, data: Any, owner_id: int | None, detail: Mapping[str, Any] | None = None) -> Product:
    """A new product (draft unless DATA says otherwise) with its detail row. DATA: a Mapping or a
    ProductCreate-like object; `slug` may be left out (made from the title). DETAIL: the detail
    row's columns for a course, specialization or bundle."""
    values = {k: v for k, v in _values(data, only_set=True).items() if k in _PRODUCT_FIELDS}
    _validate_product(session, values, creating=True)
    slug = values.pop("slug", None)
    values["slug"] = (
        _explicit_slug(session, slug, values["type"], None) if slug else _title_slug(session, values["title"], values["type"])
    )
    values.setdefault("status", ProductStatus.DRAFT.value)
    values.setdefault("label", ProductLabel.NEW.value)
    if values["status"] == ProductStatus.PUBLISHED.value:
        raise ServiceError(CatalogError.PUBLISH_NEEDS_PACKAGE)  # a new product has no package yet
    product = Product(**values, owner=owner_id)
    session.add(product)
    session.flush()
    _create_detail_row(session, product, detail)
    session.flush()
    return product


def get_product(session: Session, product_id: int, *, allow_deleted: bool = False) -> Product:
    product = session.get(Product, product_id) if isinstance(product_id, int) and not isinstance(product_id, bool) else None
    if product is None:
        raise ServiceError(CatalogError.PRODUCT_NOT_FOUND)
    if product.deleted_at is not None and not allow_deleted:
        raise ServiceError(CatalogError.PRODUCT_DELETED, slug=product.slug)
    return product


def update_product(session: Session, *, product_id: int, data: Any) -> Product:
    """Change the fields DATA sets (a Mapping or ProductUpdate). The type never changes; a new
    slug must be valid and free within the type; `status` goes through set_status."""
    product = get_product(session, product_id)
    values = {k: v for k, v in _values(data, only_set=True).items() if k in _PRODUCT_FIELDS}
    if "type" in values and values["type"] != product.type:
        raise ServiceError(CatalogError.FIELD_INVALID, field="type")
    values.pop("type", None)
    _validate_product(session, values, creating=False)
    if "slug" in values and values["slug"] != product.slug:
        values["slug"] = _explicit_slug(session, values["slug"], product.type, product.id)
    else:
        values.pop("slug", None)
    status = values.pop("status", None)
    for field, value in values.items():
        setattr(product, field, value)
    product.updated_at = utcnow()
    session.add(product)
    session.flush()
    if status is not None and status != product.status:
        set_status(session, product_id=product.id, status=status)
    return product


def active_package_count(session: Session, product_id: int) -> int:
    return int(session.exec(
        select(sa.func.count()).select_from(ProductPackage).where(
            ProductPackage.product_id == product_id, ProductPackage.status == PackageStatus.ACTIVE.value)
    ).one())


def set_status(session: Session, *, product_id: int, status: str) -> Product:
    """draft / published / archived, in any direction. Publishing needs an active package;
    a soft-deleted product must be restored first."""
    if isinstance(status, ProductStatus):
        status = status.value
    if status not in {s.value for s in ProductStatus}:
        raise ServiceError(CatalogError.STATUS_INVALID, value=str(status))
    product = get_product(session, product_id)
    if product.status == status:
        return product
    if status == ProductStatus.PUBLISHED.value:
        if active_package_count(session, product.id) == 0:
            raise ServiceError(CatalogError.PUBLISH_NEEDS_PACKAGE)
        if product.published_at is None:
            product.published_at = utcnow()
    product.status = status
    product.updated_at = utcnow()
    session.add(product)
    session.flush()
    return product


def soft_delete(session: Session, *, product_id: int) -> Product:
    """Hide the product everywhere (deleted_at); `restore` brings it back."""
    product = get_product(session, product_id)
    product.deleted_at = utcnow()
    product.updated_at = product.deleted_at
    session.add(product)
    session.flush()
    return product


def find_by_slug(session: Session, *, slug: str, type: str | None = None, deleted: bool | None = None) -> Product:  # noqa: A002
    """The one product with SLUG (of TYPE). deleted: True only soft-deleted ones, False only
    live ones, None both. Refuses an unknown slug, and a slug several types use without TYPE."""
    if type is not None and type not in {t.value for t in ProductType}:
        raise ServiceError(CatalogError.TYPE_INVALID, value=str(type))
    statement = select(Product).where(Product.slug == slug)
    if type is not None:
        statement = statement.where(Product.type == type)
    if deleted is True:
        statement = statement.where(Product.deleted_at.is_not(None))
    elif deleted is False:
        statement = statement.where(Product.deleted_at.is_(None))
    found = session.exec(statement.order_by(Product.type)).all()
    if not found:
        raise ServiceError(CatalogError.PRODUCT_NOT_FOUND)
    if len(found) > 1:
        raise ServiceError(CatalogError.SLUG_AMBIGUOUS, slug=slug, types=", ".join(p.type for p in found))
    return found[0]


def restore(session: Session, *, slug: str, type: str | None = None) -> Product:  # noqa: A002
    """Clear deleted_at of the soft-deleted product SLUG (TYPE needed when the slug is used by
    more than one type). Its status is kept: a published product is on sale again."""
    product = find_by_slug(session, slug=slug, type=type)
    if product.deleted_at is None:
        raise ServiceError(CatalogError.PRODUCT_NOT_DELETED, slug=slug)
    product.deleted_at = None
    product.updated_at = utcnow()
    session.add(product)
    session.flush()
    return product


@dataclasses.dataclass(frozen=True)
class AdminProductRow:
    id: int
    type: str
    slug: str
    title: str
    status: str
    label: str | None
    deleted: bool
    package_count: int  # active packages
    updated_at: Any


@dataclasses.dataclass(frozen=True)
class AdminProductPage:
    items: tuple[AdminProductRow, ...]
    total: int
    page: int
    page_size: int


def list_products_admin(
    session: Session, *, include_deleted: bool = False, only_deleted: bool = False, status: str | None = None,
    type: str | None = None, search: str | None = None, page: int = 1, page_size: int = ADMIN_PAGE_SIZE,  # noqa: A002
) -> AdminProductPage:
    """Every product whatever its status, newest change first; soft-deleted ones only when
    asked (include_deleted adds them, only_deleted shows nothing else)."""
    where: list[Any] = []
    if only_deleted:
        where.append(Product.deleted_at.is_not(None))
    elif not include_deleted:
        where.append(Product.deleted_at.is_(None))
    if status:
        if status not in {s.value for s in ProductStatus}:
            raise ServiceError(CatalogError.STATUS_INVALID, value=str(status))
        where.append(Product.status == status)
    if type:
        if type not in {t.value for t in ProductType}:
            raise ServiceError(CatalogError.TYPE_INVALID, value=str(type))
        where.append(Product.type == type)
    text = (search or "").strip()[:100]
    if text:
        where.append(sa.or_(literal_contains(Product.title, text), literal_contains(Product.slug, text)))
    page = max(1, int(page or 1))
    page_size = min(200, max(1, int(page_size or ADMIN_PAGE_SIZE)))
    packages = (
        sa.select(sa.func.count()).where(ProductPackage.product_id == Product.id,
                                         ProductPackage.status == PackageStatus.ACTIVE.value).scalar_subquery()
    )
    rows = session.execute(
        sa.select(Product.id, Product.type, Product.slug, Product.title, Product.status, Product.label,
                  Product.deleted_at, Product.updated_at, packages.label("package_count"))
        .where(*where)
        .order_by(Product.updated_at.desc(), Product.id.desc())
        .limit(page_size).offset((page - 1) * page_size)
    ).all()
    total = session.execute(sa.select(sa.func.count()).select_from(Product).where(*where)).scalar_one()
    items = tuple(
        AdminProductRow(id=r.id, type=r.type, slug=r.slug, title=r.title, status=r.status, label=r.label,
                        deleted=r.deleted_at is not None, package_count=int(r.package_count or 0), updated_at=r.updated_at)
        for r in rows
    )
    return AdminProductPage(items=items, total=int(total), page=page, page_size=page_size)


# --- packages ---------------------------------------------------------------------------------


def _features(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        cleaned = [item.strip() for item in value if item.strip()]
        return json.dumps(cleaned, ensure_ascii=False) if cleaned else None
    raise ServiceError(CatalogError.FIELD_INVALID, field="special_features")


def _check_prices(original: Decimal, sale: Decimal, is_free: bool) -> None:
    if is_free:
        if sale != 0:
            raise ServiceError(CatalogError.FREE_PACKAGE_PRICED)
        return
    if original <= 0:
        raise ServiceError(CatalogError.PRICE_REQUIRED)
    if sale > original:
        raise ServiceError(CatalogError.SALE_ABOVE_ORIGINAL)


def _validate_package(values: dict[str, Any]) -> None:
    for field, limit in _PACKAGE_TEXT.items():
        _text(values, field, limit)
    if "package_name" in values:
        _text(values, "package_name", 100, required=True)
    for field in ("original_price", "sale_price"):
        if field in values:
            values[field] = price(values[field], field)
    if "is_free" in values and not isinstance(values["is_free"], bool):
        raise ServiceError(CatalogError.FIELD_INVALID, field="is_free")
    _whole(values, "access_days", minimum=1)
    _whole(values, "sort_order", minimum=0, nullable=False)
    _choice(values, "status", PackageStatus, CatalogError.FIELD_INVALID, nullable=False)
    if "special_features" in values:
        values["special_features"] = _features(values["special_features"])


def _package_slug_exists(session: Session, product_id: int, exclude_id: int | None = None):  # noqa: ANN202
    def exists(candidate: str) -> bool:
        statement = select(ProductPackage.id).where(ProductPackage.product_id == product_id,
                                                    ProductPackage.package_slug == candidate)
        if exclude_id is not None:
            statement = statement.where(ProductPackage.id != exclude_id)
        return session.exec(statement).first() is not None

    return exists


def _package_slug(session: Session, product_id: int, values: dict[str, Any], exclude_id: int | None) -> str | None:
    slug = values.get("package_slug")
    if slug:
        if not isinstance(slug, str) or len(slug) > 100 or not is_valid_slug(slug):
            raise ServiceError(CatalogError.SLUG_INVALID, slug=str(slug))
        if _package_slug_exists(session, product_id, exclude_id)(slug):
            raise ServiceError(CatalogError.SLUG_TAKEN, slug=slug, type="package")
        return slug
    return None


def add_package(session: Session, *, product_id: int, data: Any) -> ProductPackage:
    """A new active package of the product. Prices: original_price (list) and sale_price (0 or
    left out: no sale); is_free packages cost nothing."""
    product = get_product(session, product_id)
    values = {k: v for k, v in _values(data, only_set=True).items() if k in _PACKAGE_FIELDS}
    _text(values, "package_name", 100, required=True)
    _validate_package(values)
    is_free = bool(values.get("is_free", False))
    original = values.get("original_price", Decimal(0))
    sale = values.get("sale_price", Decimal(0))
    _check_prices(original, sale, is_free)
    slug = _package_slug(session, product.id, values, None)
    if slug is None:
        try:
            base = slugify(values["package_name"], max_length=100 - SUFFIX_ROOM)
        except ValueError:
            raise ServiceError(CatalogError.SLUG_INVALID, slug=values["package_name"]) from None
        slug = unique_slug(base, _package_slug_exists(session, product.id))
    values.update(package_slug=slug, original_price=original, sale_price=sale, is_free=is_free)
    if "sort_order" not in values:
        values["sort_order"] = int(session.exec(
            select(sa.func.count()).select_from(ProductPackage).where(ProductPackage.product_id == product.id)
        ).one())
    package = ProductPackage(product_id=product.id, **values)
    session.add(package)
    session.flush()
    refresh_min_price(session, product_id=package.product_id)
    return package


def _get_package(session: Session, package_id: int) -> ProductPackage:
    package = session.get(ProductPackage, package_id) if isinstance(package_id, int) and not isinstance(package_id, bool) else None
    if package is None:
        raise ServiceError(CatalogError.PACKAGE_NOT_FOUND)
    get_product(session, package.product_id)  # a deleted product's packages wait for its restore
    return package


def update_package(session: Session, *, package_id: int, data: Any) -> ProductPackage:
    """Change what DATA sets; the prices are checked together as they will be stored. Orders
    keep their snapshots, carts show the new price."""
    package = _get_package(session, package_id)
    values = {k: v for k, v in _values(data, only_set=True).items() if k in _PACKAGE_FIELDS}
    _validate_package(values)
    _check_prices(
        values.get("original_price", Decimal(package.original_price or 0)),
        values.get("sale_price", Decimal(package.sale_price or 0)),
        bool(values.get("is_free", package.is_free)),
    )
    if "package_slug" in values and values["package_slug"] != package.package_slug:
        values["package_slug"] = _package_slug(session, package.product_id, values, package.id)
    else:
        values.pop("package_slug", None)
    for field, value in values.items():
        setattr(package, field, value)
    package.updated_at = utcnow()
    session.add(package)
    session.flush()
    refresh_min_price(session, product_id=package.product_id)
    return package


def deactivate_package(session: Session, *, package_id: int) -> ProductPackage:
    """Stop selling the package (kept for orders and reports; cart lines holding it turn
    unavailable). update_package(status="active") sells it again."""
    package = _get_package(session, package_id)
    package.status = PackageStatus.INACTIVE.value
    package.updated_at = utcnow()
    session.add(package)
    session.flush()
    refresh_min_price(session, product_id=package.product_id)
    return package
