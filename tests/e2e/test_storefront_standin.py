"""The store page in real headless Chromium against the stand-in store (tests/e2e/standin_store.py).

Each test starts its browser in its body, so a browser that cannot start fails the test with
BrowserUnavailable's message (never a skip or a fixture error).
"""
from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.keys import Keys

import storefront_page
from standin_store import StandInState, serve
from storefront_page import BrowserUnavailable, browser, run_purchase

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def standin():
    with serve(StandInState(settle_after=1.5)) as running:
        yield running


def test_a_purchase_is_shown_paid(standin, tmp_path):
    with browser() as page:
        bought = run_purchase(page, standin.site_url, tmp_path / "paid.png", product_id="mug")
        storage = page.driver.execute_script(
            "return [localStorage.length, sessionStorage.length]")
        console = json.dumps(page.driver.get_log("browser"))
        description = page.by_id("product-description").text
        order_lines = page.by_id("order-items").text
    assert bought.product_names == ["Store cap", "Store mug", "Store T-shirt"]
    assert bought.signed_in_as == bought.email
    assert (bought.product_name, bought.status, bought.status_text) == ("Store mug", "PAID", "Paid")
    assert bought.screenshot.read_bytes().startswith(PNG_MAGIC)
    assert description == "A 330 ml stoneware mug."
    assert order_lines.split("\n") == ["1 × Store mug", "€12.50"]
    orders = [body for method, path, body in standin.state.requests if method == "POST"]
    assert orders == [{"items": [{"product_id": "mug", "quantity": 1}]}]  # no price sent
    assert storage == [0, 0]
    leaked = sum(token in console for token in standin.state.tokens)  # a count: no token printed
    assert standin.state.tokens and leaked == 0


def test_a_declined_payment_is_shown_at_phone_width(tmp_path):
    state = StandInState(settle_after=0.5, products=[
        {"product_id": "sofa", "name": "Golden sofa", "price": 12_000, "stock": 1}])
    with serve(state) as running, browser(size=(360, 740)) as page:
        bought = run_purchase(page, running.site_url, tmp_path / "declined.png")
        overflow = page.driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        note = page.by_id("order-note").text
    assert (bought.product_name, bought.status, bought.status_text) == (
        "Golden sofa", "DECLINED", "Declined")
    assert "declined" in note.lower()
    assert overflow <= 0


def test_errors_read_as_sentences_and_forms_work_from_the_keyboard(standin):
    with browser() as page:
        page.open(standin.site_url)
        unlabelled = page.driver.execute_script(
            "return [...document.querySelectorAll('input')].filter(i => !i.labels.length)"
            ".map(i => i.id)")
        page.fill("signin-email", "nobody@example.com")
        page.fill("signin-password", "Wrong-password-1")
        page.by_id("signin-password").send_keys(Keys.ENTER)
        refused = page.shown_error()
        page.by_id("show-signup").send_keys(Keys.ENTER)
        page.fill("signup-email", "weak@example.com")
        page.fill("signup-password", "short")
        page.by_id("signup-password").send_keys(Keys.ENTER)
        weak = page.shown_error()
    assert unlabelled == []
    assert refused == "Incorrect email or password."
    assert weak.startswith("That password is too weak")


def test_a_missing_browser_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(storefront_page, "CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(BrowserUnavailable, match="/nonexistent/chromium is missing"):
        storefront_page.start_browser()


def test_a_refused_token_signs_out_with_a_readable_message(standin):
    with browser() as page:
        page.open(standin.site_url)
        page.sign_up("revoked@example.com", storefront_page.PASSWORD)
        page.confirm()
        page.sign_in("revoked@example.com", storefront_page.PASSWORD)
        page.product_names()
        standin.state.tokens.clear()  # the API now answers 401, as for an expired token
        page.by_id("products-refresh").click()
        shown = page.shown_error()
        signed_out = page.by_id("signin-form").is_displayed() and \
            not page.by_id("account").is_displayed()
    assert shown == "Your session has ended. Please sign in again."
    assert signed_out
