"""Column helpers shared by every table module.

Conventions (see docs/decisions.md): integer primary keys; datetimes are aware UTC;
money is Numeric (Decimal VND); JSON documents are TEXT holding JSON (seed 000's rule).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlmodel import Field

# TEXT on SQLite, LONGTEXT on MySQL (seed LONGTEXT columns and big JSON documents).
LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql")
# BLOB on SQLite, LONGBLOB on MySQL (recorded audio).
LongBlob = sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql")
# Money: Decimal VND with two places, as seed 001's DECIMAL(10,2) but wide enough for totals.
Money = sa.Numeric(14, 2)


def utcnow() -> dt.datetime:
    """Aware UTC now. Every DATETIME column holds UTC (seed 000, technical note 2); SQLModel's
    UTCDateTime type refuses naive values and reads values back as aware UTC."""
    return dt.datetime.now(dt.UTC)


def created_at_field() -> Any:
    return Field(default_factory=utcnow, nullable=True)


def updated_at_field() -> Any:
    return Field(default_factory=utcnow, nullable=True, sa_column_kwargs={"onupdate": utcnow})


def money_field(default: Decimal | None = None, nullable: bool = True, **kwargs: Any) -> Any:
    return Field(default=default, sa_type=Money, nullable=nullable, **kwargs)


def text_field(nullable: bool = True, **kwargs: Any) -> Any:
    return Field(default=None, sa_type=sa.Text, nullable=nullable, **kwargs)


def longtext_field(nullable: bool = True, **kwargs: Any) -> Any:
    return Field(default=None, sa_type=LongText, nullable=nullable, **kwargs)


def varchar(length: int, default: Any = None, nullable: bool = True, **kwargs: Any) -> Any:
    return Field(default=default, max_length=length, sa_type=sa.String(length), nullable=nullable, **kwargs)


def fk(target: str, nullable: bool = True, ondelete: str | None = "CASCADE", index: bool = True, **kwargs: Any) -> Any:
    """An integer foreign key. Child rows of a deleted user go with it (seed 001: CASCADE)."""
    return Field(
        default=None,
        sa_column_args=[sa.ForeignKey(target, ondelete=ondelete)] if ondelete else [sa.ForeignKey(target)],
        nullable=nullable,
        index=index,
        **kwargs,
    )


# Deterministic constraint names on every back end, so that later migrations (SQLite batch mode
# included) can drop or alter a constraint by name. Set here because every table module imports
# this module before it declares a table. Names stay under MySQL's 64-character limit.
from sqlmodel import SQLModel  # noqa: E402

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}
