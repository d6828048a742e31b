"""The real store, deployed by ws to a fresh local endpoint, bought from in headless Chromium.

ws publishes stacks/ui/site/ with its config.json (the local API and Cognito URLs) to the ui
stack's bucket; the page is opened at the distribution's local URL, as `ws outputs` shows it.
The order page's screenshot is kept under .ws/artifacts/ (its path is printed). A browser that
cannot start fails the test (BrowserUnavailable), never skips it.
"""
from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

import pytest
from ws import api
from ws.cloud.backend import local_backend
from ws.engine.request import RunRequest
from ws.local.links import backend_links

from storefront_page import browser, run_purchase

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / ".ws" / "artifacts"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def store(tmp_path, endpoint):
    """A copy of the repository's store workspace (so .ws/ state stays in tmp)."""
    for name in ("workspace.yaml", "stacks", "environments"):
        source, target = ROOT / name, tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", ".ws"))
        else:
            shutil.copy(source, target)
    return tmp_path


def site_url(outputs: dict[str, dict[str, str]], endpoint: str) -> str:
    """The local URL next to the ui stack's WebsiteUrl (what `ws outputs --env local` shows)."""
    links = backend_links(local_backend("us-east-1", endpoint), outputs)
    return next(link.local_url for link in links
                if (link.stack, link.output) == ("ui", "WebsiteUrl"))


def test_a_customer_buys_from_the_real_local_store(store, endpoint, capsys):
    report = api.deploy(store, "local", RunRequest())
    assert report.ok, [(s.stack, s.status, s.reason) for s in report.stacks]
    outputs = {s.stack: s.outputs for s in report.stacks}
    url = site_url(outputs, endpoint)
    assert url.endswith("/")
    with urllib.request.urlopen(url + "config.json", timeout=10) as reply:
        config = json.loads(reply.read())
    assert config["apiUrl"].startswith(f"{endpoint}/_ws/api/{outputs['api']['ApiId']}/v1")
    assert config["userPoolClientId"] == outputs["auth"]["UserPoolClientId"]
    assert config["cognitoEndpoint"] == endpoint + "/"

    screenshot = ARTIFACTS / "storefront-order-paid.png"
    with browser() as page:
        bought = run_purchase(page, url, screenshot, product_id="mug")
        mug = "[data-testid=product-card][data-product-id=mug]"
        took_stock = page.wait("the mug's stock to go down", lambda: page.driver.execute_script(
            f"return document.querySelector('{mug}').innerText.includes('39 in stock')"))
        # Back an hour later: the ID token has expired, Cognito's refresh token renews it.
        page.driver.execute_script(
            "const s = JSON.parse(sessionStorage.getItem('store.session'));"
            "sessionStorage.setItem('store.session', JSON.stringify({...s, expiresAt: 0}));")
        page.driver.refresh()
        history = page.wait("the order in the history after a reload", lambda: [
            row.get_attribute("data-status") for row in page.driver.find_elements(
                "css selector", f"[data-testid=history-order][data-order-id='{bought.order_id}']")])
        returning = page.screenshot(ARTIFACTS / "storefront-local-returning.png")
    with capsys.disabled():  # shown in CI's log even when the test passes
        print(f"\nscreenshots: {screenshot}, {returning}")

    assert bought.signed_in_as == bought.email
    assert "Store mug" in bought.product_names and bought.product_name == "Store mug"
    assert (bought.status, bought.status_text) == ("PAID", "Paid")
    assert took_stock and history == ["PAID"]
    assert screenshot.read_bytes().startswith(PNG_MAGIC)
