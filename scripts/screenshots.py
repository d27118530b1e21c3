"""Screenshots of pages at desktop and phone widths, for looking at what users see.

    .venv/bin/python scripts/screenshots.py BASE_URL OUT_DIR PATH [PATH ...]
    (set AESP_SHOT_LOGIN=identifier:password to log in first)
"""

from __future__ import annotations

import os
import pathlib
import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
SIZES = {"desktop": (1280, 860), "phone": (390, 844)}


def main(base: str, out: str, paths: list[str]) -> None:
    out_dir = pathlib.Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for label, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            login = os.environ.get("AESP_SHOT_LOGIN")
            if login:
                ident, password = login.split(":", 1)
                page.goto(f"{base}/login")
                page.fill("#identifier", ident)
                page.fill("#password", password)
                page.click("#login-submit")
                page.wait_for_url(lambda url: "/login" not in url, timeout=15000)
            for path in paths:
                page.goto(f"{base}{path}")
                page.wait_for_timeout(1500)
                name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                page.screenshot(path=str(out_dir / f"{name}-{label}.png"), full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
