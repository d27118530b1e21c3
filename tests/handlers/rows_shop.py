"""Authorization rows for the shop's listing and product pages (public)."""

from tests.handlers.roles import ALL

ROWS = {
    "ShopState.load": (ALL, {}),
    "ShopState.apply_filters": (ALL, {"form": {"q": "%_", "type": "nope", "min_price": "abc"}}),
    "ShopState.go_to_page": (ALL, {"page": "x"}),
    "ProductState.load": (ALL, {}),
}

ROWS.update({
    # MoMo's stand-in pages, like VNPay's: display only, or act on a signed request
    "MomoReturnState.load": (ALL, {}),
})

from tests.handlers.roles import ADMIN  # noqa: E402

ROWS.update({
    "AdminProductsState.load": (ADMIN, {}),
    "AdminProductsState.filter": (ADMIN, {"form": {"search": "%", "status": "bogus", "show": "deleted"}}),
    "AdminProductsState.go_to_page": (ADMIN, {"page": 2}),
    "AdminProductsState.set_status": (ADMIN, {"product_id": 999999, "status": "archived"}),
    "AdminProductsState.delete": (ADMIN, {"product_id": 999999}),
    "AdminProductsState.restore": (ADMIN, {"product_id": 999999}),
})
