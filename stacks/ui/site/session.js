// What survives a reload: the signed-in session (Cognito tokens) in sessionStorage, so it lives
// as long as the tab and is never shared with another tab; the cart in localStorage, per
// customer, removed when they sign out. Nothing here is ever logged.

const SESSION_KEY = "store.session";
const CART_PREFIX = "store.cart:";

function read(storage, key) {
  try {
    const value = JSON.parse(storage.getItem(key) || "null");
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;  // storage disabled or a value this page did not write
  }
}

function write(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or a full quota: the page still works, it just forgets on reload.
  }
}

/** The saved session {idToken, refreshToken, email, expiresAt}, or null. */
export function loadSession() {
  const saved = read(sessionStorage, SESSION_KEY);
  const complete = saved && ["idToken", "refreshToken", "email"].every(
    (key) => typeof saved[key] === "string" && saved[key]) && typeof saved.expiresAt === "number";
  return complete ? saved : null;
}

export function saveSession(session) {
  write(sessionStorage, SESSION_KEY, session);
}

/** The customer's saved cart as a Map product_id -> quantity (whole numbers >= 1 only). */
export function loadCart(email) {
  const saved = read(localStorage, CART_PREFIX + email) || {};
  return new Map(Object.entries(saved).filter(([, q]) => Number.isInteger(q) && q > 0));
}

export function saveCart(email, cart) {
  write(localStorage, CART_PREFIX + email, cart.size ? Object.fromEntries(cart) : null);
}
