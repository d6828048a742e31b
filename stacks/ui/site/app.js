// The store page: sign up / confirm / sign in with Cognito, browse products, order, watch payment.
//
// Settings come from config.json beside index.html (see config.example.json). The session
// (Cognito's ID and refresh tokens) is kept in sessionStorage, so a reload keeps it and closing
// the tab ends it; an ID token about to expire, or refused by the API, is refreshed once, and
// when that fails the page signs out cleanly. The cart is kept per customer in localStorage
// until they sign out (session.js). Tokens are never logged.
//
// Stable hooks for browser tests (ids unless marked data-testid):
//   status              polite live region: what just happened ("Signed in.", "Order placed.")
//   error               alert region: the last error, readable text (empty when none)
//   main[aria-busy]     "false" once config.json is loaded and the page is ready
//   auth-panel          shown while signed out; auth-heading is its title
//   signin-form         signin-email, signin-password, signin-submit; show-signup switches to:
//   signup-form         signup-email, signup-password, signup-submit; show-signin switches back
//   confirm-form        confirm-email, confirm-code, confirm-submit; confirm-back
//   account             shown while signed in: signed-in-as (the email), signout-button
//   products            product-list of li[data-testid=product-card][data-product-id], each with
//                       button[data-testid=product-open][data-product-id]; products-refresh
//   product-detail      product-name, product-id, product-price, product-stock, product-description,
//                       order-quantity, add-to-cart, product-close
//   cart                cart-list of li[data-testid=cart-item][data-product-id] with
//                       button[data-testid=cart-remove]; cart-total; cart-submit (place order)
//   order-panel         order-id, order-items, order-amount, order-note, order-refresh,
//                       order-status (text; data-status = PENDING | PAID | DECLINED | UNKNOWN)
//   history             history-list of li[data-testid=history-order][data-order-id]
//                       [data-status], history-empty, history-refresh
//   cart-bar            phones: cart-bar-summary and cart-bar-open (scrolls to the cart)

import { StoreApi } from "./api.js";
import { CognitoClient } from "./cognito.js";
import { loadConfig } from "./config.js";
import { describe, isAuthError, StoreError } from "./errors.js";
import { FINAL, watchOrder } from "./orders.js";
import { loadCart, loadSession, saveCart, saveSession } from "./session.js";
import {
  $, nameOf, renderCart, renderCartBar, renderDetail, renderHistory, renderOrder, renderProducts,
} from "./view.js";

const state = {
  config: null,
  cognito: null,
  api: null,
  session: null,          // {idToken, refreshToken, email, expiresAt}; sessionStorage
  refreshing: null,       // the refresh under way, shared by the requests that wait for it
  products: new Map(),    // product_id -> product
  cart: new Map(),        // product_id -> quantity
  ordering: false,
  order: null,
  stopWatching: () => {},
};

// ---- messages ------------------------------------------------------------------------------

function announce(text) {
  $("status").textContent = text;
}

function showError(error) {
  $("error").textContent = describe(error);
}

function clearError() {
  $("error").textContent = "";
}

/** Run an action from a button or form: one at a time per control, errors shown readably. */
async function guarded(control, action) {
  clearError();
  control.disabled = true;
  try {
    await action();
  } catch (error) {
    if (isAuthError(error)) signOut("Your session has ended. Please sign in again.");
    showError(error);
  } finally {
    control.disabled = false;
    if (state.config) showCart();  // the cart button's state depends on the cart, not the click
  }
}

// ---- signing in ----------------------------------------------------------------------------

const FORMS = { signin: "Sign in", signup: "Create an account", confirm: "Confirm your account" };

function showForm(name, focus = true) {
  clearError();
  for (const form of Object.keys(FORMS)) $(`${form}-form`).hidden = form !== name;
  $("auth-heading").textContent = FORMS[name];
  if (focus) $(`${name}-email`).focus();
}

const ENDED = "Your session has ended. Please sign in again.";
const EARLY_MS = 60_000;  // refresh a minute before the ID token expires

/** Ask Cognito for a new ID token (one refresh at a time); a refusal ends the session. */
function renew() {
  if (!state.session) return Promise.reject(new StoreError(ENDED, { status: 401 }));
  state.refreshing ||= state.cognito.refresh(state.session).then((session) => {
    state.session = session;
    saveSession(session);
  }).finally(() => { state.refreshing = null; });
  return state.refreshing;
}

async function currentToken() {
  if (!state.session) throw new StoreError(ENDED, { status: 401 });
  if (Date.now() >= state.session.expiresAt - EARLY_MS) await renew();
  return state.session.idToken;
}

function field(id) {
  const value = $(id).value.trim();
  if (!value) {
    $(id).focus();
    throw new StoreError(`Please fill in “${$(id).labels[0].textContent}”.`);
  }
  return value;
}

async function signUp() {
  const email = field("signup-email");
  const password = $("signup-password").value || field("signup-password");
  await state.cognito.signUp(email, password);
  $("confirm-email").value = email;
  $("signin-email").value = email;
  $("signup-password").value = "";
  showForm("confirm", false);
  $("confirm-code").focus();
  announce(`Account created for ${email}. Enter the confirmation code we sent.`);
}

async function confirm() {
  const email = field("confirm-email");
  await state.cognito.confirm(email, field("confirm-code"));
  $("confirm-code").value = "";
  $("signin-email").value = email;
  showForm("signin", false);
  $("signin-password").focus();
  announce("Account confirmed. You can sign in now.");
}

async function signIn() {
  const email = field("signin-email");
  const password = $("signin-password").value || field("signin-password");
  try {
    state.session = await state.cognito.signIn(email, password);
    saveSession(state.session);
  } catch (error) {
    if (error.code === "UserNotConfirmedException") {
      $("confirm-email").value = email;
      showForm("confirm", false);
      $("confirm-code").focus();
    }
    throw error;
  }
  $("signin-password").value = "";
  state.cart = loadCart(state.session.email);
  showSignedIn();
  announce(`Signed in as ${state.session.email}.`);
  await loadProducts();
  await loadHistory();
}

/** After a reload: the saved session, its cart, the products and the order history. */
async function resume() {
  state.session = loadSession();
  if (!state.session) return;
  state.cart = loadCart(state.session.email);
  showSignedIn();
  await loadProducts();
  announce(`Signed in as ${state.session.email}.`);
  await loadHistory();
}

function showSignedIn() {
  $("signed-in-as").textContent = state.session.email;
  $("account").hidden = false;
  $("auth-panel").hidden = true;
  $("shop").hidden = false;
  $("side").hidden = false;
  $("products-heading").focus();
}

function signOut(message = "Signed out.") {
  state.stopWatching();
  if (state.session) saveCart(state.session.email, new Map());
  saveSession(null);
  Object.assign(state, { session: null, order: null, ordering: false });
  state.products.clear();
  state.cart.clear();
  renderProducts([], state.config.currency);
  showCart();
  renderHistory([], new Map(), state.config.currency);
  for (const id of ["account", "shop", "side", "product-detail", "order-panel"]) $(id).hidden = true;
  $("auth-panel").hidden = false;
  showForm("signin", false);
  $("auth-heading").focus();
  announce(message);
}

// ---- products and cart ---------------------------------------------------------------------

async function loadProducts(say = true) {
  $("product-list").setAttribute("aria-busy", "true");
  try {
    const products = await state.api.products();
    state.products = new Map(products.map((p) => [p.product_id, p]));
    renderProducts(products, state.config.currency);
    if (say) announce(`${products.length} products.`);
  } finally {
    $("product-list").setAttribute("aria-busy", "false");
  }
}

async function openProduct(id) {
  const product = await state.api.product(id);
  state.products.set(product.product_id, product);
  renderDetail(product, state.config.currency);
  $("product-detail").dataset.productId = product.product_id;
  $("product-name").focus();
}

function cartLines() {
  return [...state.cart].filter(([id]) => state.products.has(id))
    .map(([id, quantity]) => ({ product: state.products.get(id), quantity }));
}

function showCart() {
  const lines = cartLines();
  renderCart(lines, state.config.currency, state.ordering);
  renderCartBar(state.session ? lines : [], state.config.currency);
  if (state.session) saveCart(state.session.email, state.cart);
}

function addToCart() {
  const id = $("product-detail").dataset.productId;
  const quantity = Number($("order-quantity").value);
  if (!Number.isInteger(quantity) || quantity < 1) {
    $("order-quantity").focus();
    throw new StoreError("Quantity must be a whole number, 1 or more.");
  }
  state.cart.set(id, (state.cart.get(id) || 0) + quantity);
  showCart();
  announce(`Added ${quantity} × ${nameOf(state.products.get(id))} to the cart.`);
}

// ---- orders --------------------------------------------------------------------------------

function names() {
  return new Map([...state.products].map(([id, p]) => [id, nameOf(p)]));
}

async function placeOrder() {
  const items = [...state.cart].map(([product_id, quantity]) => ({ product_id, quantity }));
  state.ordering = true;
  showCart();
  try {
    state.order = await state.api.placeOrder(items);
  } finally {
    state.ordering = false;
  }
  state.cart.clear();
  showCart();
  renderOrder(state.order, names(), state.config.currency);
  $("order-panel").scrollIntoView({ block: "nearest" });
  $("order-heading").focus();
  announce("Order placed. Waiting for the payment…");
  watch(state.order.order_id);
  guarded($("history-refresh"), loadHistory);
}

function watch(orderId) {
  state.stopWatching();
  $("order-refresh").hidden = true;
  if (FINAL.has(state.order.status)) return settled(state.order);
  state.stopWatching = watchOrder(() => state.api.order(orderId), (order) => {
    state.order = order;
    renderOrder(order, names(), state.config.currency);
  }, ({ order, reason, error }) => {
    if (reason === "settled") return settled(order);
    if (reason === "stopped") return;
    $("order-refresh").hidden = false;
    if (reason === "gave-up") announce("The payment is still pending. Use “Check again” later.");
    if (reason === "error") {
      if (isAuthError(error)) return signOut("Your session has ended. Please sign in again.");
      showError(error);
    }
  }, { fatal: isAuthError });
}

function settled(order) {
  const text = order.status === "PAID" ? "Payment received: your order is paid."
    : "Payment declined: your order was not paid.";
  announce(text);
  guarded($("history-refresh"), async () => {
    await loadHistory();
    await loadProducts(false);  // a paid order took stock
  });
}

async function loadHistory() {
  $("history-list").setAttribute("aria-busy", "true");
  try {
    renderHistory(await state.api.orders(), names(), state.config.currency);
  } finally {
    $("history-list").setAttribute("aria-busy", "false");
  }
}

// ---- start ---------------------------------------------------------------------------------

function on(id, event, action) {
  $(id).addEventListener(event, (e) => {
    e.preventDefault();
    guarded(e.submitter || $(id), () => action(e));
  });
}

function wire() {
  on("signup-form", "submit", signUp);
  on("confirm-form", "submit", confirm);
  on("signin-form", "submit", signIn);
  $("show-signup").addEventListener("click", () => showForm("signup"));
  $("show-signin").addEventListener("click", () => showForm("signin"));
  $("confirm-back").addEventListener("click", () => showForm("signin"));
  $("signout-button").addEventListener("click", () => { clearError(); signOut(); });
  on("products-refresh", "click", () => loadProducts());
  $("product-list").addEventListener("click", (e) => {
    const button = e.target.closest("[data-testid=product-open]");
    if (button) guarded(button, () => openProduct(button.dataset.productId));
  });
  $("product-close").addEventListener("click", () => {
    const id = $("product-detail").dataset.productId;
    $("product-detail").hidden = true;
    document.querySelector(`[data-testid=product-open][data-product-id="${CSS.escape(id)}"]`)?.focus();
  });
  on("add-form", "submit", addToCart);
  $("cart-list").addEventListener("click", (e) => {
    const button = e.target.closest("[data-testid=cart-remove]");
    if (!button) return;
    state.cart.delete(button.dataset.productId);
    showCart();
    $("cart-heading").focus();
    announce("Removed from the cart.");
  });
  on("cart-submit", "click", placeOrder);
  on("history-refresh", "click", loadHistory);
  // The bar gives way while the cart itself is on screen.
  new IntersectionObserver(([entry]) => document.body.classList.toggle(
    "cart-in-view", entry.isIntersecting)).observe($("cart"));
  $("cart-bar-open").addEventListener("click", () => {
    $("cart").scrollIntoView({ block: "start" });
    $("cart-heading").focus({ preventScroll: true });
  });
  $("order-refresh").addEventListener("click", () => watch(state.order.order_id));
}

async function start() {
  wire();
  try {
    state.config = await loadConfig();
  } catch (error) {
    showError(error);
    $("main").setAttribute("aria-busy", "false");
    return;
  }
  state.cognito = new CognitoClient(state.config.cognitoEndpoint, state.config.userPoolClientId);
  state.api = new StoreApi(state.config.apiUrl, currentToken, renew);
  showCart();
  if (loadSession()) {
    await guarded($("signout-button"), resume);
  } else {
    $("auth-panel").hidden = false;
    showForm("signin", false);
  }
  $("main").setAttribute("aria-busy", "false");
}

start();
