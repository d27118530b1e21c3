"""Shop fixtures: the demo catalogue (fast password hashing), buyers, settings and a VNPay
sandbox that signs IPN calls like VNPay does."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlmodel import Session, select

from aesp_app.integrations.payments import get_gateway
from aesp_app.integrations.payments import vnpay
from aesp_app.models.accounts import User
from aesp_app.models.catalog import Product, ProductPackage
from aesp_app.models.commerce import VnpayTransaction
from aesp_app.services import demo_data
from aesp_app.services.catalog.slugs import slugify


@dataclasses.dataclass
class Demo:
    session: Session
    users: dict[str, User]

    def product(self, title: str) -> Product:
        return self.session.exec(select(Product).where(Product.title == title)).one()

    def package(self, title: str, package_name: str) -> ProductPackage:
        product = self.product(title)
        return self.session.exec(
            select(ProductPackage).where(
                ProductPackage.product_id == product.id, ProductPackage.package_slug == slugify(package_name)
            )
        ).one()

    def user(self, username: str) -> User:
        return self.users[username]


@pytest.fixture
def demo(session, monkeypatch) -> Demo:
    monkeypatch.setattr(demo_data, "hash_password", lambda password: "not-a-real-hash")
    demo_data.load_demo_data(session)
    session.commit()
    users = {u.username: u for u in session.exec(select(User)).all()}
    return Demo(session=session, users=users)


@pytest.fixture
def settings(app_env):
    from aesp_app.settings import get_settings

    return get_settings()


def ipn_params(settings: Any, txn: VnpayTransaction, *, response_code: str = "00", amount: int | None = None,
               transaction_no: str = "14123456", tmn_code: str | None = None, secret: str | None = None) -> dict[str, str]:
    """What VNPay sends to the IPN URL for TXN, signed with the sandbox gateway's secret."""
    gateway = get_gateway("vnpay", settings)
    request = {
        "vnp_Amount": str(amount if amount is not None else txn.amount),
        "vnp_TmnCode": tmn_code or gateway.tmn_code,
        "vnp_TxnRef": txn.txn_ref,
        "vnp_OrderInfo": txn.order_info or "",
    }
    return vnpay.callback_params(
        request,
        secret or gateway.hash_secret,
        response_code=response_code,
        transaction_no=transaction_no,
        pay_date="20261121120000",
        bank_tran_no="VNP14123456",
    )
