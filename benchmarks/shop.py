"""Shop benchmark: the product list on a 10,000-product catalogue, and checkout to fulfilment.

    .venv/bin/python benchmarks/shop.py                       # scratch SQLite file
    .venv/bin/python benchmarks/shop.py --url mysql+pymysql://root@127.0.0.1:3306/aesp_bench?charset=utf8mb4
    .venv/bin/python benchmarks/shop.py --json

A scratch database is created and migrated (for MySQL/MariaDB the database named in --url is
created first and dropped at the end; for SQLite a temporary file), 10,000 products with their
packages are bulk-inserted (a realistic mix of types, categories, labels and prices), then:

- list_products for typical shop queries, RUNS times each (page query + count query), and
- N orders, each by a fresh learner with 1-2 cart lines: checkout + start_vnpay_payment + a
  correctly signed success IPN (process_vnpay_ipn, which fulfils the order).

Prints p50 / p95 / p99 in milliseconds. Target: list_products p95 < 30 ms.

--proposed-indexes adds PROPOSED_INDEXES after the migration, to measure what they would bring
(they are not part of the schema).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PRODUCTS = 10_000
RUNS = 200
ORDERS = 100
TARGET_P95_MS = 30.0
SEED = 20261121

# type: share of the catalogue
TYPE_MIX = {"course": 0.55, "career_test": 0.10, "consultation": 0.10, "specialization": 0.08, "bundle": 0.07,
            "service_package": 0.05, "subscription": 0.05}
LABEL_MIX = {"new": 0.55, "hot": 0.2, "featured": 0.15, "best_seller": 0.10}
CATEGORIES = [  # slug, name, parent slug
    ("tieng-anh", "Tiếng Anh", None), ("ielts", "IELTS", "tieng-anh"), ("toeic", "TOEIC", "tieng-anh"),
    ("giao-tiep", "Giao tiếp", "tieng-anh"), ("tieng-anh-tre-em", "Tiếng Anh trẻ em", "tieng-anh"),
    ("business-english", "Business English", "tieng-anh"), ("huong-nghiep", "Hướng nghiệp", None),
    ("tu-van-du-hoc", "Tư vấn du học", "huong-nghiep"), ("ky-nang-mem", "Kỹ năng mềm", None),
    ("luyen-phat-am", "Luyện phát âm", "tieng-anh"), ("viet-luan", "Viết luận", "tieng-anh"),
    ("goi-dich-vu", "Gói dịch vụ", None),
]
WORDS = ("IELTS", "TOEIC", "Speaking", "Writing", "Giao tiếp", "Phát âm", "Business", "Interview", "Grammar",
         "Vocabulary", "Tiếng Anh", "cơ bản", "nâng cao", "cấp tốc", "Essay", "Presentation", "Hướng nghiệp",
         "Du học", "Kids", "Listening", "Reading", "Fluency", "Band 7.0", "Email", "Travel", "Debate")

# Indexes the listing would use that the schema does not have (see benchmarks/README.md).
PROPOSED_INDEXES = (
    # the cheapest-package price of a product read from the index alone (no row lookups)
    "CREATE INDEX idx_product_packages_price ON product_packages "
    "(product_id, status, is_free, sale_price, original_price)",
    # the shop's visibility filter with the category filter
    "CREATE INDEX idx_products_visible_category ON products (status, deleted_at, category_id)",
)

QUERIES = [  # name, ProductQuery fields
    ("no filter, page 1", {}),
    ("type = course", {"type": "course"}),
    ("category + price range", {"category": "tieng-anh", "min_price": 500_000, "max_price": 3_000_000}),
    ("search text", {"search": "speaking"}),
    ("sort by price", {"sort": "price_asc"}),
    ("deep page 100", {"page": 100}),
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(times_ms: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(times_ms, 50), 2), "p95": round(percentile(times_ms, 95), 2),
            "p99": round(percentile(times_ms, 99), 2), "mean": round(statistics.fmean(times_ms), 2),
            "runs": len(times_ms)}


# --- scratch database -----------------------------------------------------------------------------


def create_database(url: str | None) -> tuple[str, callable]:
    """(url, cleanup) of a fresh, migrated database."""
    if url is None or url.startswith("sqlite"):
        folder = tempfile.mkdtemp(prefix="aesp_bench_")
        path = Path(folder) / "shop.db"
        db_url = url or f"sqlite:///{path}"

        def cleanup() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            Path(folder).rmdir()

        return db_url, cleanup
    parsed = make_url(url)
    name = parsed.database or "aesp_bench"
    server = sa.create_engine(parsed.set(database=""))
    with server.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))

    def cleanup() -> None:
        from aesp_app.db import engine_for

        engine_for(url).dispose()
        with server.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        server.dispose()

    return url, cleanup


def migrate(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")


def _pick(rng: random.Random, mix: dict[str, float]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def populate(engine: sa.Engine, count: int) -> dict[str, int]:
    """COUNT products (ids 1..COUNT) with 1-3 packages each, detail rows for course /
    specialization / bundle, in bulk inserts. 90 % published, 5 % archived or draft, 3 %
    soft-deleted."""
    from aesp_app.models.catalog import Bundle, Category, Course, Product, ProductPackage, Specialization
    from aesp_app.services.catalog.slugs import slugify

    rng = random.Random(SEED)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with engine.begin() as conn:
        ids: dict[str, int] = {}
        for position, (slug, name, parent) in enumerate(CATEGORIES, start=1):
            conn.execute(sa.insert(Category), [{"id": position, "slug": slug, "name": name, "sort_order": position,
                                                "parent_id": ids.get(parent) if parent else None, "is_active": True,
                                                "created_at": now, "updated_at": now}])
            ids[slug] = position
        products, packages, courses, specializations, bundles = [], [], [], [], []
        package_id = 0
        for pid in range(1, count + 1):
            kind = _pick(rng, TYPE_MIX)
            title = " ".join(rng.sample(WORDS, 3)) + f" {pid}"
            roll = rng.random()
            status = "published" if roll < 0.92 else ("archived" if roll < 0.96 else "draft")
            created = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            products.append({
                "id": pid, "title": title, "slug": slugify(title), "type": kind,
                "short_description": f"{title}: " + " ".join(rng.sample(WORDS, 6)).lower(),
                "description": None, "category_id": rng.randint(1, len(CATEGORIES)), "thumbnail": f"/img/p{pid}.jpg",
                "label": _pick(rng, LABEL_MIX), "status": status, "sort_order": rng.randint(0, 1000),
                "rating_avg": round(rng.uniform(3, 5), 1) if rng.random() < 0.8 else 0.0,
                "rating_cnt": rng.randint(0, 2000), "enrollment_cnt": rng.randint(0, 20000),
                "created_at": created, "updated_at": created, "published_at": created if status == "published" else None,
                "deleted_at": now if rng.random() < 0.03 else None,
            })
            for position in range(rng.choice((1, 1, 2, 3))):
                package_id += 1
                free = kind != "subscription" and rng.random() < 0.04
                original = Decimal(rng.randrange(100_000, 30_000_000, 50_000))
                sale = Decimal(0) if free else (original * Decimal(rng.choice((1, 0.9, 0.8, 0.7)))).quantize(Decimal(1000))
                packages.append({
                    "id": package_id, "product_id": pid, "package_name": f"Gói {position + 1}",
                    "package_slug": f"goi-{position + 1}", "package_description": None,
                    "original_price": original, "sale_price": sale, "is_free": free, "group_size": None,
                    "special_features": json.dumps(["Tài liệu", "Hỗ trợ 1:1"], ensure_ascii=False),
                    "access_days": None, "status": "active" if rng.random() < 0.97 or position else "inactive",
                    "sort_order": position, "created_at": created, "updated_at": created,
                })
            if kind == "course":
                courses.append({"product_id": pid, "requirements": "", "preview_img": "", "difficulty": "easy",
                                "regular_price": 0, "discounted_price": 0, "status": "open",
                                "created_at": created, "updated_at": created})
            elif kind == "specialization":
                specializations.append({"product_id": pid, "difficulty": "medium", "created_at": created,
                                        "updated_at": created})
            elif kind == "bundle":
                bundles.append({"product_id": pid, "created_at": created, "updated_at": created})
        for model, rows in ((Product, products), (ProductPackage, packages), (Course, courses),
                            (Specialization, specializations), (Bundle, bundles)):
            for start in range(0, len(rows), 1000):
                conn.execute(sa.insert(model), rows[start:start + 1000])
    # The stored cheapest price the shop lists by, as the catalogue service keeps it.
    from sqlmodel import Session

    from aesp_app.services.catalog.pricing import refresh_all_min_prices

    with Session(engine) as session:
        refresh_all_min_prices(session)
        session.commit()
    if engine.dialect.name == "mysql":
        with engine.begin() as conn:
            for table in ("products", "product_packages", "categories"):
                conn.execute(sa.text(f"ANALYZE TABLE {table}"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return {"products": len(products), "packages": len(packages), "courses": len(courses)}


# --- measurements ---------------------------------------------------------------------------------


def bench_listing(engine: sa.Engine, runs: int) -> list[dict]:
    from sqlmodel import Session

    from aesp_app.services.catalog.listing import ProductQuery, list_products

    results = []
    with Session(engine) as session:
        for name, fields in QUERIES:
            query = ProductQuery(**fields)
            page = list_products(session, query=query)  # warm-up (and a sanity check)
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                list_products(session, query=query)
                times.append((time.perf_counter() - start) * 1000)
                session.rollback()  # a fresh transaction per request, as a page load has
            results.append({"query": name, "total": page.total, "items": len(page.items), **summary(times)})
    return results


def bench_checkout(engine: sa.Engine, orders: int, settings) -> dict:  # noqa: ANN001
    from sqlmodel import Session, select

    from aesp_app.integrations.payments import get_gateway, vnpay
    from aesp_app.models.accounts import User
    from aesp_app.models.catalog import Product, ProductPackage
    from aesp_app.models.commerce import Order, VnpayTransaction
    from aesp_app.services.shop import cart, checkout, payments

    rng = random.Random(SEED + 1)
    gateway = get_gateway("vnpay", settings)
    with Session(engine) as session:
        candidates = session.exec(
            select(ProductPackage.id)
            .join(Product, Product.id == ProductPackage.product_id)
            .where(Product.status == "published", Product.deleted_at.is_(None), ProductPackage.status == "active",
                   ProductPackage.is_free == sa.false(), ProductPackage.sale_price >= 10_000,
                   Product.type.in_(["course", "career_test", "consultation"]))
            .order_by(ProductPackage.id)
            .limit(5000)
        ).all()
    times, fulfilled = [], 0
    for n in range(orders):
        with Session(engine, expire_on_commit=False) as session:
            user = User(username=f"bench_learner_{n}", email=f"bench{n}@example.vn", password_hash="x",
                        full_name=f"Học viên {n}")
            session.add(user)
            session.commit()
            owner = cart.CartOwner.member(user.id)
            for package_id in rng.sample(candidates, rng.choice((1, 2))):
                cart.add_item(session, owner=owner, package_id=package_id)
            session.commit()
        start = time.perf_counter()
        with Session(engine, expire_on_commit=False) as session:
            order = checkout.checkout(session, user_id=user.id, payment_method="vnpay")
            payments.start_vnpay_payment(session, order_id=order.id, user_id=user.id, client_ip="203.0.113.9",
                                         settings=settings)
            session.commit()
            txn = session.exec(select(VnpayTransaction).where(VnpayTransaction.order_id == order.id)).one()
        params = vnpay.callback_params(
            {"vnp_Amount": str(txn.amount), "vnp_TmnCode": gateway.tmn_code, "vnp_TxnRef": txn.txn_ref,
             "vnp_OrderInfo": txn.order_info or ""},
            gateway.hash_secret, response_code="00", transaction_no=f"{14000000 + n}",
            pay_date=dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S"), bank_tran_no=f"VNP{14000000 + n}",
        )
        with Session(engine, expire_on_commit=False) as session:
            answer = payments.process_vnpay_ipn(session, params=params, settings=settings)
        times.append((time.perf_counter() - start) * 1000)
        if answer.get("RspCode") != "00":
            raise SystemExit(f"IPN refused order {order.order_code}: {answer}")
        with Session(engine) as session:
            fulfilled += session.get(Order, order.id).status == "completed"
    return {"orders": orders, "completed": fulfilled, **summary(times)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a MySQL/MariaDB URL whose database is created and dropped (default: SQLite)")
    parser.add_argument("--products", type=int, default=PRODUCTS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--orders", type=int, default=ORDERS)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--proposed-indexes", action="store_true", help="add PROPOSED_INDEXES before measuring")
    args = parser.parse_args(argv)

    url, cleanup = create_database(args.url)
    os.environ["DATABASE_URL"] = url
    from aesp_app.db import engine_for
    from aesp_app.settings import get_settings, reset_settings_cache

    reset_settings_cache()
    try:
        started = time.perf_counter()
        migrate(url)
        engine = engine_for(url)
        if args.proposed_indexes:
            with engine.begin() as conn:
                for statement in PROPOSED_INDEXES:
                    conn.execute(sa.text(statement))
        counts = populate(engine, args.products)
        setup_s = time.perf_counter() - started
        listing = bench_listing(engine, args.runs)
        orders = bench_checkout(engine, args.orders, get_settings())
    finally:
        cleanup()
    report = {
        "database": engine.dialect.name, "server_version": ".".join(map(str, engine.dialect.server_version_info or ())),
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
        "data": counts, "setup_s": round(setup_s, 1), "list_products": listing, "checkout_to_fulfilment": orders,
        "target_p95_ms": TARGET_P95_MS, "proposed_indexes": args.proposed_indexes,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"{report['database']} {report['server_version']}, Python {report['python']}, {report['cpus']} CPUs; "
          f"{counts['products']} products, {counts['packages']} packages (setup {report['setup_s']} s)"
          f"{'; with the proposed indexes' if args.proposed_indexes else ''}; load average {report['load_average']}")
    print(f"\nlist_products, {args.runs} runs each (ms)")
    print(f"{'query':<26} {'total':>6} {'p50':>7} {'p95':>7} {'p99':>7}")
    for row in listing:
        flag = "" if row["p95"] < TARGET_P95_MS else "  over target"
        print(f"{row['query']:<26} {row['total']:>6} {row['p50']:>7.2f} {row['p95']:>7.2f} {row['p99']:>7.2f}{flag}")
    print(f"\ncheckout + start_vnpay_payment + IPN, {orders['orders']} orders (ms): "
          f"p50 {orders['p50']:.1f}  p95 {orders['p95']:.1f}  p99 {orders['p99']:.1f}  ({orders['completed']} completed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
