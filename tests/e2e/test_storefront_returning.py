"""A returning customer in headless Chromium against the stand-in store: the session and cart
survive a reload, an expired ID token is refreshed, orders are listed newest first, the cart
is within reach on a phone. Each test saves what the customer sees under .ws/artifacts/."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from standin_store import StandInState, serve
from storefront_page import PASSWORD, StorefrontPage, browser

ARTIFACTS = Path(__file__).resolve().parents[2] / ".ws" / "artifacts"


@pytest.fixture
def standin():
    with serve(StandInState(settle_after=0.5)) as running:
        yield running


def signed_in(page: StorefrontPage, site_url: str) -> str:
    """A new customer, signed in with the products listed; their email."""
    email = f"shopper-{uuid.uuid4().hex[:8]}@example.com"
    page.open(site_url)
    page.sign_up(email, PASSWORD)
    page.confirm()
    page.sign_in(email, PASSWORD)
    page.product_names()
    return email


def add(page: StorefrontPage, product_id: str, quantity: int) -> None:
    page.open_product(product_id)
    page.fill("order-quantity", str(quantity))
    page.by_id("add-to-cart").click()
    page.wait("the cart line", lambda: page.driver.find_elements(
        By.CSS_SELECTOR, f"[data-testid=cart-item][data-product-id={product_id}]"))


def cart(page: StorefrontPage) -> list[str]:
    return [line.find_element(By.TAG_NAME, "span").text for line in
            page.driver.find_elements(By.CSS_SELECTOR, "[data-testid=cart-item]")]


def reload(page: StorefrontPage) -> None:
    page.driver.refresh()
    page.wait("the page to load its settings",
              lambda: page.by_id("main").get_attribute("aria-busy") == "false")


def storage(page: StorefrontPage) -> list[int]:
    return page.driver.execute_script("return [localStorage.length, sessionStorage.length]")


def test_a_reload_keeps_the_session_and_the_cart(standin):
    with browser() as page:
        email = signed_in(page, standin.site_url)
        add(page, "mug", 2)
        reload(page)
        signed_in_as = page.wait("the signed-in account", lambda: page.by_id("signed-in-as").text)
        lines = page.wait("the cart after the reload", lambda: cart(page))
        sign_in_shown = page.by_id("auth-panel").is_displayed()
        shot = page.screenshot(ARTIFACTS / "storefront-reload.png")
        page.by_id("signout-button").click()
        reload(page)
        after_sign_out = (page.by_id("signin-form").is_displayed(), storage(page))
    print(f"\nscreenshot after the reload: {shot}")
    assert signed_in_as == email and not sign_in_shown
    assert lines == ["2 × Store mug"]
    assert after_sign_out == (True, [0, 0])  # signing out forgets the session and the cart


def test_an_expired_token_is_refreshed_and_a_refused_refresh_signs_out(standin):
    with browser() as page:
        email = signed_in(page, standin.site_url)
        page.driver.execute_script(  # as if the tab had stayed open for more than an hour
            "const s = JSON.parse(sessionStorage.getItem('store.session'));"
            "sessionStorage.setItem('store.session', JSON.stringify({...s, expiresAt: 0}));")
        reload(page)
        names = page.product_names()
        refreshed = (standin.state.refreshes, page.by_id("signed-in-as").text)
        standin.state.tokens.clear()
        standin.state.refresh_tokens.clear()  # the session was revoked
        page.by_id("history-refresh").click()
        shown = page.shown_error()
        ended = (page.by_id("signin-form").is_displayed(), storage(page))
    assert names and refreshed == (1, email)
    assert shown == "Your session has ended. Please sign in again."
    assert ended == (True, [0, 0])


def test_orders_are_listed_newest_first_and_more_than_the_stock_is_refused(standin):
    with browser() as page:
        signed_in(page, standin.site_url)
        for product_id in ("mug", "tee"):
            add(page, product_id, 1)
            page.by_id("cart-submit").click()
            page.wait_settled()
        rows = page.wait("two paid orders in the history", lambda: page.driver.execute_script(
            "const rows = [...document.querySelectorAll('[data-testid=history-order]')]"
            ".map(r => [r.dataset.status, r.innerText]);"
            "return rows.filter(r => r[0] === 'PAID').length === 2 ? rows : null"))
        shot = page.screenshot(ARTIFACTS / "storefront-history.png")
        stock = page.wait("the lower stock, without a reload", lambda: page.driver.execute_script(
            "const card = document.querySelector('[data-testid=product-card][data-product-id=mug]');"
            "return card && card.innerText.includes('39 in stock')"))
        add(page, "tee", 30)  # 24 left
        page.by_id("cart-submit").click()
        refused = page.shown_error()
    print(f"\nscreenshot of the order history: {shot}")
    assert [status for status, _ in rows] == ["PAID", "PAID"]
    assert "1 × Store T-shirt" in rows[0][1] and "1 × Store mug" in rows[1][1]
    assert "€20.00" in rows[0][1] and "Paid" in rows[0][1]
    assert stock
    assert refused == "The store refused the order: not enough stock: Store T-shirt (tee)."


def test_the_cart_is_within_reach_on_a_phone(standin):
    with browser(size=(390, 844)) as page:
        signed_in(page, standin.site_url)
        before = page.by_id("cart-bar").is_displayed()
        add(page, "mug", 2)
        page.driver.execute_script("window.scrollTo(0, 0)")
        bar = page.driver.execute_script(
            "const r = document.getElementById('cart-bar').getBoundingClientRect();"
            "return [Math.round(r.top), Math.round(r.bottom), Math.round(r.width)]")
        summary = page.by_id("cart-bar-summary").text
        overflow = page.driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        shot = ARTIFACTS / "storefront-phone-cart.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.driver.save_screenshot(str(shot))  # the viewport: what the phone shows
        page.by_id("cart-bar-open").click()
        cart_top = page.wait("the cart in view", lambda: page.driver.execute_script(
            "const r = document.getElementById('cart').getBoundingClientRect();"
            "return r.top >= 0 && r.top < 844 ? Math.round(r.top) + 1 : 0"))
        shot_cart = ARTIFACTS / "storefront-phone-cart-open.png"
        page.driver.save_screenshot(str(shot_cart))
        bar_with_cart = page.wait("the bar to give way to the cart",
                                  lambda: not page.by_id("cart-bar").is_displayed())
    print(f"\nscreenshots on a phone: {shot}, {shot_cart}")
    assert not before  # nothing in the cart: no bar
    assert bar[1] == 844 and bar[0] > 844 - 100 and bar[2] == 390  # at the bottom, full width
    assert summary == "2 items · €25.00"
    assert overflow <= 0 and cart_top and bar_with_cart
