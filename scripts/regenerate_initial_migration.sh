#!/usr/bin/env bash
# Recreate alembic/versions/0001_initial_schema.py from the models, before the first release.
#
# It autogenerates the revision against an empty SQLite database, then adds seed 001's three
# views (purchased_courses_view, purchased_tests_view, consultation_bookings_view) to upgrade()
# and downgrade(), and finally migrates a fresh SQLite database up, down and up again and runs
# `alembic check`. Run it from anywhere after adding or changing a table:
#
#     scripts/regenerate_initial_migration.sh
#
# Once a release has shipped, add new revisions with `alembic revision --autogenerate` instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
TARGET="$ROOT/alembic/versions/0001_initial_schema.py"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$ROOT"
rm -f "$TARGET"

alembic() {
    if ! "$PYTHON" -m alembic -c "$ROOT/alembic.ini" "$@" >"$WORK/log" 2>&1; then
        cat "$WORK/log" >&2
        echo "alembic $* failed" >&2
        exit 1
    fi
}

# APP_ENV=test: never read a production .env by accident; DATABASE_URL: an empty database.
export APP_ENV=test
export DATABASE_URL="sqlite:///$WORK/empty.db"
alembic revision --autogenerate --rev-id 0001 -m "initial schema"

"$PYTHON" - "$TARGET" <<'PY'
import pathlib
import re
import sys

path = pathlib.Path(sys.argv[1])
text = path.read_text(encoding="utf-8")
# downgrade(): dropping a table drops its indexes. Dropping them first fails on MySQL when a
# foreign key still needs the index, so keep only the drop_table calls.
head, down = text.split("def downgrade()", 1)
down = re.sub(
    r"    with op\.batch_alter_table\('\w+', schema=None\) as batch_op:\n"
    r"(?:        batch_op\.drop_index\(.*\)\n)+\n",
    "",
    down,
)
assert "drop_index" not in down, "downgrade() still drops indexes one by one"
text = head + "def downgrade()" + down
end = "    # ### end Alembic commands ###\n"
upgrade_end = text.index(end, text.index("def upgrade()")) + len(end)
text = text[:upgrade_end] + "    create_views()\n" + text[upgrade_end:]
downgrade_start = text.index("\n", text.index("def downgrade()")) + 1
text = text[:downgrade_start] + "    drop_views()\n" + text[downgrade_start:]
text += '''

# --- seed 001's backward-compatible views over purchased_packages ---------------------------
# Each is `pp.*` plus the old table's code column and the product's title. A view's `pp.*` is
# fixed when it is created: a migration that adds columns to purchased_packages recreates them.

VIEWS = {
    "purchased_courses_view": (
        "SELECT pp.*, pp.access_code AS course_code, p.title AS course_title, p.slug AS product_slug "
        "FROM purchased_packages pp LEFT JOIN products p ON p.id = pp.product_id "
        "WHERE pp.product_type = 'course'"
    ),
    "purchased_tests_view": (
        "SELECT pp.*, pp.access_code AS test_token, p.title AS test_title, p.slug AS product_slug "
        "FROM purchased_packages pp LEFT JOIN products p ON p.id = pp.product_id "
        "WHERE pp.product_type = 'career_test'"
    ),
    "consultation_bookings_view": (
        "SELECT pp.*, pp.access_code AS consultation_code, p.title AS consultation_title, "
        "p.slug AS product_slug "
        "FROM purchased_packages pp LEFT JOIN products p ON p.id = pp.product_id "
        "WHERE pp.product_type = 'consultation'"
    ),
}


def create_views() -> None:
    # MySQL/MariaDB: SQL SECURITY INVOKER so the views keep working after a dump is restored
    # under another account.
    create = "CREATE SQL SECURITY INVOKER VIEW" if op.get_bind().dialect.name == "mysql" else "CREATE VIEW"
    for name, select in VIEWS.items():
        op.execute(f"{create} {name} AS {select}")


def drop_views() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
'''
path.write_text(text, encoding="utf-8")
PY

# Prove it: up, down, up again and no drift, on a fresh SQLite database.
export DATABASE_URL="sqlite:///$WORK/check.db"
alembic upgrade head
alembic downgrade base
alembic upgrade head
alembic check
echo "Wrote $TARGET"
