// Cognito user pool calls as plain JSON POSTs (no SDK): sign up, confirm, sign in, refresh.
// Tokens are returned to the caller and never logged.

import { StoreError, jsonOrNull } from "./errors.js";

const TARGET_PREFIX = "AWSCognitoIdentityProviderService.";

// Cognito's exception names, as people should read them.
const MESSAGES = {
  UsernameExistsException: "An account with this email already exists. Sign in instead.",
  InvalidPasswordException:
    "That password is too weak: use at least 12 characters with upper- and lower-case letters and a number.",
  UserNotConfirmedException: "This account is not confirmed yet. Enter the code we sent you.",
  NotAuthorizedException: "Incorrect email or password.",
  UserNotFoundException: "Incorrect email or password.",
  CodeMismatchException: "That confirmation code is not right. Check it and try again.",
  ExpiredCodeException: "That confirmation code has expired. Create the account again to get a new one.",
  TooManyRequestsException: "Too many attempts. Wait a minute and try again.",
  LimitExceededException: "Too many attempts. Wait a minute and try again.",
  TooManyFailedAttemptsException: "Too many attempts. Wait a minute and try again.",
  ResourceNotFoundException:
    "The sign-in service does not know this store's app client: check config.json.",
};

/** The short exception name: Cognito may send `com.amazonaws...#Name` or just `Name`. */
export function errorType(body) {
  const raw = (body && (body.__type || body.code)) || "";
  return String(raw).split("#").pop().split(":")[0];
}

/** A StoreError people can read, from Cognito's error reply. */
export function cognitoError(status, body) {
  const type = errorType(body);
  if (MESSAGES[type]) return new StoreError(MESSAGES[type], { code: type, status });
  if (type === "InvalidParameterException" && body && body.message) {
    return new StoreError(`Please check what you entered: ${body.message}`, { code: type, status });
  }
  return new StoreError(`The sign-in service refused the request (${type || `HTTP ${status}`}).`,
    { code: type, status });
}

/** The claims of a JWT (for display only: the API verifies the signature). */
export function claimsOf(token) {
  const part = String(token).split(".")[1] || "";
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

export class CognitoClient {
  /** @param {string} endpoint Cognito IdP origin, ending in "/"; @param {string} clientId app client */
  constructor(endpoint, clientId) {
    this.endpoint = endpoint;
    this.clientId = clientId;
  }

  /** POST one action; resolves to the reply's JSON, rejects with a readable StoreError. */
  async call(action, body) {
    let reply;
    try {
      reply = await fetch(this.endpoint, {
        method: "POST",
        headers: { "X-Amz-Target": TARGET_PREFIX + action, "Content-Type": "application/x-amz-json-1.1" },
        body: JSON.stringify({ ClientId: this.clientId, ...body }),
      });
    } catch {
      throw new StoreError("Could not reach the sign-in service. Check your connection and try again.");
    }
    const data = await jsonOrNull(reply);
    if (!reply.ok) throw cognitoError(reply.status, data);
    return data || {};
  }

  /** Register `email` (the pool uses the email as the user name). */
  signUp(email, password) {
    return this.call("SignUp", {
      Username: email, Password: password, UserAttributes: [{ Name: "email", Value: email }],
    });
  }

  confirm(email, code) {
    return this.call("ConfirmSignUp", { Username: email, ConfirmationCode: code });
  }

  /** USER_PASSWORD_AUTH; resolves to {idToken, refreshToken, email, expiresAt (ms)}. */
  async signIn(email, password) {
    const data = await this.call("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD: password },
    });
    const result = data.AuthenticationResult;
    if (!result || !result.IdToken) {
      const step = data.ChallengeName ? ` (it asks for ${data.ChallengeName})` : "";
      throw new StoreError(`This account needs a sign-in step this page does not support${step}.`);
    }
    return sessionOf(result, email, result.RefreshToken || "");
  }

  /** A new ID token for the session's refresh token (REFRESH_TOKEN_AUTH); rejects with a
   * StoreError of status 401 when Cognito no longer accepts it (expired, revoked). */
  async refresh(session) {
    let data;
    try {
      data = await this.call("InitiateAuth", {
        AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: session.refreshToken },
      });
    } catch (error) {
      if (!error.status) throw error;  // the network: the session may still be good
      throw new StoreError("Your session has ended. Please sign in again.", { status: 401 });
    }
    const result = data.AuthenticationResult;
    if (!result || !result.IdToken) {
      throw new StoreError("Your session has ended. Please sign in again.", { status: 401 });
    }
    return sessionOf(result, session.email, result.RefreshToken || session.refreshToken);
  }
}

function sessionOf(result, email, refreshToken) {
  const claims = claimsOf(result.IdToken);
  const expiresAt = claims.exp ? claims.exp * 1000 : Date.now() + (result.ExpiresIn || 3600) * 1000;
  return { idToken: result.IdToken, refreshToken, email: claims.email || email, expiresAt };
}
