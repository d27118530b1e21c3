"""Core operator commands: check-config, migrate, demo-data, create-admin."""

from __future__ import annotations

import argparse
import getpass
import sys

from aesp_app.settings import PROJECT_ROOT, get_settings


def _check_config(_args: argparse.Namespace) -> int:
    settings = get_settings()
    settings.validate()  # raises ConfigError: one sentence, printed by the CLI
    print(f"Configuration OK ({settings.app_env}); database: {settings.database_url.split('://')[0]}; "
          f"state: {'redis' if settings.redis_url else 'memory'}; AI: {'API ' + settings.ai_model if settings.ai_enabled else 'offline engine'}; "
          f"mail: {'SMTP ' + settings.smtp_host if settings.smtp_enabled else 'outbox only'}; "
          f"VNPay: {'configured' if settings.vnpay_tmn_code else 'local sandbox'}.")
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    from alembic import command
    from alembic.config import Config

    get_settings().validate()
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    command.upgrade(config, "head")
    print("Database is at the latest schema.")
    return 0


def _demo_data(_args: argparse.Namespace) -> int:
    from aesp_app.db import session_scope
    from aesp_app.services.demo_data import load_demo_data

    with session_scope() as session:
        counts = load_demo_data(session)
    added = {k: v for k, v in counts.items() if v}
    print("Demo data loaded: " + (", ".join(f"{k} +{v}" for k, v in added.items()) if added else "already present, nothing to add") + ".")
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    from aesp_app.db import session_scope
    from aesp_app.i18n import translate
    from aesp_app.services import accounts
    from aesp_app.services.errors import ServiceError

    password = args.password or (sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Password: "))
    try:
        with session_scope() as session:
            user = accounts.create_admin(session, username=args.username, email=args.email, password=password)
            print(f"Admin {user.username} <{user.email}> is ready (id {user.id}).")
    except ServiceError as err:
        print(translate(err.message_key, "en", **err.params), file=sys.stderr)
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("check-config", help="validate the settings and say what is configured")
    p.set_defaults(handler=_check_config)
    p = subparsers.add_parser("migrate", help="alembic upgrade head on DATABASE_URL")
    p.set_defaults(handler=_migrate)
    p = subparsers.add_parser("demo-data", help="load the demo accounts, products, topics and plans (idempotent)")
    p.set_defaults(handler=_demo_data)
    p = subparsers.add_parser("create-admin", help="create or promote an administrator")
    p.add_argument("--username", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--password", help="read from standard input (or a prompt) when omitted")
    p.set_defaults(handler=_create_admin)
