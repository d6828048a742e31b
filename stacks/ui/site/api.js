// The store's REST API: products and orders, with the ID token in the Authorization header.

import { StoreError, jsonOrNull } from "./errors.js";

/** A StoreError people can read, from an API reply that was not OK. */
export function apiError(status, body) {
  if (status === 401 || status === 403) {
    return new StoreError("Your session has ended. Please sign in again.", { status: 401 });
  }
  const detail = body && (body.error || body.message);
  if (status === 404) return new StoreError(detail ? `Not found: ${detail}.` : "Not found.", { status });
  if (status === 400 && detail) return new StoreError(`The store refused the order: ${detail}.`, { status });
  if (status >= 500) {
    return new StoreError("The store is having trouble right now. Please try again shortly.", { status });
  }
  return new StoreError(detail ? String(detail) : `The store answered HTTP ${status}.`, { status });
}

export class StoreApi {
  /**
   * @param {string} baseUrl stage URL without trailing slash
   * @param {() => Promise<string>} token the current ID token (refreshed when it is about to expire)
   * @param {() => Promise<void>} renew get a new ID token after the API refused one (once a request)
   */
  constructor(baseUrl, token, renew = null) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.renew = renew;
  }

  async request(method, path, body) {
    try {
      return await this.send(method, path, body);
    } catch (error) {
      if (error.status !== 401 || !this.renew) throw error;
      await this.renew();  // a token the API refused: once more with a new one
      return this.send(method, path, body);
    }
  }

  async send(method, path, body) {
    const headers = { Authorization: await this.token() };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let reply;
    try {
      reply = await fetch(this.baseUrl + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store",
      });
    } catch {
      throw new StoreError("Could not reach the store. Check your connection and try again.");
    }
    const data = await jsonOrNull(reply);
    if (!reply.ok) throw apiError(reply.status, data);
    if (data === null) throw new StoreError("The store sent an answer this page cannot read.");
    return data;
  }

  async products() {
    const data = await this.request("GET", "/products");
    return Array.isArray(data.products) ? data.products : [];
  }

  product(id) {
    return this.request("GET", `/products/${encodeURIComponent(id)}`);
  }

  /** @param {{product_id: string, quantity: number}[]} items prices come from the catalog */
  placeOrder(items) {
    return this.request("POST", "/orders", { items });
  }

  order(id) {
    return this.request("GET", `/orders/${encodeURIComponent(id)}`);
  }

  /** The signed-in customer's latest orders, newest first. */
  async orders() {
    const data = await this.request("GET", "/orders");
    return Array.isArray(data.orders) ? data.orders : [];
  }
}
