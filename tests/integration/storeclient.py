"""The store as a customer's client sees it: Cognito's JSON API and the REST API, over HTTP.

Only urllib: what a browser or `curl` does against the local endpoint, no boto3 and no ws code.
"""
from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

PASSWORD = "Correct-horse-battery-9"


@dataclass(frozen=True)
class Reply:
    """One HTTP answer: status, headers (lower-cased names) and the body parsed as JSON."""

    status: int
    headers: dict[str, str]
    body: Any


def http(url: str, method: str = "GET", body: Any = None,
         headers: dict[str, str] | None = None) -> Reply:
    """Send one request; HTTP errors are answers too (4xx/5xx come back as a Reply)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return _reply(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        return _reply(error.code, error.headers, error.read())


def _reply(status: int, headers: Any, raw: bytes) -> Reply:
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode(errors="replace")
    return Reply(status, {k.lower(): v for k, v in headers.items()}, body)


def cognito(endpoint: str, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Call the endpoint's Cognito user pools API as the AWS SDKs do (JSON + X-Amz-Target)."""
    request = urllib.request.Request(endpoint + "/", data=json.dumps(payload).encode(),
                                     method="POST", headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{action}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"{}")


def sign_up_and_in(endpoint: str, client_id: str, email: str) -> str:
    """A new customer's ID token: SignUp, ConfirmSignUp (any code is accepted locally),
    then InitiateAuth with USER_PASSWORD_AUTH, as the store's web page does."""
    cognito(endpoint, "SignUp", {"ClientId": client_id, "Username": email, "Password": PASSWORD,
                                 "UserAttributes": [{"Name": "email", "Value": email}]})
    cognito(endpoint, "ConfirmSignUp", {"ClientId": client_id, "Username": email,
                                        "ConfirmationCode": "123456"})
    result = cognito(endpoint, "InitiateAuth", {
        "ClientId": client_id, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": email, "PASSWORD": PASSWORD}})
    return result["AuthenticationResult"]["IdToken"]


def forged(token: str, **claims: Any) -> str:
    """`token` with its claims changed but its signature kept: what a tamperer can make."""
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    changed = base64.urlsafe_b64encode(json.dumps({**decoded, **claims}).encode())
    return ".".join([header, changed.decode().rstrip("="), signature])


def order_status(api: str, token: str, order_id: str, *, until: set[str],
                 timeout: float = 20.0) -> Reply:
    """GET /orders/ID until its status is one of `until` (or the timeout); the last answer."""
    deadline = time.monotonic() + timeout
    while True:
        reply = http(f"{api}/orders/{order_id}", headers={"Authorization": token})
        if reply.status != 200 or reply.body.get("status") in until \
                or time.monotonic() > deadline:
            return reply
        time.sleep(0.1)
