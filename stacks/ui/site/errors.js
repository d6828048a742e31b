// One error type for everything the page shows: `message` is written for people, never raw JSON.

export class StoreError extends Error {
  /** @param {string} message readable text; @param {{code?: string, status?: number}} details */
  constructor(message, details = {}) {
    super(message);
    this.name = "StoreError";
    this.code = details.code || "";
    this.status = details.status || 0;
  }
}

/** True when the error means the ID token was refused: the page then signs out. */
export function isAuthError(error) {
  return error instanceof StoreError && error.status === 401;
}

/** A readable message for any error; unknown ones get a generic sentence, not their internals. */
export function describe(error) {
  if (error instanceof StoreError) return error.message;
  return "Something went wrong. Please try again.";
}

/** Read a JSON body that may be missing or malformed; null when it is not JSON. */
export async function jsonOrNull(reply) {
  try {
    return await reply.json();
  } catch {
    return null;
  }
}
