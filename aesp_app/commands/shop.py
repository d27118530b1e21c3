"""`shop maintain`: expire unpaid orders and remove stale guest carts (the server also does this
every few minutes; the command is for cron or a one-off)."""

from __future__ import annotations

import argparse


def _maintain(_args: argparse.Namespace) -> int:
    from aesp_app.db import session_scope
    from aesp_app.services.shop.maintenance import run_maintenance

    with session_scope() as session:
        counts = run_maintenance(session)
    print(f"Expired {counts['expired_orders']} unpaid order(s); removed {counts['removed_guest_cart_lines']} stale guest cart line(s).")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    shop = subparsers.add_parser("shop", help="shop housekeeping")
    actions = shop.add_subparsers(dest="shop_command", metavar="ACTION")
    p = actions.add_parser("maintain", help="expire unpaid orders and remove stale guest carts")
    p.set_defaults(handler=_maintain)
