"""`python -m aesp_app <command>`: operator commands.

Each area adds its commands in its own module with a `register(subparsers)` function that
sets `handler` on its parser; COMMAND_MODULES lists those modules.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = (
    "aesp_app.commands.core",
    "aesp_app.commands.speech",
    "aesp_app.commands.text",
    "aesp_app.commands.products",
    "aesp_app.commands.shop",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m aesp_app", description="AESP operator commands.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # that area has no commands yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    from aesp_app.settings import ConfigError

    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
