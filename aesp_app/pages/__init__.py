"""Importing this package registers every page."""

from aesp_app.pages import admin, admin_products, admin_shop, auth, career_test, home, orders, practice, profile, shop  # noqa: F401
