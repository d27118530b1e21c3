"""The cart: guests and members, prices from the current packages, ownership, unavailable lines,
merge at login and cleanup of old guest carts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlmodel import select

from aesp_app.models.base import utcnow
from aesp_app.models.catalog import PackageStatus, ProductStatus
from aesp_app.models.commerce import ShoppingCart
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import cart
from aesp_app.services.shop.cart import CartOwner
from aesp_app.services.shop.errors import ShopError

GUEST = CartOwner.guest("guest-cookie-0123456789")


def _code(exc: pytest.ExceptionInfo[ServiceError]) -> ShopError:
    return exc.value.code


def test_owner_must_be_exactly_one_valid_identity():
    for kwargs in ({}, {"user_id": 1, "session_id": "x"}, {"session_id": ""}, {"session_id": "x" * 101},
                   {"session_id": "   "}, {"user_id": True}):
        with pytest.raises(ServiceError) as exc:
            CartOwner(**kwargs)
        assert _code(exc) is ShopError.CART_OWNER_INVALID
    assert CartOwner.guest("x" * 100).session_id == "x" * 100


def test_guest_add_and_view_prices_from_current_packages(session, demo):
    essay = demo.package("Viết luận tăng cường", "Nhóm 6 học viên")
    free = demo.package("Hướng nghiệp trực tuyến", "Gói Khởi động")
    cart.add_item(session, owner=GUEST, package_id=essay.id, quantity=2)
    cart.add_item(session, owner=GUEST, package_id=free.id)
    view = cart.cart_view(session, owner=GUEST)
    assert [(line.package_name, line.quantity) for line in view.lines] == [("Nhóm 6 học viên", 2), ("Gói Khởi động", 1)]
    first, second = view.lines
    assert first.unit_price == Decimal("5199000") and isinstance(first.unit_price, Decimal)
    assert first.original_unit_price == Decimal("6999000")
    assert first.line_total == Decimal("10398000")
    assert first.product_title == "Viết luận tăng cường" and first.product_type == "course"
    assert second.unit_price == Decimal("0") and second.line_total == Decimal("0")
    assert view.total == Decimal("10398000") and view.item_count == 3
    assert not view.has_unavailable

    # A price change shows at once: the cart never stores prices.
    essay.sale_price = Decimal("4999000")
    session.add(essay)
    session.flush()
    assert cart.cart_view(session, owner=GUEST).total == Decimal("9998000")
    # No sale price: the list price applies.
    essay.sale_price = Decimal("0")
    session.add(essay)
    session.flush()
    assert cart.cart_view(session, owner=GUEST).lines[0].unit_price == Decimal("6999000")


def test_adding_again_raises_quantity_within_the_cap(session, demo):
    package = demo.package("Essay Coaching", "Essay Coaching 1:1")
    owner = CartOwner.member(demo.user("learner1").id)
    line = cart.add_item(session, owner=owner, package_id=package.id, quantity=4)
    again = cart.add_item(session, owner=owner, package_id=package.id, quantity=3)
    assert again.id == line.id and again.quantity == 7
    capped = cart.add_item(session, owner=owner, package_id=package.id, quantity=10)
    assert capped.quantity == cart.MAX_QUANTITY
    assert len(session.exec(select(ShoppingCart).where(ShoppingCart.user_id == owner.user_id)).all()) == 1


@pytest.mark.parametrize("quantity", [0, -1, 11, True, 1.5, "2"])
def test_quantity_must_be_1_to_10(session, demo, quantity):
    package = demo.package("Essay Coaching", "Essay Coaching 1:1")
    with pytest.raises(ServiceError) as exc:
        cart.add_item(session, owner=GUEST, package_id=package.id, quantity=quantity)
    assert _code(exc) is ShopError.QUANTITY_INVALID
    assert exc.value.params == {"min": 1, "max": 10}


def test_only_sellable_products_and_packages_go_in(session, demo):
    product = demo.product("Essay Coaching")
    package = demo.package("Essay Coaching", "Essay Coaching 1:1")
    with pytest.raises(ServiceError) as exc:
        cart.add_item(session, owner=GUEST, package_id=999999)
    assert _code(exc) is ShopError.PACKAGE_UNAVAILABLE

    package.status = PackageStatus.INACTIVE.value
    session.add(package)
    session.flush()
    with pytest.raises(ServiceError) as exc:
        cart.add_item(session, owner=GUEST, package_id=package.id)
    assert _code(exc) is ShopError.PACKAGE_UNAVAILABLE
    package.status = PackageStatus.ACTIVE.value

    for status, deleted in ((ProductStatus.DRAFT.value, None), (ProductStatus.ARCHIVED.value, None),
                            (ProductStatus.PUBLISHED.value, utcnow())):
        product.status, product.deleted_at = status, deleted
        session.add_all([product, package])
        session.flush()
        with pytest.raises(ServiceError) as exc:
            cart.add_item(session, owner=GUEST, package_id=package.id)
        assert _code(exc) is ShopError.PRODUCT_UNAVAILABLE


def test_lines_of_another_owner_are_not_found(session, demo):
    package = demo.package("Essay Coaching", "Essay Coaching 1:1")
    mine = CartOwner.member(demo.user("learner1").id)
    theirs = CartOwner.member(demo.user("learner2").id)
    their_line = cart.add_item(session, owner=theirs, package_id=package.id)
    guest_line = cart.add_item(session, owner=GUEST, package_id=package.id)
    for line_id in (their_line.id, guest_line.id, 987654):
        with pytest.raises(ServiceError) as exc:
            cart.remove_item(session, owner=mine, line_id=line_id)
        assert _code(exc) is ShopError.CART_LINE_NOT_FOUND
        with pytest.raises(ServiceError) as exc:
            cart.set_quantity(session, owner=mine, line_id=line_id, quantity=2)
        assert _code(exc) is ShopError.CART_LINE_NOT_FOUND
    # Another guest cookie does not reach the guest's line either.
    with pytest.raises(ServiceError):
        cart.remove_item(session, owner=CartOwner.guest("other-cookie"), line_id=guest_line.id)

    assert cart.set_quantity(session, owner=theirs, line_id=their_line.id, quantity=5).quantity == 5
    cart.remove_item(session, owner=theirs, line_id=their_line.id)
    assert cart.cart_view(session, owner=theirs).is_empty
    assert len(cart.cart_view(session, owner=GUEST).lines) == 1


def test_unavailable_lines_are_flagged_and_left_out_of_the_total(session, demo):
    owner = CartOwner.member(demo.user("learner1").id)
    test_pkg = demo.package("Hướng nghiệp trực tuyến", "Gói Tăng tốc")
    essay_pkg = demo.package("Essay Coaching", "Essay Coaching 1:1")
    cv_pkg = demo.package("CV và Phỏng vấn", "Cố vấn Thành viên")
    for package in (test_pkg, essay_pkg, cv_pkg):
        cart.add_item(session, owner=owner, package_id=package.id)
    assert cart.cart_view(session, owner=owner).total == Decimal("1975000") + Decimal("899000") + Decimal("9900000")

    archived = demo.product("Hướng nghiệp trực tuyến")
    archived.status = ProductStatus.ARCHIVED.value
    deleted = demo.product("Essay Coaching")
    deleted.deleted_at = utcnow()
    cv_pkg.status = PackageStatus.INACTIVE.value
    session.add_all([archived, deleted, cv_pkg])
    session.flush()
    view = cart.cart_view(session, owner=owner)
    assert [line.unavailable for line in view.lines] == [True, True, True]
    assert view.total == Decimal("0") and view.item_count == 0 and view.has_unavailable

    cv_pkg.status = PackageStatus.ACTIVE.value
    session.add(cv_pkg)
    session.flush()
    view = cart.cart_view(session, owner=owner)
    assert [line.unavailable for line in view.lines] == [True, True, False]
    assert view.total == Decimal("9900000")


def test_merge_guest_cart_at_login(session, demo):
    user = demo.user("learner1")
    member = CartOwner.member(user.id)
    essay = demo.package("Essay Coaching", "Essay Coaching 1:1")
    cv = demo.package("CV và Phỏng vấn", "Cố vấn Thành viên")
    test_pkg = demo.package("Hướng nghiệp trực tuyến", "Gói Tăng tốc")
    cart.add_item(session, owner=member, package_id=essay.id, quantity=8)
    cart.add_item(session, owner=member, package_id=cv.id, quantity=1)
    cart.add_item(session, owner=GUEST, package_id=essay.id, quantity=5)
    cart.add_item(session, owner=GUEST, package_id=test_pkg.id, quantity=2)
    other_guest = CartOwner.guest("someone-else")
    cart.add_item(session, owner=other_guest, package_id=cv.id)

    assert cart.merge_guest_cart(session, session_id=GUEST.session_id, user_id=user.id) == 2
    lines = {line.package_id: line.quantity for line in cart.cart_view(session, owner=member).lines}
    assert lines == {essay.id: cart.MAX_QUANTITY, cv.id: 1, test_pkg.id: 2}
    assert cart.cart_view(session, owner=GUEST).is_empty
    assert len(cart.cart_view(session, owner=other_guest).lines) == 1
    rows = session.exec(select(ShoppingCart).where(ShoppingCart.user_id == user.id)).all()
    assert len(rows) == 3 and all(row.session_id is None for row in rows)
    # Nothing left to merge the second time.
    assert cart.merge_guest_cart(session, session_id=GUEST.session_id, user_id=user.id) == 0


def test_cleanup_removes_only_old_guest_lines(session, demo):
    package = demo.package("Essay Coaching", "Essay Coaching 1:1")
    member = CartOwner.member(demo.user("learner1").id)
    old_guest = cart.add_item(session, owner=GUEST, package_id=package.id)
    new_guest = cart.add_item(session, owner=CartOwner.guest("fresh"), package_id=package.id)
    old_member = cart.add_item(session, owner=member, package_id=package.id)
    long_ago = utcnow() - dt.timedelta(days=31)
    old_guest.added_at = long_ago
    old_member.added_at = long_ago
    session.add_all([old_guest, old_member])
    session.flush()

    assert cart.cleanup_guest_carts(session, older_than_days=30) == 1
    remaining = {row.id for row in session.exec(select(ShoppingCart)).all()}
    assert remaining == {new_guest.id, old_member.id}
    assert cart.cleanup_guest_carts(session) == 0
