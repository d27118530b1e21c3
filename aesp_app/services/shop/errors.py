"""Why the shop refuses something. Each value is a message key (aesp_app/i18n/en.py and vi.py)."""

from __future__ import annotations

import enum


class ShopError(str, enum.Enum):
    CART_OWNER_INVALID = "shop.cart_owner_invalid"
    PRODUCT_UNAVAILABLE = "shop.product_unavailable"
    PACKAGE_UNAVAILABLE = "shop.package_unavailable"
    QUANTITY_INVALID = "shop.quantity_invalid"
    CART_LINE_NOT_FOUND = "shop.cart_line_not_found"
    CART_EMPTY = "shop.cart_empty"
    CART_HAS_UNAVAILABLE = "shop.cart_has_unavailable"  # params: items
    PREREQUISITE_MISSING = "shop.prerequisite_missing"  # params: product, required
    PAYMENT_METHOD_INVALID = "shop.payment_method_invalid"
    AMOUNT_OUT_OF_RANGE = "shop.amount_out_of_range"  # params: gateway, min, max
    PAYMENT_UNAVAILABLE = "shop.payment_unavailable"  # the gateway refused or did not answer
    ORDER_NOT_FOUND = "shop.order_not_found"
    ORDER_NOT_PAYABLE = "shop.order_not_payable"
    ORDER_NOT_PAID = "shop.order_not_paid"
    ORDER_NOT_CANCELLABLE = "shop.order_not_cancellable"
    ORDER_NOT_REFUNDABLE = "shop.order_not_refundable"
    ADMIN_REQUIRED = "shop.admin_required"
    SANDBOX_DISABLED = "shop.sandbox_disabled"  # real gateway keys are configured
    SANDBOX_INVALID = "shop.sandbox_invalid"  # the payment link's signature or fields are wrong
