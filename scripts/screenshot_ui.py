"""Screenshot the Dagster UI's page of the newest backfill (its assets, then its runs).

    python scripts/screenshot_ui.py [PORT] [OUT_DIR] [NAME]

Defaults: PORT=3000, OUT_DIR=docs/img (git-ignored), NAME=ui-backfill. Start the UI first
(README, *The Dagster UI*) and launch a backfill (e.g. `+half_year_report` for 2019-07-01).
Needs Playwright, which the project does not depend on (`pip install playwright` in a throw-away
venv), and Chromium (Debian: apt-get install -y chromium). Writes NAME.png (the assets and their
partitions) and NAME-runs.png (the runs and their stage tags).
"""

import json
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEWEST_BACKFILL = "{ partitionBackfillsOrError(limit: 1) { ... on PartitionBackfills { results { id } } } }"


def newest_backfill(port: int) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": NEWEST_BACKFILL}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        results = json.loads(response.read())["data"]["partitionBackfillsOrError"]["results"]
    if not results:
        raise SystemExit("screenshot_ui: no backfill on this instance yet; launch one first")
    return results[0]["id"]


def main(port: int, out_dir: Path, name: str) -> None:
    backfill = newest_backfill(port)
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for suffix, tab, height in (("", "", 2500), ("-runs", "?tab=runs", 800)):
            page = browser.new_page(viewport={"width": 1500, "height": height})
            page.goto(f"http://127.0.0.1:{port}/runs/b/{backfill}{tab}", wait_until="networkidle")
            skip = page.get_by_role("button", name="Skip")  # Dagster's first-visit modal
            if skip.count():
                skip.first.click()
            page.wait_for_timeout(3000)
            out = out_dir / f"{name}{suffix}.png"
            page.screenshot(path=str(out))
            print(out)
        browser.close()


if __name__ == "__main__":
    DEFAULTS = ["3000", "docs/img", "ui-backfill"]
    args = [*sys.argv[1:4], *DEFAULTS[len(sys.argv[1:4]) :]]
    main(int(args[0]), Path(args[1]), args[2])
