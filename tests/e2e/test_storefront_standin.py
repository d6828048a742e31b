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
    assert storage == [0, 1]  # the session (this tab's); the cart is empty again
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
        standin.state.tokens.clear()  # the API now answers 401, as for an expired token,
        standin.state.refresh_tokens.clear()  # and Cognito refuses a refresh: revoked
        page.by_id("products-refresh").click()
        shown = page.shown_error()
        signed_out = page.by_id("signin-form").is_displayed() and \
            not page.by_id("account").is_displayed()
        page_storage = page.driver.execute_script(
            "return [localStorage.length, sessionStorage.length]")
    assert shown == "Your session has ended. Please sign in again."
    assert signed_out and page_storage == [0, 0]  # nothing of the session is left


MODULE_CHECKS = """
const done = arguments[arguments.length - 1];
const load = (name) => import(new URL(name, document.baseURI).href);
(async () => {
  const { watchOrder } = await load("orders.js");
  const { cognitoError, claimsOf } = await load("cognito.js");
  const { parseConfig } = await load("config.js");
  const { apiError } = await load("api.js");
  const watch = (replies, options) => new Promise((resolve) => {
    const seen = [];
    let call = 0;
    watchOrder(async () => {
      const reply = replies[Math.min(call++, replies.length - 1)];
      if (reply instanceof Error) throw reply;
      return reply;
    }, (order) => seen.push(order.status),
    (end) => resolve({ seen, reason: end.reason, error: end.error ? end.error.message : null }),
    { interval: 5, ...options });
  });
  const refusal = (data) => { try { parseConfig(data); return null; } catch (e) { return e.message; } };
  const utf8 = btoa(String.fromCharCode(...new TextEncoder().encode('{"email":"zoë@example.com"}')));
  return {
    settled: await watch([{ status: "PENDING" }, { status: "DECLINED" }]),
    gaveUp: await watch([{ status: "PENDING" }], { maxPolls: 3 }),
    failing: await watch([new Error("network down")], { maxErrors: 2 }),
    wrongCode: cognitoError(400, { __type: "com.amazonaws#CodeMismatchException" }).message,
    unknown: cognitoError(400, { __type: "WeirdException", message: "{raw}" }).message,
    claims: claimsOf("x." + utf8.replace(/=+$/, "") + ".y"),
    config: refusal({ apiUrl: "https://api.example.com/v1", region: "" }),
    normalised: parseConfig({ apiUrl: "https://a/v1/", userPoolId: "p", userPoolClientId: "c",
                              region: "r", cognitoEndpoint: "https://c" }),
    badGateway: apiError(502, null).message,
    refused: apiError(400, { error: "quantity must be 1 or more" }).message,
  };
})().then(done, (error) => done({ failed: String(error) }));
"""


def test_page_modules_handle_what_the_flow_rarely_shows(standin):
    with browser() as page:
        page.open(standin.site_url)
        got = page.driver.execute_async_script(MODULE_CHECKS)
    assert got["settled"] == {"seen": ["PENDING", "DECLINED"], "reason": "settled", "error": None}
    assert got["gaveUp"] == {"seen": ["PENDING"] * 3, "reason": "gave-up", "error": None}
    assert got["failing"] == {"seen": [], "reason": "error", "error": "network down"}
    assert got["wrongCode"] == "That confirmation code is not right. Check it and try again."
    assert got["unknown"] == "The sign-in service refused the request (WeirdException)."
    assert got["claims"] == {"email": "zoë@example.com"}
    assert got["config"] == ("The store's settings (config.json) lack: userPoolId, "
                             "userPoolClientId, region, cognitoEndpoint.")
    assert (got["normalised"]["apiUrl"], got["normalised"]["cognitoEndpoint"],
            got["normalised"]["currency"]) == ("https://a/v1", "https://c/", "EUR")
    assert got["badGateway"] == "The store is having trouble right now. Please try again shortly."
    assert got["refused"] == "The store refused the order: quantity must be 1 or more."
