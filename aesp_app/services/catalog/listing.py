"""The shop's product list: filters, sort, search, pagination and facets.

Visitors see published products that are not soft-deleted. A product's price on a card is its
cheapest active package at the price the cart charges (aesp_app.services.shop.cart.unit_price:
0 when free, else the sale price if set, else the list price), computed in SQL by
`package_price_sql`. One query reads a page and one counts the matches: the page query first
picks the page's product ids with their sort keys, then reads the card columns and the package
prices for those ids only. Rules as implemented: docs/catalog.md.
"""

from __future__ import annotations

import dataclasses
import enum
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from aesp_app.models.catalog import (
    Category,
    PackageStatus,
    Product,
    ProductLabel,
    ProductPackage,
    ProductStatus,
    ProductType,
)
from aesp_app.services.errors import ServiceError

MAX_PAGE_SIZE = 48
DEFAULT_PAGE_SIZE = 24
MAX_SEARCH_LENGTH = 100
NO_PRICE_HIGH = 10**15  # sorts products without an active package after every real price


class CatalogError(str, enum.Enum):
    """Why the catalogue refuses something; each value is a message key
    (aesp_app/i18n/en.py and vi.py)."""

    PRODUCT_NOT_FOUND = "catalog.product_not_found"
    PACKAGE_NOT_FOUND = "catalog.package_not_found"
    CATEGORY_NOT_FOUND = "catalog.category_not_found"
    FIELD_REQUIRED = "catalog.field_required"  # params: field
    FIELD_TOO_LONG = "catalog.field_too_long"  # params: field, max
    FIELD_INVALID = "catalog.field_invalid"  # params: field
    TYPE_INVALID = "catalog.type_invalid"  # params: value
    STATUS_INVALID = "catalog.status_invalid"  # params: value
    LABEL_INVALID = "catalog.label_invalid"  # params: value
    SORT_INVALID = "catalog.sort_invalid"  # params: value
    SLUG_INVALID = "catalog.slug_invalid"  # params: slug
    SLUG_TAKEN = "catalog.slug_taken"  # params: slug, type
    SLUG_AMBIGUOUS = "catalog.slug_ambiguous"  # params: slug, types
    PRODUCT_DELETED = "catalog.product_deleted"  # params: slug
    PRODUCT_NOT_DELETED = "catalog.product_not_deleted"  # params: slug
    PUBLISH_NEEDS_PACKAGE = "catalog.publish_needs_package"
    PRICE_INVALID = "catalog.price_invalid"  # params: field
    PRICE_RANGE_INVALID = "catalog.price_range_invalid"
    SALE_ABOVE_ORIGINAL = "catalog.sale_above_original"
    FREE_PACKAGE_PRICED = "catalog.free_package_priced"
    PRICE_REQUIRED = "catalog.price_required"


class SortOrder(str, enum.Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    RATING = "rating"
    POPULAR = "popular"


PRODUCT_TYPES = frozenset(t.value for t in ProductType)
LABELS = frozenset(label.value for label in ProductLabel)
SORTS = frozenset(s.value for s in SortOrder)


@dataclasses.dataclass(frozen=True)
class ProductQuery:
    type: str | None = None
    category: str | int | None = None  # slug or id; a parent category includes its children
    label: str | None = None
    min_price: Decimal | int | None = None  # VND, on the cheapest active package
    max_price: Decimal | int | None = None
    search: str | None = None  # title or short description, literal, case-insensitive
    sort: str = SortOrder.RELEVANCE.value
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


@dataclasses.dataclass(frozen=True)
class ProductCard:
    id: int
    type: str
    slug: str
    title: str
    short_description: str
    thumbnail: str
    label: str | None
    rating_avg: float
    rating_cnt: int
    enrollment_cnt: int
    category_name: str | None
    min_price: Decimal | None  # None: no active package
    original_price: Decimal | None  # list price of that package (never below min_price)
    is_free: bool
    package_count: int


@dataclasses.dataclass(frozen=True)
class ProductPage:
    items: tuple[ProductCard, ...]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclasses.dataclass(frozen=True)
class CategoryFacet:
    id: int
    slug: str
    name: str
    parent_id: int | None
    count: int


@dataclasses.dataclass(frozen=True)
class Facets:
    categories: tuple[CategoryFacet, ...]
    labels: tuple[tuple[str, int], ...]  # (label, count) in ProductLabel order
    types: tuple[tuple[str, int], ...]  # (type, count) in ProductType order
    min_price: Decimal | None
    max_price: Decimal | None


# --- SQL building blocks ----------------------------------------------------------------------


def package_price_sql(package: Any = ProductPackage) -> sa.ColumnElement[Any]:
    """What one unit of PACKAGE costs, as SQL: the same rule as shop.cart.unit_price."""
    return sa.case(
        (package.is_free == sa.true(), sa.literal(0)),
        (package.sale_price > 0, package.sale_price),
        else_=package.original_price,
    )


def _active_packages(product_id: Any) -> list[sa.ColumnElement[bool]]:
    return [ProductPackage.product_id == product_id, ProductPackage.status == PackageStatus.ACTIVE.value]


def min_price_subquery(product_id: Any = Product.id) -> sa.ScalarSelect[Any]:
    """The cheapest active package price of the product (NULL without an active package)."""
    return sa.select(sa.func.min(package_price_sql())).where(*_active_packages(product_id)).scalar_subquery()


class _PriceSource:
    """Where the page query reads a product's price from: the stored products.min_price (kept by
    services/catalog/pricing), which the shop indexes (idx_products_shop_price) — no MIN over
    packages per product on either back end."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def price(self) -> Any:
        return Product.min_price

    def join(self, statement: Any) -> Any:
        return statement


def visible_to_shop() -> list[sa.ColumnElement[bool]]:
    """Published and not soft-deleted: what visitors may see (shop.cart.product_is_sellable)."""
    return [Product.status == ProductStatus.PUBLISHED.value, Product.deleted_at.is_(None)]


def literal_contains(column: Any, text: str) -> sa.ColumnElement[bool]:
    """Case-insensitive substring match with %, _ and the escape character taken literally.

    LIKE is already case-insensitive on both back ends (SQLite for ASCII letters; MySQL and
    MariaDB through the utf8mb4 *_ci collation, which also ignores Vietnamese accents), so the
    column is not wrapped in lower(): that costs a function call per row for nothing."""
    return column.contains(text, autoescape=True)


def _to_price(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise ServiceError(CatalogError.PRICE_INVALID, field=field)
    try:
        price = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError):
        raise ServiceError(CatalogError.PRICE_INVALID, field=field) from None
    if not price.is_finite() or price < 0:
        raise ServiceError(CatalogError.PRICE_INVALID, field=field)
    return price


def _category_ids(category: str | int) -> sa.Select[Any]:
    """The category and its direct children, by id or slug."""
    if isinstance(category, bool):
        raise ServiceError(CatalogError.FIELD_INVALID, field="category")
    if isinstance(category, int):
        return sa.select(Category.id).where(sa.or_(Category.id == category, Category.parent_id == category))
    parent = aliased(Category)
    return sa.select(Category.id).where(
        sa.or_(
            Category.slug == category,
            Category.parent_id.in_(sa.select(parent.id).where(parent.slug == category)),
        )
    )


@dataclasses.dataclass(frozen=True)
class _Filters:
    where: list[sa.ColumnElement[bool]]
    search: str | None
    costly: bool = False  # a price filter or search text: work on every product, better done once


def _filters(query: ProductQuery, prices: _PriceSource) -> _Filters:
    where = visible_to_shop()
    if query.type:
        if query.type not in PRODUCT_TYPES:
            raise ServiceError(CatalogError.TYPE_INVALID, value=str(query.type))
        where.append(Product.type == query.type)
    if query.category is not None and query.category != "":
        category = query.category
        if isinstance(category, str) and category.isdigit():
            category = int(category)
        where.append(Product.category_id.in_(_category_ids(category)))
    if query.label:
        if query.label not in LABELS:
            raise ServiceError(CatalogError.LABEL_INVALID, value=str(query.label))
        where.append(Product.label == query.label)
    low = _to_price(query.min_price, "min_price")
    high = _to_price(query.max_price, "max_price")
    if low is not None and high is not None and low > high:
        raise ServiceError(CatalogError.PRICE_RANGE_INVALID)
    if low is not None or high is not None:
        price = prices.price()  # one evaluation per product: BETWEEN rather than >= AND <=
        if low is not None and high is not None:
            where.append(price.between(low, high))
        elif low is not None:
            where.append(price >= low)
        else:
            where.append(price <= high)
    search = (query.search or "").strip()[:MAX_SEARCH_LENGTH] or None
    if search:
        where.append(sa.or_(literal_contains(Product.title, search), literal_contains(Product.short_description, search)))
    return _Filters(where=where, search=search, costly=low is not None or high is not None or bool(search))


def _sort_keys(sort: str, search: str | None, prices: _PriceSource) -> list[tuple[sa.ColumnElement[Any], bool]]:
    """(expression, descending) pairs; the product id breaks ties so pages never overlap."""
    if sort not in SORTS:
        raise ServiceError(CatalogError.SORT_INVALID, value=str(sort))
    if sort == SortOrder.NEWEST.value:
        keys = [(Product.created_at, True)]
    elif sort == SortOrder.PRICE_ASC.value:
        # one evaluation per product; products without an active package come last either way
        keys = [(sa.func.coalesce(prices.price(), NO_PRICE_HIGH), False)]
    elif sort == SortOrder.PRICE_DESC.value:
        keys = [(sa.func.coalesce(prices.price(), -1), True)]
    elif sort == SortOrder.RATING.value:
        keys = [(Product.rating_avg, True), (Product.rating_cnt, True)]
    elif sort == SortOrder.POPULAR.value:
        keys = [(Product.enrollment_cnt, True), (Product.rating_cnt, True)]
    elif search:
        title = Product.title  # LIKE is case-insensitive on both back ends (literal_contains)
        escaped = search.replace("/", "//").replace("%", "/%").replace("_", "/_")
        keys = [
            (sa.case((title.like(escaped, escape="/"), 0), (title.startswith(search, autoescape=True), 1),
                     (title.contains(search, autoescape=True), 2), else_=3), False),
            (Product.enrollment_cnt, True),
        ]
    else:
        keys = [(Product.sort_order, False), (Product.enrollment_cnt, True)]
    return [*keys, (Product.id, True)]


# --- queries ----------------------------------------------------------------------------------


def list_products(session: Session, *, query: ProductQuery) -> ProductPage:
    """One page of the shop with the total count: the page query and a count query. With a
    price filter or search text the count comes with the page (COUNT(*) OVER ()), so prices and
    text matches are computed once; the count query then runs only for a page past the end."""
    page = max(1, int(query.page or 1))
    size = min(MAX_PAGE_SIZE, max(1, int(query.page_size or DEFAULT_PAGE_SIZE)))
    prices = _PriceSource(session.get_bind().dialect.name)
    filters = _filters(query, prices)
    keys = _sort_keys(query.sort or SortOrder.RELEVANCE.value, filters.search, prices)

    # 1. the page's ids with their sort keys
    labels = [expr.label(f"k{i}") for i, (expr, _desc) in enumerate(keys)]
    with_total = [sa.func.count().over().label("total")] if filters.costly else []
    picked = (
        prices.join(sa.select(Product.id.label("pid"), *labels, *with_total).select_from(Product))
        .where(*filters.where)
        .order_by(*[(label.desc() if desc else label.asc()) for label, (_e, desc) in zip(labels, keys, strict=True)])
        .limit(size)
        .offset((page - 1) * size)
        .subquery("picked")
    )
    # 2. the card columns and package prices for those ids only
    price = package_price_sql()
    cheapest_original = (
        sa.select(ProductPackage.original_price)
        .where(*_active_packages(Product.id))
        .order_by(price, ProductPackage.sort_order, ProductPackage.id)
        .limit(1)
        .scalar_subquery()
    )
    package_count = sa.select(sa.func.count()).where(*_active_packages(Product.id)).scalar_subquery()
    statement = (
        sa.select(
            Product.id, Product.type, Product.slug, Product.title, Product.short_description, Product.thumbnail,
            Product.label, Product.rating_avg, Product.rating_cnt, Product.enrollment_cnt, Category.name,
            min_price_subquery().label("min_price"), cheapest_original.label("original_price"),
            package_count.label("package_count"),
            *([picked.c.total] if filters.costly else []),
        )
        .select_from(picked)
        .join(Product, Product.id == picked.c.pid)
        .outerjoin(Category, Category.id == Product.category_id)
        .order_by(*[(picked.c[f"k{i}"].desc() if desc else picked.c[f"k{i}"].asc()) for i, (_e, desc) in enumerate(keys)])
    )
    rows = session.execute(statement).all()
    if filters.costly and rows:
        total = rows[0].total
    elif filters.costly and page == 1:
        total = 0
    else:
        counted = prices.join(sa.select(sa.func.count()).select_from(Product)).where(*filters.where)
        total = session.execute(counted).scalar_one()
    return ProductPage(items=tuple(_card(row) for row in rows), total=int(total), page=page, page_size=size)


def _money(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _card(row: Any) -> ProductCard:
    low = _money(row.min_price)
    original = _money(row.original_price)
    if low is not None:
        original = max(original if original is not None else low, low)
    return ProductCard(
        id=row.id, type=row.type, slug=row.slug, title=row.title, short_description=row.short_description,
        thumbnail=row.thumbnail or "", label=row.label, rating_avg=float(row.rating_avg or 0),
        rating_cnt=int(row.rating_cnt or 0), enrollment_cnt=int(row.enrollment_cnt or 0), category_name=row.name,
        min_price=low, original_price=original, is_free=low is not None and low == 0,
        package_count=int(row.package_count or 0),
    )


def facets(session: Session) -> Facets:
    """What the filter panel offers: active categories with how many visible products each
    holds (a parent counts its children's), label and type counts, and the price bounds."""
    visible = visible_to_shop()
    per_category = dict(
        session.execute(
            sa.select(Product.category_id, sa.func.count()).where(*visible, Product.category_id.is_not(None))
            .group_by(Product.category_id)
        ).all()
    )
    categories = session.execute(
        sa.select(Category.id, Category.slug, Category.name, Category.parent_id)
        .where(Category.is_active == sa.true())
        .order_by(Category.sort_order, Category.name)
    ).all()
    children: dict[int, list[int]] = {}
    for row in categories:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row.id)
    category_facets = tuple(
        CategoryFacet(
            id=row.id, slug=row.slug, name=row.name, parent_id=row.parent_id,
            count=per_category.get(row.id, 0) + sum(per_category.get(c, 0) for c in children.get(row.id, [])),
        )
        for row in categories
    )
    per_label = dict(session.execute(sa.select(Product.label, sa.func.count()).where(*visible).group_by(Product.label)).all())
    per_type = dict(session.execute(sa.select(Product.type, sa.func.count()).where(*visible).group_by(Product.type)).all())
    prices = (
        sa.select(sa.func.min(package_price_sql()).label("price"))
        .select_from(ProductPackage)
        .join(Product, Product.id == ProductPackage.product_id)
        .where(*visible, ProductPackage.status == PackageStatus.ACTIVE.value)
        .group_by(ProductPackage.product_id)
        .subquery()
    )
    low, high = session.execute(sa.select(sa.func.min(prices.c.price), sa.func.max(prices.c.price))).one()
    return Facets(
        categories=category_facets,
        labels=tuple((label.value, int(per_label.get(label.value, 0))) for label in ProductLabel),
        types=tuple((kind.value, int(per_type.get(kind.value, 0))) for kind in ProductType),
        min_price=_money(low),
        max_price=_money(high),
    )


def product_detail(session: Session, *, type: str, slug: str, viewer_id: int | None = None):  # noqa: A002, ANN201
    """A visible product's page (aesp_app.services.catalog.detail.product_detail)."""
    from aesp_app.services.catalog.detail import product_detail as _detail

    return _detail(session, type=type, slug=slug, viewer_id=viewer_id)
