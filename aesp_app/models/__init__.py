"""Every table of AESP. Importing this package registers all of them on SQLModel.metadata."""

from sqlmodel import SQLModel

from aesp_app.models import accounts  # noqa: F401
from aesp_app.models.accounts import (  # noqa: F401
    AuthToken,
    LoginAttempt,
    OutboxMail,
    Role,
    User,
    UserProfile,
    UserPublic,
    UserSession,
    UserStatus,
)

# Other table modules are imported in models/_registry.py, kept separate so each area owns its file.
from aesp_app.models import _registry  # noqa: E402,F401

# MySQL/MariaDB: InnoDB and utf8mb4 for every table (seed 001's engine and charset).
for _table in SQLModel.metadata.tables.values():
    _table.kwargs.setdefault("mysql_engine", "InnoDB")
    _table.kwargs.setdefault("mysql_charset", "utf8mb4")
    _table.kwargs.setdefault("mysql_collate", "utf8mb4_unicode_ci")

metadata = SQLModel.metadata
