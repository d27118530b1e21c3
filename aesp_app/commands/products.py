"""Catalogue commands: products list / archive / publish / restore.

`restore` is the only way back for a soft-deleted product (003): it clears deleted_at.
"""

from __future__ import annotations

import argparse
import sys

from aesp_app.models.catalog import ProductType

TYPES = [t.value for t in ProductType]


def _message(err) -> str:  # noqa: ANN001
    from aesp_app.i18n import translate

    return translate(err.message_key, "en", **err.params)


def _run(action) -> int:  # noqa: ANN001
    from aesp_app.db import session_scope
    from aesp_app.services.errors import ServiceError

    try:
        with session_scope() as session:
            print(action(session))
    except ServiceError as err:
        print(f"Error: {_message(err)}", file=sys.stderr)
        return 1
    return 0


def _restore(args: argparse.Namespace) -> int:
    from aesp_app.services.catalog import admin

    def action(session) -> str:  # noqa: ANN001
        product = admin.restore(session, slug=args.slug, type=args.type)
        return f"Restored {product.type} “{product.slug}” (id {product.id}, status {product.status})."

    return _run(action)


def _set_status(status: str, verb: str):  # noqa: ANN202
    def handler(args: argparse.Namespace) -> int:
        from aesp_app.services.catalog import admin

        def action(session) -> str:  # noqa: ANN001
            product = admin.find_by_slug(session, slug=args.slug, type=args.type, deleted=False)
            admin.set_status(session, product_id=product.id, status=status)
            return f"{verb} {product.type} “{product.slug}” (id {product.id})."

        return _run(action)

    return handler


def _list(args: argparse.Namespace) -> int:
    from aesp_app.services.catalog import admin

    def action(session) -> str:  # noqa: ANN001
        page = admin.list_products_admin(session, only_deleted=args.deleted, status=args.status, type=args.type,
                                         search=args.search, page=1, page_size=200)
        lines = [
            f"{row.id}\t{row.type}\t{row.slug}\t{row.status}{' deleted' if row.deleted else ''}\t{row.title}"
            for row in page.items
        ]
        shown = f"{len(page.items)} of {page.total}" if page.total > len(page.items) else str(page.total)
        lines.append(f"{shown} {'deleted ' if args.deleted else ''}product(s).")
        return "\n".join(lines)

    return _run(action)


def register(subparsers: argparse._SubParsersAction) -> None:
    products = subparsers.add_parser("products", help="list, publish, archive and restore catalogue products")
    actions = products.add_subparsers(dest="products_command", metavar="ACTION")
    products.set_defaults(handler=lambda _args: (products.print_help(), 2)[1])

    p = actions.add_parser("list", help="products that are not deleted (--deleted: only the soft-deleted ones)")
    p.add_argument("--deleted", action="store_true", help="list the soft-deleted products instead")
    p.add_argument("--status", choices=["draft", "published", "archived"])
    p.add_argument("--type", choices=TYPES)
    p.add_argument("--search")
    p.set_defaults(handler=_list)

    p = actions.add_parser("restore", help="bring back a soft-deleted product (clears deleted_at)")
    p.add_argument("slug")
    p.add_argument("--type", choices=TYPES, help="needed when several types use the slug")
    p.set_defaults(handler=_restore)

    p = actions.add_parser("archive", help="hide a product from the shop (kept for reports; can be published again)")
    p.add_argument("slug")
    p.add_argument("--type", choices=TYPES, help="needed when several types use the slug")
    p.set_defaults(handler=_set_status("archived", "Archived"))

    p = actions.add_parser("publish", help="put a product on sale (needs an active package)")
    p.add_argument("slug")
    p.add_argument("--type", choices=TYPES, help="needed when several types use the slug")
    p.set_defaults(handler=_set_status("published", "Published"))
