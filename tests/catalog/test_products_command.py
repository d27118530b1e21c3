"""`python -m aesp_app products …` against the test database, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlmodel import Session

from aesp_app.models.catalog import Product
from aesp_app.services.catalog import admin
from tests.conftest import ROOT


def _run(app_env, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": app_env}
    return subprocess.run([sys.executable, "-m", "aesp_app", "products", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _stored(engine, product_id: int) -> Product:
    with Session(engine) as fresh:
        return fresh.get(Product, product_id)


def test_restore_a_soft_deleted_product(session, engine, app_env, make):
    product = make("Speaking Lab")
    admin.soft_delete(session, product_id=product.id)
    session.commit()

    listed = _run(app_env, "list", "--deleted")
    assert listed.returncode == 0, listed.stderr
    assert "speaking-lab" in listed.stdout and "1 deleted product(s)." in listed.stdout

    result = _run(app_env, "restore", "speaking-lab")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Restored course “speaking-lab” (id {product.id}, status published)."
    assert _stored(engine, product.id).deleted_at is None

    again = _run(app_env, "restore", "speaking-lab")
    assert again.returncode == 1
    assert again.stderr.strip() == "Error: The product “speaking-lab” is not deleted."


def test_restore_errors(session, engine, app_env, make):
    course = make("Twin", type="course")
    test = make("Twin", type="career_test")
    admin.soft_delete(session, product_id=course.id)
    admin.soft_delete(session, product_id=test.id)
    session.commit()

    missing = _run(app_env, "restore", "no-such-thing")
    assert missing.returncode == 1 and missing.stderr.strip() == "Error: No such product."
    ambiguous = _run(app_env, "restore", "twin")
    assert ambiguous.returncode == 1 and "(career_test, course)" in ambiguous.stderr
    assert _run(app_env, "restore", "twin", "--type", "ebook").returncode == 2  # argparse refuses the type
    done = _run(app_env, "restore", "twin", "--type", "course")
    assert done.returncode == 0, done.stderr
    assert _stored(engine, course.id).deleted_at is None and _stored(engine, test.id).deleted_at is not None


def test_archive_publish_and_list(session, engine, app_env, make):
    product = make("Grammar Gym")
    draft = make("No Package", price=None, publish=False)
    session.commit()

    archived = _run(app_env, "archive", "grammar-gym")
    assert archived.returncode == 0 and archived.stdout.strip() == f"Archived course “grammar-gym” (id {product.id})."
    assert _stored(engine, product.id).status == "archived"
    listed = _run(app_env, "list")
    assert "grammar-gym\tarchived" in listed.stdout and "no-package\tdraft" in listed.stdout
    assert listed.stdout.strip().endswith("2 product(s).")
    published = _run(app_env, "publish", "grammar-gym")
    assert published.returncode == 0 and _stored(engine, product.id).status == "published"

    refused = _run(app_env, "publish", "no-package")
    assert refused.returncode == 1 and "at least one active package" in refused.stderr
    assert _stored(engine, draft.id).status == "draft"
    assert _run(app_env).returncode == 2  # no action: help
