"""Figures for the store page in headless Chromium against the stand-in store (no payment delay).

Prints the site's weight, the browser's start time, the page's time until it is ready (settings
loaded) and the time of each step of a whole purchase. Run from the repository root:
``.venv/bin/python tests/bench/bench_storefront.py [--runs N]``.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from standin_store import SITE, StandInState, serve  # noqa: E402
from storefront_page import PASSWORD, StorefrontPage, start_browser  # noqa: E402


def site_weight() -> tuple[int, int]:
    """Files and bytes a browser downloads (the sample config and dotfiles left out)."""
    files = [p for p in SITE.iterdir() if p.is_file() and not p.name.startswith(".")
             and p.name != "config.example.json"]
    return len(files), sum(p.stat().st_size for p in files)


def timed_purchase(site_url: str, run: int) -> dict[str, float]:
    """Seconds per step of one purchase on a fresh browser."""
    steps: dict[str, float] = {}
    mark = time.perf_counter()

    def step(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        steps[name], mark = now - mark, now

    driver, profile = start_browser()
    step("browser start")
    try:
        page, email = StorefrontPage(driver), f"bench-{run}-{time.time_ns()}@example.com"
        page.open(site_url)
        step("page ready")
        page.sign_up(email, PASSWORD)
        page.confirm()
        page.sign_in(email, PASSWORD)
        step("sign up + confirm + sign in")
        page.product_names()
        page.open_product("mug")
        step("list + open product")
        page.order()
        page.wait_settled()
        step("order until PAID (1 s polls)")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    files, size = site_weight()
    print(f"site: {files} files, {size / 1024:.1f} KiB uncompressed, no third-party code")
    with serve(StandInState(settle_after=0)) as standin:
        results = [timed_purchase(standin.site_url, run) for run in range(runs)]
    for name in results[0]:
        values = [r[name] for r in results]
        print(f"{name:32s} median {statistics.median(values) * 1000:7.0f} ms   "
              f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, {runs} runs)")


if __name__ == "__main__":
    main()
