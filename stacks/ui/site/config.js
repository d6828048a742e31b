// Reads the page's settings from config.json beside index.html (written when the site is published).

import { StoreError, jsonOrNull } from "./errors.js";

const REQUIRED = ["apiUrl", "userPoolId", "userPoolClientId", "region", "cognitoEndpoint"];

/** Check the settings and normalise the URLs (no trailing slash on the API, one on Cognito). */
export function parseConfig(data) {
  if (!data || typeof data !== "object") {
    throw new StoreError("The store's settings (config.json) are not a JSON object.");
  }
  const missing = REQUIRED.filter((key) => typeof data[key] !== "string" || !data[key].trim());
  if (missing.length) {
    throw new StoreError(`The store's settings (config.json) lack: ${missing.join(", ")}.`);
  }
  return Object.freeze({
    apiUrl: data.apiUrl.replace(/\/+$/, ""),
    userPoolId: data.userPoolId,
    userPoolClientId: data.userPoolClientId,
    region: data.region,
    cognitoEndpoint: data.cognitoEndpoint.replace(/\/*$/, "/"),
    currency: typeof data.currency === "string" && data.currency ? data.currency : "EUR",
  });
}

/** Fetch config.json relative to the page (the site may live under a path prefix). */
export async function loadConfig(url = new URL("config.json", document.baseURI)) {
  let reply;
  try {
    reply = await fetch(url, { cache: "no-store" });
  } catch {
    throw new StoreError("Could not load the store's settings (config.json): the network failed.");
  }
  if (!reply.ok) {
    throw new StoreError(`Could not load the store's settings (config.json): HTTP ${reply.status}.`);
  }
  const data = await jsonOrNull(reply);
  if (data === null) throw new StoreError("The store's settings (config.json) are not valid JSON.");
  return parseConfig(data);
}
