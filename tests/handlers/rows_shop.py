"""Authorization rows for the shop's listing and product pages (public)."""

from tests.handlers.roles import ALL

ROWS = {
    "ShopState.load": (ALL, {}),
    "ShopState.apply_filters": (ALL, {"form": {"q": "%_", "type": "nope", "min_price": "abc"}}),
    "ShopState.go_to_page": (ALL, {"page": "x"}),
    "ProductState.load": (ALL, {}),
}
