"""Catalogue rules: products, their slugs and their states."""
