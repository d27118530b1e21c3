"""Shop journeys in a real browser against the production build: a guest's cart carried over
sign-up and log-in, VNPay through the app's sandbox (pay, cancel, a tampered return), orders
only their owner can open, the online career test behind an access code, bank transfer marked
paid by an admin, and the shop listing.

Expected texts come from the message catalogues, so a copy change does not break a journey.
"""

from __future__ import annotations

import re
import urllib.parse
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from aesp_app.models.accounts import User
from aesp_app.models.catalog import Product, ProductPackage
from aesp_app.models.commerce import Order, PurchasedPackage
from aesp_app.services.shop.payments import describe_response_code

from .helpers import (
    ADMIN,
    latest_mail_link,
    login,
    make_learner,
    open_page,
    path_of,
    register,
    shoot,
    vi,
    wait_for_path,
    wait_hydrated,
    wait_until,
)

pytestmark = pytest.mark.e2e

PASSWORD = "Luyen-noi-2024"
CAREER_TEST = "/shop/career_test/huong-nghiep-truc-tuyen"
ESSAY = "/shop/course/essay-coaching"
BOOST, ESSAY_PACKAGE = "Gói Tăng tốc", "Essay Coaching 1:1"
TST_CODE = re.compile(r"^TST_\d+_\d+_\d+$")
CRS_CODE = re.compile(r"^CRS_\d+_\d+_\d+$")


def _vnd(text: str) -> re.Pattern[str]:
    """A price as the app prints it ("2.874.000 ₫"), whatever space sits before the sign."""
    return re.compile(re.escape(text).replace(r"\ ", r"\s"))


def _toast(page: Page, text: str):  # noqa: ANN202
    return page.locator("[data-sonner-toast]", has_text=text)


def _add_package(page: Page, product_path: str, package: str) -> None:
    open_page(page, product_path)
    page.locator(".package-card", has_text=package).locator(".add-to-cart").click()
    expect(_toast(page, vi("cart.added")).last).to_be_visible()


def _order(db, code: str) -> Order:  # noqa: ANN001
    with db() as session:
        order = session.exec(select(Order).where(Order.order_code == code)).one()
        session.refresh(order)
        return order


def _codes(page: Page) -> list[str]:
    return [c.strip() for c in page.locator(".access-code").all_inner_texts()]


def _checkout(page: Page, method: str = "vnpay") -> str:
    """From the cart: choose the payment method, place the order; the new order's code."""
    open_page(page, "/cart")
    expect(page.locator(".cart-line").first).to_be_visible()
    if method != "vnpay":
        page.click(f"#method-{method}")
    page.click("#checkout-submit")
    wait_for_path(page, lambda p: p.startswith("/orders/"))
    wait_hydrated(page)
    code = path_of(page).split("?", 1)[0].rsplit("/", 1)[1]
    expect(page.locator("#order-code")).to_contain_text(code)
    return code


def _buy_and_open_sandbox(page: Page, db, prefix: str) -> tuple[str, str]:  # noqa: ANN001
    """A fresh learner logs in, buys the Essay Coaching package with VNPay and arrives on the
    sandbox page: (order code, e-mail)."""
    email, password = make_learner(db, prefix)
    login(page, email, password)
    _add_package(page, ESSAY, ESSAY_PACKAGE)
    code = _checkout(page)
    page.click("#pay-vnpay")
    wait_for_path(page, "/payment/vnpay/sandbox")
    expect(page.locator("#sandbox-amount")).to_have_text(_vnd("899.000 ₫"))
    return code, email


# --- the whole purchase -------------------------------------------------------------------


def test_guest_cart_survives_sign_up_and_vnpay_payment_delivers_access_codes(page: Page, admin_page: Page, db) -> None:  # noqa: ANN001
    tag = uuid.uuid4().hex[:8]
    username, email = f"mua{tag}", f"mua.{tag}@example.com"

    # A guest fills the cart.
    _add_package(page, CAREER_TEST, BOOST)
    shoot(page, "20-product-career-test")
    _add_package(page, ESSAY, ESSAY_PACKAGE)
    open_page(page, "/cart")
    expect(page.locator(".cart-line")).to_have_count(2)
    expect(page.locator("#cart-total")).to_have_text(_vnd("2.874.000 ₫"))
    shoot(page, "21-cart-guest")

    # Signs up, confirms the address from the mail, logs in: the cart is still there.
    register(page, username=username, email=email, password=PASSWORD, full_name="Đỗ Minh Châu")
    page.goto(latest_mail_link(admin_page, email, "/verify-email"))
    expect(page.locator("#verify-result")).to_contain_text(vi("verify.success"))
    login(page, username, PASSWORD)
    open_page(page, "/cart")
    expect(page.locator(".cart-line")).to_have_count(2)
    expect(page.locator(".cart-line", has_text=BOOST)).to_be_visible()
    expect(page.locator(".cart-line", has_text=ESSAY_PACKAGE)).to_be_visible()
    expect(page.locator("#cart-total")).to_have_text(_vnd("2.874.000 ₫"))
    shoot(page, "22-cart-member")

    # Checkout with VNPay (the default), pay on the sandbox.
    code = _checkout(page)
    shoot(page, "23-order-pending")
    assert _order(db, code).payment_status == "pending"
    page.click("#pay-vnpay")
    wait_for_path(page, "/payment/vnpay/sandbox")
    expect(page.locator("#sandbox-amount")).to_have_text(_vnd("2.874.000 ₫"))
    expect(page.get_by_text(code).first).to_be_visible()
    shoot(page, "24-vnpay-sandbox")
    page.click("#sandbox-pay")
    wait_for_path(page, "/payment/vnpay/return")
    expect(page.locator("#payment-result")).to_have_text(vi("payment.success"))
    expect(page.locator("#payment-confirmed")).to_be_visible()  # the IPN came first
    shoot(page, "25-vnpay-return-paid")
    order = _order(db, code)
    assert order.payment_status == "paid" and order.total_amount == Decimal("2874000")

    page.click("#view-order")
    wait_for_path(page, f"/orders/{code}")
    expect(page.get_by_text(vi("paystatus.paid"), exact=True)).to_be_visible()
    expect(page.locator("#pay-vnpay")).to_have_count(0)
    expect(page.locator(".access-code")).to_have_count(2)
    codes = _codes(page)
    assert any(TST_CODE.match(c) for c in codes) and any(CRS_CODE.match(c) for c in codes), codes
    shoot(page, "26-order-paid")

    open_page(page, "/purchases")
    expect(page.locator(".access-code")).to_have_count(2)
    assert sorted(_codes(page)) == sorted(codes)
    shoot(page, "27-purchases")


# --- VNPay: cancelled and tampered --------------------------------------------------------


def test_vnpay_cancel_leaves_the_order_unpaid_and_payable(page: Page, db) -> None:  # noqa: ANN001
    code, _ = _buy_and_open_sandbox(page, db, "huy")
    page.click("#sandbox-cancel")
    wait_for_path(page, "/payment/vnpay/return")
    expect(page.locator("#payment-result")).to_have_text(vi("payment.cancelled"))
    expect(page.get_by_text(describe_response_code("24", "vi"))).to_be_visible()
    expect(page.locator("#payment-confirmed")).to_have_count(0)
    shoot(page, "28-vnpay-return-cancelled")
    assert _order(db, code).payment_status != "paid"

    page.click("#view-order")
    wait_for_path(page, f"/orders/{code}")
    expect(page.locator("#pay-vnpay")).to_be_visible()  # still payable
    expect(page.get_by_text(vi("paystatus.paid"), exact=True)).to_have_count(0)
    expect(page.locator(".access-code")).to_have_count(0)


def test_tampered_vnpay_return_is_refused_and_changes_nothing(page: Page, db) -> None:  # noqa: ANN001
    code, _ = _buy_and_open_sandbox(page, db, "sua")
    page.click("#sandbox-cancel")
    wait_for_path(page, "/payment/vnpay/return")
    expect(page.locator("#payment-result")).to_have_text(vi("payment.cancelled"))

    # Same signed query, but "paid" and with another amount: the signature no longer matches.
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))
    assert query["vnp_Amount"] == "89900000"
    query.update(vnp_Amount="100", vnp_ResponseCode="00", vnp_TransactionStatus="00")
    open_page(page, "/payment/vnpay/return?" + urllib.parse.urlencode(query))
    expect(page.locator("#payment-result")).to_have_text(vi("payment.failed"))
    expect(page.get_by_text(describe_response_code("99", "vi"))).to_be_visible()
    expect(page.locator("#payment-confirmed")).to_have_count(0)
    expect(page.locator("#view-order")).to_have_count(0)
    shoot(page, "29-vnpay-return-tampered")

    order = _order(db, code)
    assert order.payment_status != "paid" and order.status == "pending"
    with db() as session:
        assert not session.exec(select(PurchasedPackage).where(PurchasedPackage.order_id == order.id)).first()
    open_page(page, f"/orders/{code}")
    expect(page.locator("#pay-vnpay")).to_be_visible()


# --- someone else's order -----------------------------------------------------------------


def test_another_learner_cannot_open_an_order(page: Page, browser, browser_context_args: dict, db) -> None:  # noqa: ANN001
    owner_page = browser.new_context(**browser_context_args).new_page()
    try:
        code, _ = _buy_and_open_sandbox(owner_page, db, "chu")
    finally:
        owner_page.context.close()

    email, password = make_learner(db, "la")
    login(page, email, password)
    open_page(page, f"/orders/{code}")
    expect(page.get_by_text(vi("shop.order_not_found"))).to_be_visible()
    expect(page.locator("#order-code")).to_have_count(0)
    expect(page.get_by_text(ESSAY_PACKAGE)).to_have_count(0)
    expect(page.locator("#pay-vnpay")).to_have_count(0)
    expect(page.locator(".access-code")).to_have_count(0)
    shoot(page, "30-order-not-found")


# --- the career test behind its access code -----------------------------------------------


def _bought_career_test(db) -> tuple[str, str, str]:  # noqa: ANN001
    """A fresh learner who bought the paid career-test package (bank transfer, marked paid by
    the admin): (e-mail, password, TST access code)."""
    from aesp_app.services.shop import cart as cart_service
    from aesp_app.services.shop import checkout as checkout_service
    from aesp_app.services.shop import payments as payment_service

    email, password = make_learner(db, "test")
    with db() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        admin = session.exec(select(User).where(User.email == ADMIN[0])).one()
        package = session.exec(
            select(ProductPackage).join(Product, Product.id == ProductPackage.product_id)
            .where(Product.slug == "huong-nghiep-truc-tuyen", ProductPackage.package_name == BOOST)
        ).one()
        cart_service.add_item(session, owner=cart_service.CartOwner.member(user.id), package_id=package.id)
        order = checkout_service.checkout(session, user_id=user.id, payment_method="bank_transfer")
        payment_service.mark_paid_by_admin(session, order_id=order.id, admin_id=admin.id, reference="e2e")
        session.commit()
        code = session.exec(select(PurchasedPackage.access_code).where(PurchasedPackage.order_id == order.id)).one()
    assert TST_CODE.match(code), code
    return email, password, code


def _access_count(db, code: str) -> int:  # noqa: ANN001
    with db() as session:
        row = session.exec(select(PurchasedPackage).where(PurchasedPackage.access_code == code)).one()
        session.refresh(row)
        return row.access_count


def test_career_test_from_purchases_to_riasec_result(page: Page, db) -> None:  # noqa: ANN001
    from aesp_app.services.shop import career_test as test_service

    email, password, code = _bought_career_test(db)
    login(page, email, password)
    open_page(page, "/purchases")
    card = page.locator(".rt-Card", has=page.locator(".access-code", has_text=code))
    card.get_by_role("link").click()
    wait_for_path(page, f"/tests/{code}")
    wait_hydrated(page)
    expect(page.locator("#test-progress")).to_have_text("0 / 120")
    expect(page.locator("#access-info")).to_contain_text(vi("career_test.access_info", count=1, first="", last="").split(" ·")[0])
    assert wait_until(lambda: _access_count(db, code) == 1, message="the first access counted")
    shoot(page, "31-career-test")

    # A few answers through the page, saved as they go.
    questions = page.locator(".test-question")
    for n in range(6):
        questions.nth(n).locator(".likert-choice").nth(4 if n % 6 == 3 else 1).click()
        expect(page.locator("#test-progress")).to_have_text(f"{n + 1} / 120")
    expect(page.locator("#test-submit")).to_be_disabled()

    # The other 114 straight into the database (clicking them all tells nothing more), then
    # the learner comes back: the six are kept, the access is counted again.
    with db() as session:
        view = test_service.open_test(session, user_id=session.exec(select(User.id).where(User.email == email)).one(), access_code=code)
        rest = {q.id: (5 if q.type == "S" else 4 if q.type == "A" else 2) for q in view.questions if q.id not in view.answers}
        user_id = session.exec(select(User.id).where(User.email == email)).one()
        test_service.save_answers(session, user_id=user_id, access_code=code, answers=rest)
        session.commit()
    count = _access_count(db, code)
    page.reload()
    wait_hydrated(page)
    expect(page.locator("#test-progress")).to_have_text("120 / 120")
    assert wait_until(lambda: _access_count(db, code) == count + 1, message="the new access counted")
    expect(page.locator("#access-info")).to_contain_text(str(count + 1))

    page.click("#test-submit")
    expect(_toast(page, vi("career_test.submitted"))).to_be_visible()
    expect(page.locator("#riasec-code")).to_have_text(re.compile(r"^[RIASEC]{3}$"))
    riasec = page.locator("#riasec-code").inner_text()
    assert riasec.startswith("SA"), riasec  # Social answered 5, Artistic 4, the rest at most 2
    expect(page.locator(".riasec-score")).to_have_count(6)
    shoot(page, "32-career-test-result")


# --- bank transfer ------------------------------------------------------------------------


def test_bank_transfer_marked_paid_by_admin(page: Page, admin_page: Page, db) -> None:  # noqa: ANN001
    email, password = make_learner(db, "ck")
    login(page, email, password)
    _add_package(page, ESSAY, ESSAY_PACKAGE)
    code = _checkout(page, "bank")
    instructions = page.locator("#bank-instructions")
    expect(instructions).to_be_visible()
    expect(instructions).to_contain_text(f"AESP {code}")
    expect(instructions).to_contain_text(_vnd("899.000 ₫"))
    shoot(page, "33-order-bank-transfer")
    assert _order(db, code).payment_method == "bank_transfer"

    open_page(admin_page, "/admin/orders")
    admin_page.fill("#order-search", code)
    admin_page.press("#order-search", "Enter")
    row = admin_page.locator("table tbody tr", has_text=code)
    expect(row).to_have_count(1)
    expect(admin_page.locator("table tbody tr")).to_have_count(1)
    row.locator(".order-mark-paid").click()
    admin_page.fill("#dialog-text", f"VCB {code}")
    shoot(admin_page, "34-admin-mark-paid")
    admin_page.click("#dialog-confirm")
    expect(row.locator(".order-mark-paid")).to_have_count(0)
    assert wait_until(lambda: _order(db, code).payment_status == "paid", message="the order paid")

    page.reload()
    wait_hydrated(page)
    expect(page.get_by_text(vi("paystatus.paid"), exact=True)).to_be_visible()
    expect(page.locator("#bank-instructions")).to_have_count(0)
    expect(page.locator(".access-code")).to_have_count(1)
    assert CRS_CODE.match(_codes(page)[0])
    shoot(page, "35-order-bank-paid")


# --- the listing --------------------------------------------------------------------------


def _extra_products(db, count: int) -> str:  # noqa: ANN001
    """COUNT more published consultations sharing one new word; the word."""
    from aesp_app.services.catalog import admin as catalog_admin

    word = f"Phiên{uuid.uuid4().hex[:6]}"
    with db() as session:
        for n in range(1, count + 1):
            product = catalog_admin.create_product(
                session, owner_id=None,
                data={"title": f"{word} tư vấn số {n:02d}", "type": "consultation", "short_description": "Buổi tư vấn mẫu."},
            )
            catalog_admin.add_package(session, product_id=product.id, data={"package_name": "Một buổi", "original_price": Decimal(500_000 + n * 1000)})
            catalog_admin.set_status(session, product_id=product.id, status="published")
        session.commit()
    return word


def test_shop_search_filter_pagination_and_product_prices(page: Page, db) -> None:  # noqa: ANN001
    open_page(page, "/shop")
    expect(page.locator(".product-card").first).to_be_visible()
    shoot(page, "36-shop")
    word = _extra_products(db, 26)  # more than one page of 24

    # Search.
    page.fill("#filter-q", "Essay")
    page.click("#filter-apply")
    wait_for_path(page, lambda p: "q=Essay" in p)
    expect(page.locator("#shop-count")).to_have_text(vi("shop.results", count=1))
    expect(page.locator(".product-title")).to_have_text(["Essay Coaching"])

    # Type filter.
    open_page(page, "/shop")
    page.select_option("#filter-type", "career_test")
    page.click("#filter-apply")
    wait_for_path(page, lambda p: "type=career_test" in p)
    expect(page.locator(".product-title")).to_have_text(["Hướng nghiệp trực tuyến"])

    # Pagination over the 26 new products.
    open_page(page, "/shop?" + urllib.parse.urlencode({"q": word}))
    expect(page.locator("#shop-count")).to_have_text(vi("shop.results", count=26))
    expect(page.locator(".product-card")).to_have_count(24)
    page.get_by_role("button", name=vi("common.next")).click()
    wait_for_path(page, lambda p: "page=2" in p)
    expect(page.locator(".product-card")).to_have_count(2)
    expect(page.get_by_text("2 / 2")).to_be_visible()
    expect(page.get_by_role("button", name=vi("common.next"))).to_be_disabled()
    page.get_by_role("button", name=vi("common.previous")).click()
    wait_for_path(page, lambda p: "page=1" in p)
    expect(page.locator(".product-card")).to_have_count(24)

    # A product page: its packages with their VND prices.
    open_page(page, CAREER_TEST)
    expect(page.locator("#product-title")).to_have_text("Hướng nghiệp trực tuyến")
    packages = page.locator(".package-card")
    expect(packages).to_have_count(2)
    expect(packages.filter(has_text=BOOST)).to_contain_text(_vnd("1.975.000 ₫"))
    expect(packages.filter(has_text="Gói Khởi động")).to_contain_text(vi("shop.free"))
    open_page(page, "/shop/course/viet-luan-tang-cuong")
    expect(page.locator(".package-card")).to_have_count(3)
    for price in page.locator(".package-card .rt-Heading.rt-r-size-5").all_inner_texts():
        assert re.fullmatch(r"\d{1,3}(\.\d{3})+\s₫", price), price
    shoot(page, "37-product-course")
