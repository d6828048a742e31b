// DOM rendering: builds elements with textContent only (never HTML from data).

export const $ = (id) => document.getElementById(id);

const STATUS_TEXT = { PENDING: "Pending payment", PAID: "Paid", DECLINED: "Declined" };
const STATUS_NOTE = {
  PENDING: "Waiting for the payment provider; this updates by itself.",
  PAID: "Payment received. Thank you for your order!",
  DECLINED: "The payment was declined. Nothing was charged; you can order again.",
};

/** Money in the page's language, e.g. "€12.50". */
export function money(amount, currency) {
  const value = Number(amount);
  if (!Number.isFinite(value)) return "";
  try {
    return new Intl.NumberFormat(document.documentElement.lang || "en",
      { style: "currency", currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

export const nameOf = (product) => product.name || product.product_id;

/** A product's own currency if the catalog gives one, else the store's. */
export const currencyOf = (product, fallback) => product.currency || fallback;

/** What one order line costs: the recorded line total, else unit price × quantity. */
export function lineTotal(item) {
  if (item.line_total !== undefined) return Number(item.line_total);
  const unit = item.unit_price !== undefined ? item.unit_price : item.price;
  return unit === undefined ? NaN : Number(unit) * item.quantity;
}

/** Stock as words; `null` stock means the catalog does not track it. */
export function stockText(product) {
  if (typeof product.stock !== "number") return "";
  return product.stock > 0 ? `${product.stock} in stock` : "Out of stock";
}

export const inStock = (product) => typeof product.stock !== "number" || product.stock > 0;

function element(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

/** A coloured square with the product's initial, its hue derived from the id. */
export function paintTile(tile, product) {
  let hash = 0;
  for (const c of product.product_id) hash = (hash * 31 + c.charCodeAt(0)) % 360;
  tile.style.setProperty("--tile", `hsl(${hash} 45% 38%)`);
  tile.textContent = nameOf(product).replace(/^store\s+/i, "").charAt(0).toUpperCase();
}

function productCard(product, currency) {
  const tile = element("div", { className: "tile" });
  tile.setAttribute("aria-hidden", "true");
  paintTile(tile, product);
  const open = element("button", { type: "button", className: "button secondary small",
    textContent: "View" });
  open.dataset.testid = "product-open";
  open.dataset.productId = product.product_id;
  open.setAttribute("aria-label", `View ${nameOf(product)}`);
  const stock = element("p", { className: inStock(product) ? "stock" : "stock out",
    textContent: stockText(product) });
  const card = element("li", { className: "card" }, tile,
    element("h3", { textContent: nameOf(product) }),
    element("p", { className: "price", textContent: money(product.price, currencyOf(product, currency)) }),
    stock, open);
  card.dataset.testid = "product-card";
  card.dataset.productId = product.product_id;
  return card;
}

export function renderProducts(products, currency) {
  $("product-list").replaceChildren(...products.map((p) => productCard(p, currency)));
  $("products-empty").hidden = products.length > 0;
}

export function renderDetail(product, currency) {
  paintTile($("product-tile"), product);
  $("product-name").textContent = nameOf(product);
  $("product-id").textContent = product.product_id;
  $("product-price").textContent = money(product.price, currencyOf(product, currency));
  $("product-description").textContent = product.description || "";
  $("product-stock").textContent = stockText(product);
  $("product-stock").className = inStock(product) ? "stock" : "stock out";
  const quantity = $("order-quantity");
  quantity.value = "1";
  if (typeof product.stock === "number") quantity.max = String(Math.max(product.stock, 1));
  else quantity.removeAttribute("max");
  $("add-to-cart").disabled = !inStock(product);
  $("add-to-cart").textContent = inStock(product) ? "Add to cart" : "Out of stock";
  $("product-detail").hidden = false;
}

/** @param {{product: object, quantity: number}[]} lines */
export function renderCart(lines, currency, busy) {
  $("cart-list").replaceChildren(...lines.map(({ product, quantity }) => {
    const remove = element("button", { type: "button", className: "link", textContent: "Remove" });
    remove.dataset.testid = "cart-remove";
    remove.dataset.productId = product.product_id;
    remove.setAttribute("aria-label", `Remove ${nameOf(product)} from the cart`);
    const line = element("li", {},
      element("span", { textContent: `${quantity} × ${nameOf(product)}` }),
      element("span", { textContent: money(Number(product.price) * quantity, currencyOf(product, currency)) }),
      remove);
    line.dataset.testid = "cart-item";
    line.dataset.productId = product.product_id;
    return line;
  }));
  const total = lines.reduce((sum, l) => sum + Number(l.product.price) * l.quantity, 0);
  const shown = lines.length ? currencyOf(lines[0].product, currency) : currency;
  $("cart-empty").hidden = lines.length > 0;
  $("cart-total-line").hidden = lines.length === 0;
  $("cart-total").textContent = money(total, shown);
  $("cart-submit").disabled = busy || lines.length === 0;
  $("cart-submit").textContent = busy ? "Placing order…" : "Place order";
}

/** The order panel; `names` maps product ids to display names (when the order has none). */
export function renderOrder(order, names, currency) {
  const status = STATUS_TEXT[order.status] ? order.status : "UNKNOWN";
  const shown = order.currency || currency;
  $("order-id").textContent = order.order_id;
  $("order-items").replaceChildren(...(order.items || []).map((item) => element("li", {},
    element("span", {
      textContent: `${item.quantity} × ${item.name || names.get(item.product_id) || item.product_id}` }),
    element("span", { textContent: money(lineTotal(item), shown) }))));
  $("order-amount").textContent = money(order.amount !== undefined ? order.amount : order.total, shown);
  $("order-status").textContent = STATUS_TEXT[status] || `Unknown (${order.status})`;
  $("order-status").dataset.status = status;
  $("order-panel").dataset.status = status;
  $("order-note").textContent = [STATUS_NOTE[status], reasonText(order)].filter(Boolean).join(" ");
  $("order-panel").hidden = false;
}

/** Why an order was declined, when it is not the payment provider's plain no. */
function reasonText(order) {
  return order.status === "DECLINED" && order.reason && order.reason !== "payment declined"
    ? `Reason: ${order.reason}.` : "";
}

/** A date and time people read, e.g. "7 Dec, 20:14"; "" when there is none. */
export function when(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(document.documentElement.lang || "en",
    { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(date);
}

/** The customer's orders, newest first: when, what, how much and its status. */
export function renderHistory(orders, names, currency) {
  $("history-list").replaceChildren(...orders.map((order) => {
    const status = STATUS_TEXT[order.status] ? order.status : "UNKNOWN";
    const what = (order.items || []).map((item) =>
      `${item.quantity} × ${item.name || names.get(item.product_id) || item.product_id}`).join(", ");
    const badge = element("span", { className: "badge",
      textContent: STATUS_TEXT[status] || `Unknown (${order.status})` });
    badge.dataset.status = status;
    const row = element("li", {},
      element("div", { className: "history-what" },
        element("span", { className: "muted", textContent: when(order.created_at) }),
        element("span", { textContent: what }),
        element("span", { className: "muted", textContent: reasonText(order) })),
      element("div", { className: "history-end" },
        element("strong", { textContent: money(order.amount, order.currency || currency) }), badge));
    row.dataset.testid = "history-order";
    row.dataset.orderId = order.order_id;
    row.dataset.status = status;
    return row;
  }));
  $("history-empty").hidden = orders.length > 0;
}

/** Phones: the cart's count and total in a bar at the bottom, a tap away from the cart. */
export function renderCartBar(lines, currency) {
  const count = lines.reduce((sum, l) => sum + l.quantity, 0);
  const total = lines.reduce((sum, l) => sum + Number(l.product.price) * l.quantity, 0);
  const shown = lines.length ? currencyOf(lines[0].product, currency) : currency;
  $("cart-bar-summary").textContent =
    `${count} ${count === 1 ? "item" : "items"} · ${money(total, shown)}`;
  $("cart-bar").hidden = lines.length === 0;
  document.body.classList.toggle("with-cart-bar", lines.length > 0);
}
