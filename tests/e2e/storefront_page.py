"""Drive the store page (stacks/ui/site) in headless Chromium through a whole purchase.

Uses Debian's /usr/bin/chromium and /usr/bin/chromedriver through selenium (no browser
download). ``buy_one(site_url, screenshot)`` opens the page, signs up, confirms, signs in, lists
the products, opens one, orders it, waits until the payment is settled and saves a PNG. A
browser that cannot start raises ``BrowserUnavailable`` (a test using this must fail, not skip);
an error the page shows while a step waits raises ``PageError`` with the page's own words.
The element ids used here are listed at the top of stacks/ui/site/app.js.
"""
from __future__ import annotations

import base64
import contextlib
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage")
PASSWORD = "Storefront-Test-1234"
T = TypeVar("T")


class BrowserUnavailable(RuntimeError):
    """Chromium or chromedriver is missing or would not start."""


class PageError(AssertionError):
    """The page showed an error (or never reached the expected state) during a step."""


@dataclass(frozen=True)
class Purchase:
    """What the page showed along the way."""

    email: str
    signed_in_as: str
    product_names: list[str]
    product_name: str
    order_id: str
    status: str
    status_text: str
    screenshot: Path


def start_browser(width: int = 1280, height: int = 900) -> tuple[webdriver.Chrome, Path]:
    """A headless Chromium with a fresh profile folder (returned, to delete after quitting)."""
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not Path(binary).is_file():
            raise BrowserUnavailable(f"{binary} is missing: install Debian's chromium and "
                                     "chromium-driver packages (apt-get install chromium-driver)")
    profile = Path(tempfile.mkdtemp(prefix="storefront-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # to check nothing leaks
    try:
        driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    except WebDriverException as exc:
        shutil.rmtree(profile, ignore_errors=True)
        first = (exc.msg or str(exc)).strip().splitlines()[0]
        raise BrowserUnavailable(f"headless Chromium did not start ({CHROMIUM} via "
                                 f"{CHROMEDRIVER}): {first}") from exc
    # A window is at least ~500 px wide: emulate the viewport so that 360 px is really 360 px.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    return driver, profile


class StorefrontPage:
    """The page's steps, each waiting for the page to show its result."""

    def __init__(self, driver: webdriver.Chrome, timeout: float = 20) -> None:
        self.driver = driver
        self.timeout = timeout

    def by_id(self, element_id: str) -> WebElement:
        return self.driver.find_element(By.ID, element_id)

    def wait(self, what: str, check: Callable[[], T], timeout: float | None = None) -> T:
        """Wait until `check()` is truthy; an error shown by the page fails at once."""
        def ready(_driver: object) -> T:
            shown = self.by_id("error").text.strip()
            if shown:
                raise PageError(f"while waiting for {what}, the page showed: {shown}")
            return check()
        try:
            return WebDriverWait(self.driver, timeout or self.timeout, poll_frequency=0.1,
                                 ignored_exceptions=()).until(ready)
        except TimeoutException:
            raise PageError(f"timed out waiting for {what}; status line: "
                            f"{self.by_id('status').text!r}") from None

    def shown_error(self, timeout: float = 10) -> str:
        """Wait for the page's error line and return its text (for tests of failures)."""
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(
                lambda _driver: self.by_id("error").text.strip())
        except TimeoutException:
            raise PageError(f"the page showed no error within {timeout} s") from None

    def fill(self, element_id: str, value: str) -> None:
        field = self.by_id(element_id)
        field.clear()
        field.send_keys(value)

    def open(self, url: str) -> None:
        self.driver.get(url)
        self.wait("the page to load its settings",
                  lambda: self.by_id("main").get_attribute("aria-busy") == "false")
        self.wait("the sign-in form", lambda: self.by_id("signin-form").is_displayed())

    def sign_up(self, email: str, password: str) -> None:
        self.by_id("show-signup").click()
        self.fill("signup-email", email)
        self.fill("signup-password", password)
        self.by_id("signup-submit").click()
        self.wait("the confirmation form", lambda: self.by_id("confirm-form").is_displayed())

    def confirm(self, code: str = "123456") -> None:
        self.fill("confirm-code", code)
        self.by_id("confirm-submit").click()
        self.wait("the sign-in form", lambda: self.by_id("signin-form").is_displayed())

    def sign_in(self, email: str, password: str) -> str:
        self.fill("signin-email", email)
        self.fill("signin-password", password)
        self.by_id("signin-submit").click()
        return self.wait("the signed-in account", lambda: self.by_id("signed-in-as").text)

    def product_names(self) -> list[str]:
        """The names on the product cards, once the list has loaded."""
        cards = self.wait("the product list", lambda: self.driver.find_elements(
            By.CSS_SELECTOR, "[data-testid=product-card]"))
        return [card.find_element(By.TAG_NAME, "h3").text for card in cards]

    def open_product(self, product_id: str | None = None) -> str:
        """Open `product_id` (else the first one in stock); returns the name the detail shows."""
        selector = "[data-testid=product-card]" + (
            f"[data-product-id='{product_id}']" if product_id else "")
        cards = self.driver.find_elements(By.CSS_SELECTOR, selector)
        card = next((c for c in cards if "Out of stock" not in c.text), None)
        if card is None:
            raise PageError(f"no product card to open in stock (selector {selector})")
        card.find_element(By.CSS_SELECTOR, "[data-testid=product-open]").click()
        wanted = card.get_attribute("data-product-id")
        self.wait("the product detail", lambda: self.by_id("product-detail").is_displayed()
                  and self.by_id("product-id").text == wanted)
        return self.by_id("product-name").text

    def order(self, quantity: int = 1) -> str:
        """Add the open product to the cart and place the order; returns the order id."""
        self.fill("order-quantity", str(quantity))
        self.by_id("add-to-cart").click()
        self.wait("the cart line", lambda: self.driver.find_elements(
            By.CSS_SELECTOR, "[data-testid=cart-item]"))
        self.by_id("cart-submit").click()
        return self.wait("the placed order", lambda: self.by_id("order-panel").is_displayed()
                         and self.by_id("order-id").text)

    def wait_settled(self, timeout: float = 60) -> str:
        """Wait until the order is PAID or DECLINED; returns that status."""
        return self.wait("the payment (PAID or DECLINED)", lambda: (
            self.by_id("order-status").get_attribute("data-status") in ("PAID", "DECLINED")
            and self.by_id("order-status").get_attribute("data-status")), timeout)

    def screenshot(self, path: Path) -> Path:
        """A PNG of the whole page (beyond the viewport), at the emulated width."""
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


@contextlib.contextmanager
def browser(size: tuple[int, int] = (1280, 900), timeout: float = 20) -> Iterator[StorefrontPage]:
    """A fresh headless Chromium on the page object; quit and its profile deleted on exit."""
    driver, profile = start_browser(*size)
    try:
        yield StorefrontPage(driver, timeout)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def run_purchase(page: StorefrontPage, site_url: str, screenshot: Path | str, *,
                 product_id: str | None = None, email: str | None = None,
                 password: str = PASSWORD, settle_timeout: float = 60) -> Purchase:
    """Open, sign up, confirm, sign in, list, open a product, order it, wait, screenshot."""
    email = email or f"shopper-{uuid.uuid4().hex[:10]}@example.com"
    page.open(site_url)
    page.sign_up(email, password)
    page.confirm()
    signed_in_as = page.sign_in(email, password)
    names = page.product_names()
    name = page.open_product(product_id)
    order_id = page.order()
    status = page.wait_settled(settle_timeout)
    shot = page.screenshot(Path(screenshot))
    return Purchase(email, signed_in_as, names, name, order_id, status,
                    page.by_id("order-status").text, shot)


def buy_one(site_url: str, screenshot: Path | str, *, size: tuple[int, int] = (1280, 900),
            **options: object) -> Purchase:
    """The whole purchase on a fresh browser (see `run_purchase` for the options)."""
    with browser(size) as page:
        return run_purchase(page, site_url, screenshot, **options)  # type: ignore[arg-type]
