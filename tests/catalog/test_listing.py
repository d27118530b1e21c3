"""The shop list: only published, live products; filters, sort, literal search, pagination,
card fields, facets, and two queries per page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import select

from aesp_app.models.catalog import ProductPackage
from aesp_app.services.catalog import admin
from aesp_app.services.catalog.listing import CatalogError, ProductQuery, facets, list_products
from aesp_app.services.errors import ServiceError
from tests.catalog.conftest import make_category


@pytest.fixture
def shop(session, make):
    english = make_category(session, "english", "Tiếng Anh")
    ielts = make_category(session, "ielts", "IELTS", parent=english)
    career = make_category(session, "career", "Hướng nghiệp")
    products = {
        "speaking": make("Speaking Basics", price=500_000, original=800_000, category_id=english.id, label="hot",
                         short_description="Everyday conversation"),
        "ielts": make("IELTS 7.0 Intensive", price=2_000_000, category_id=ielts.id, label="featured",
                      short_description="Band 7 speaking and writing"),
        "free": make("Free Pronunciation Taster", free=True, category_id=english.id, label="new",
                     short_description="Try our speaking lab"),
        "test": make("Career Compass", type="career_test", price=899_000, category_id=career.id,
                     label="best_seller", short_description="120 questions, 25-page report"),
        "percent": make("100% Speaking", price=300_000, category_id=english.id, short_description="All talk"),
        "underscore": make("snake_case English", price=350_000, short_description="For programmers"),
        "consult": make("Study Abroad Consultation", type="consultation", price=1_500_000, category_id=career.id,
                        short_description="One hour with a counsellor"),
    }
    # not listed: a draft, an archived and a deleted product
    make("Hidden Draft", publish=False, category_id=english.id)
    admin.set_status(session, product_id=make("Old Archived", category_id=english.id).id, status="archived")
    admin.soft_delete(session, product_id=make("Deleted Speaking", category_id=english.id).id)
    # popularity, ratings and creation times
    stats = {"speaking": (4.5, 20, 300), "ielts": (4.9, 50, 120), "free": (4.0, 5, 900), "test": (4.7, 80, 500),
             "percent": (3.0, 1, 10), "underscore": (0.0, 0, 0), "consult": (4.9, 10, 40)}
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i, (key, (avg, cnt, enrolled)) in enumerate(stats.items()):
        product = products[key]
        product.rating_avg, product.rating_cnt, product.enrollment_cnt = avg, cnt, enrolled
        product.created_at = start + dt.timedelta(days=i)
        product.sort_order = i
        session.add(product)
    session.flush()
    return products


def _titles(session, **query) -> list[str]:
    return [item.title for item in list_products(session, query=ProductQuery(**query)).items]


def test_only_published_live_products_are_listed(session, shop):
    page = list_products(session, query=ProductQuery())
    assert page.total == 7 == len(page.items)
    assert not {"Hidden Draft", "Old Archived", "Deleted Speaking"} & {item.title for item in page.items}


def test_card_fields(session, shop):
    cards = {item.slug: item for item in list_products(session, query=ProductQuery()).items}
    speaking = cards["speaking-basics"]
    assert (speaking.min_price, speaking.original_price, speaking.is_free) == (Decimal(500000), Decimal(800000), False)
    assert (speaking.category_name, speaking.label, speaking.package_count) == ("Tiếng Anh", "hot", 1)
    assert (speaking.rating_avg, speaking.rating_cnt, speaking.enrollment_cnt) == (4.5, 20, 300)
    free = cards["free-pronunciation-taster"]
    assert (free.min_price, free.is_free) == (Decimal(0), True)
    assert cards["snake-case-english"].category_name is None


def test_cheapest_active_package_sets_the_price(session, shop):
    product = shop["ielts"]
    admin.add_package(session, product_id=product.id, data={"package_name": "Lite", "original_price": 1_200_000,
                                                             "sale_price": 900_000})
    vip = admin.add_package(session, product_id=product.id, data={"package_name": "VIP", "original_price": 100_000})
    admin.deactivate_package(session, package_id=vip.id)
    card = next(i for i in list_products(session, query=ProductQuery(type="course")).items if i.id == product.id)
    assert (card.min_price, card.original_price, card.package_count) == (Decimal(900000), Decimal(1200000), 2)
    assert _titles(session, min_price=800_000, max_price=1_000_000) == ["IELTS 7.0 Intensive", "Career Compass"]


def test_filters(session, shop):
    assert set(_titles(session, type="career_test")) == {"Career Compass"}
    assert set(_titles(session, category="career")) == {"Career Compass", "Study Abroad Consultation"}
    english = {"Speaking Basics", "IELTS 7.0 Intensive", "Free Pronunciation Taster", "100% Speaking"}
    assert set(_titles(session, category="english")) == english  # with its child category
    assert set(_titles(session, category="ielts")) == {"IELTS 7.0 Intensive"}
    assert set(_titles(session, category=shop["ielts"].category_id)) == {"IELTS 7.0 Intensive"}
    assert set(_titles(session, category=str(shop["ielts"].category_id))) == {"IELTS 7.0 Intensive"}
    assert _titles(session, category="nope") == []
    assert _titles(session, label="best_seller") == ["Career Compass"]
    assert set(_titles(session, min_price=0, max_price=0)) == {"Free Pronunciation Taster"}
    assert set(_titles(session, min_price=300_000, max_price=500_000)) == {
        "Speaking Basics", "100% Speaking", "snake_case English"}  # sale price, not the list price
    assert set(_titles(session, min_price=1_500_000)) == {"IELTS 7.0 Intensive", "Study Abroad Consultation"}
    assert set(_titles(session, type="course", category="english", max_price=400_000)) == {
        "Free Pronunciation Taster", "100% Speaking"}


@pytest.mark.parametrize(
    ("query", "code"),
    [({"type": "ebook"}, CatalogError.TYPE_INVALID), ({"label": "cheap"}, CatalogError.LABEL_INVALID),
     ({"sort": "random"}, CatalogError.SORT_INVALID), ({"min_price": -1}, CatalogError.PRICE_INVALID),
     ({"min_price": "abc"}, CatalogError.PRICE_INVALID),
     ({"min_price": 10, "max_price": 5}, CatalogError.PRICE_RANGE_INVALID)],
)
def test_invalid_queries_are_refused(session, shop, query, code):
    with pytest.raises(ServiceError) as exc:
        list_products(session, query=ProductQuery(**query))
    assert exc.value.code == code


def test_search_is_case_insensitive_and_covers_the_short_description(session, shop):
    assert set(_titles(session, search="SPEAKING")) == {
        "Speaking Basics", "100% Speaking", "IELTS 7.0 Intensive", "Free Pronunciation Taster"}
    # relevance: title matches (starting ones first) before description matches
    assert _titles(session, search="speaking")[:2] == ["Speaking Basics", "100% Speaking"]
    assert _titles(session, search="  counsellor ") == ["Study Abroad Consultation"]
    assert _titles(session, search="x" * 500) == []


def test_search_wildcards_are_literal(session, shop):
    assert _titles(session, search="100%") == ["100% Speaking"]
    assert _titles(session, search="%") == ["100% Speaking"]
    assert _titles(session, search="e_c") == ["snake_case English"]
    assert _titles(session, search="_") == ["snake_case English"]
    assert _titles(session, search="/") == []
    assert _titles(session, search="\\") == []


def test_sort_orders(session, shop):
    assert _titles(session, sort="price_asc")[:3] == ["Free Pronunciation Taster", "100% Speaking", "snake_case English"]
    assert _titles(session, sort="price_desc")[:2] == ["IELTS 7.0 Intensive", "Study Abroad Consultation"]
    assert _titles(session, sort="rating")[:2] == ["IELTS 7.0 Intensive", "Study Abroad Consultation"]  # 4.9: more ratings first
    assert _titles(session, sort="popular")[:2] == ["Free Pronunciation Taster", "Career Compass"]
    assert _titles(session, sort="newest")[0] == "Study Abroad Consultation"
    assert _titles(session)[0] == "Speaking Basics"  # relevance without search: the shop's own order


def test_products_without_an_active_package_sort_last_by_price(session, shop):
    package = session.exec(select(ProductPackage).where(ProductPackage.product_id == shop["free"].id)).one()
    admin.deactivate_package(session, package_id=package.id)
    for sort in ("price_asc", "price_desc"):
        items = list_products(session, query=ProductQuery(sort=sort)).items
        assert items[-1].title == "Free Pronunciation Taster" and items[-1].min_price is None


def test_pagination(session, shop):
    seen = []
    for page in (1, 2, 3):
        result = list_products(session, query=ProductQuery(sort="price_asc", page=page, page_size=3))
        assert result.total == 7 and result.pages == 3
        seen.extend(item.id for item in result.items)
    assert len(seen) == len(set(seen)) == 7
    assert list_products(session, query=ProductQuery(page=4, page_size=3)).items == ()
    assert list_products(session, query=ProductQuery(page_size=1000)).page_size == 48
    assert list_products(session, query=ProductQuery(page=0, page_size=0)).page == 1


def _statements(session, engine, query: ProductQuery) -> tuple[int, object]:
    statements = []

    def count(*_args):
        statements.append(1)

    session.flush()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        page = list_products(session, query=query)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements), page


def test_a_page_is_at_most_two_queries(session, engine, shop):
    runs, page = _statements(session, engine, ProductQuery(category="english", label="new", sort="price_desc"))
    assert (runs, page.total) == (2, 2)
    # with a price filter or search text the total comes with the page
    runs, page = _statements(session, engine, ProductQuery(search="speaking", page_size=2))
    assert (runs, page.total, len(page.items)) == (1, 4, 2)
    priced = ProductQuery(category="english", min_price=1, max_price=10**7, search="s", sort="price_desc")
    runs, page = _statements(session, engine, priced)
    assert (runs, page.total, len(page.items)) == (1, 3, 3)
    runs, page = _statements(session, engine, ProductQuery(min_price=1, page=2, page_size=5))
    assert (runs, page.total, len(page.items)) == (1, 6, 1)
    runs, page = _statements(session, engine, ProductQuery(min_price=1, page=3, page_size=5))
    assert (runs, page.total, page.items) == (2, 6, ())  # past the end: counted apart
    runs, page = _statements(session, engine, ProductQuery(min_price=10**8))
    assert (runs, page.total) == (1, 0)


def test_facets(session, shop):
    result = facets(session)
    counts = {c.slug: c.count for c in result.categories}
    assert counts == {"english": 4, "ielts": 1, "career": 2}
    assert dict(result.labels) == {"new": 4, "hot": 1, "featured": 1, "best_seller": 1}
    assert dict(result.types)["course"] == 5
    assert (result.min_price, result.max_price) == (Decimal(0), Decimal(2000000))
