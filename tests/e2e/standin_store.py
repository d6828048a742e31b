"""A stand-in for the deployed store on 127.0.0.1: the site folder, Cognito, products and orders.

It answers at the same URL shapes as ws's local endpoint (one origin): the site under
``/_ws/cdn/<dist>/``, the API stage under ``/_ws/api/<api>/v1``, Cognito as JSON POSTs to ``/``
with ``X-Amz-Target``. Orders start PENDING and are settled ``settle_after`` seconds later:
PAID up to the payment mock's limit (taking the products' stock), DECLINED above it; more than
a product's stock is refused (400). Sign-in hands out a refresh token (REFRESH_TOKEN_AUTH). Run it by hand with
``python tests/e2e/standin_store.py [--port N]`` and open the printed URL.
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import json
import mimetypes
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

SITE = Path(__file__).resolve().parents[2] / "stacks" / "ui" / "site"
SITE_PREFIX = "/_ws/cdn/STANDINDIST/"
API_PREFIX = "/_ws/api/standinapi/v1"
CLIENT_ID = "standinclient"
PAYMENT_LIMIT = 10_000  # as stacks/payments-mock approves
PRODUCTS = [
    {"product_id": "cap", "name": "Store cap", "price": 15, "stock": 0, "currency": "EUR",
     "description": "A navy cap with the store's logo."},
    {"product_id": "mug", "name": "Store mug", "price": 12.5, "stock": 40, "currency": "EUR",
     "description": "A 330 ml stoneware mug."},
    {"product_id": "tee", "name": "Store T-shirt", "price": 20, "stock": 25, "currency": "EUR",
     "description": "Organic cotton, unisex fit."},
]


class CognitoFault(Exception):
    """A Cognito error reply: its ``__type`` and message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@dataclass
class StandInState:
    """Users, issued ID tokens and orders; one lock guards them (the server is threaded)."""

    settle_after: float = 1.5
    client_id: str = CLIENT_ID
    cognito_endpoint: str | None = None  # a real Cognito (the local endpoint's) instead of ours
    products: list[dict[str, Any]] = field(default_factory=lambda: [dict(p) for p in PRODUCTS])
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # ID token -> sub (the API takes these)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> user name
    refreshes: int = 0  # REFRESH_TOKEN_AUTH calls answered
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def cognito(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        """Answer SignUp, ConfirmSignUp and InitiateAuth (USER_PASSWORD_AUTH) as Cognito does."""
        if body.get("ClientId") != self.client_id:
            raise CognitoFault("ResourceNotFoundException", "User pool client does not exist.")
        handler = {"SignUp": self._sign_up, "ConfirmSignUp": self._confirm,
                   "InitiateAuth": self._sign_in}.get(action)
        if handler is None:
            raise CognitoFault("InvalidAction", f"unknown action {action}")
        with self.lock:
            return handler(body)

    def _sign_up(self, body: dict[str, Any]) -> dict[str, Any]:
        name, password = body.get("Username", ""), body.get("Password", "")
        if name in self.users:
            raise CognitoFault("UsernameExistsException", "User already exists")
        if len(password) < 12 or password.lower() == password or password.upper() == password \
                or not any(c.isdigit() for c in password):
            raise CognitoFault("InvalidPasswordException", "Password did not conform with policy")
        self.users[name] = {"password": password, "confirmed": False, "sub": str(uuid.uuid4())}
        return {"UserConfirmed": False, "UserSub": self.users[name]["sub"]}

    def _confirm(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(body.get("Username", ""))
        if user is None:
            raise CognitoFault("UserNotFoundException", "Username/client id combination not found.")
        user["confirmed"] = True  # like moto: any code is accepted
        return {}

    def _sign_in(self, body: dict[str, Any]) -> dict[str, Any]:
        params = body.get("AuthParameters") or {}
        if body.get("AuthFlow") == "REFRESH_TOKEN_AUTH":
            return self._refresh(params.get("REFRESH_TOKEN", ""))
        user = self.users.get(params.get("USERNAME", ""))
        if user is None or user["password"] != params.get("PASSWORD"):
            raise CognitoFault("NotAuthorizedException", "Incorrect username or password.")
        if not user["confirmed"]:
            raise CognitoFault("UserNotConfirmedException", "User is not confirmed.")
        refresh = secrets.token_urlsafe(24)
        self.refresh_tokens[refresh] = params["USERNAME"]
        return {"AuthenticationResult": {**self._id_token(params["USERNAME"]),
                                         "RefreshToken": refresh}}

    def _refresh(self, refresh: str) -> dict[str, Any]:
        name = self.refresh_tokens.get(refresh)
        if name is None:
            raise CognitoFault("NotAuthorizedException", "Invalid Refresh Token")
        self.refreshes += 1
        return {"AuthenticationResult": self._id_token(name)}

    def _id_token(self, name: str) -> dict[str, Any]:
        claims = {"sub": self.users[name]["sub"], "email": name, "token_use": "id",
                  "exp": int(time.time()) + 3600}
        token = f"{_b64({'alg': 'none'})}.{_b64(claims)}.{secrets.token_urlsafe(16)}"
        self.tokens[token] = self.users[name]["sub"]
        return {"IdToken": token, "AccessToken": "unused", "ExpiresIn": 3600,
                "TokenType": "Bearer"}

    def api(self, method: str, path: str, token: str, body: Any) -> tuple[int, Any]:
        """The REST API behind its Cognito authorizer: 401 without a token this server issued."""
        with self.lock:
            self.requests.append((method, path, body))
            customer = self.tokens.get(token) or self._outside_customer(token)
            if customer is None:
                return 401, {"message": "Unauthorized"}
            parts = path.strip("/").split("/")
            if method == "GET" and parts == ["products"]:
                return 200, {"products": self.products}
            if method == "GET" and len(parts) == 2 and parts[0] == "products":
                found = [p for p in self.products if p["product_id"] == parts[1]]
                return (200, found[0]) if found else (404, {"error": f"no product {parts[1]}"})
            if method == "POST" and parts == ["orders"]:
                return self._create_order(customer, body)
            if method == "GET" and parts == ["orders"]:
                mine = [self._order(customer, i)[1] for i, o in self.orders.items()
                        if o["customer"] == customer]
                return 200, {"orders": sorted(mine, key=lambda o: o["created_at"], reverse=True)}
            if method == "GET" and len(parts) == 2 and parts[0] == "orders":
                return self._order(customer, parts[1])
            return 403, {"message": "Missing Authentication Token"}

    def _outside_customer(self, token: str) -> str | None:
        """With a real Cognito, its ID tokens' `sub` (read, not verified: this is a stand-in)."""
        if self.cognito_endpoint is None or token.count(".") != 2:
            return None
        part = token.split(".")[1]
        try:
            claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except ValueError:
            return None
        return claims.get("sub") if claims.get("token_use") == "id" else None

    def _create_order(self, customer: str, body: Any) -> tuple[int, Any]:
        items = body.get("items") if isinstance(body, dict) else None
        prices = {p["product_id"]: p["price"] for p in self.products}
        if not isinstance(items, list) or not items or any(
                not isinstance(i, dict) or i.get("product_id") not in prices or "price" in i
                or type(i.get("quantity")) is not int or i["quantity"] < 1 for i in items):
            return 400, {"error": "items must be a non-empty list of {product_id, quantity >= 1}"}
        names = {p["product_id"]: p.get("name") for p in self.products}
        stock = {p["product_id"]: p.get("stock") for p in self.products}
        short = [f"{names[i['product_id']]} ({i['product_id']})" for i in items
                 if isinstance(stock[i["product_id"]], int) and i["quantity"] > stock[i["product_id"]]]
        if short:
            return 400, {"error": "not enough stock: " + "; ".join(short)}
        priced = [{**i, "price": prices[i["product_id"]], "name": names[i["product_id"]]}
                  for i in items]
        order = {"order_id": str(uuid.uuid4()), "customer": customer, "status": "PENDING",
                 "currency": "EUR", "items": priced,
                 "amount": sum(i["price"] * i["quantity"] for i in priced),
                 "created_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
                 + f".{time.time_ns() % 10**9:09d}Z"}
        self.orders[order["order_id"]] = {**order, "created": time.monotonic()}
        return 201, order

    def _order(self, customer: str, order_id: str) -> tuple[int, Any]:
        order = self.orders.get(order_id)
        if order is None or order["customer"] != customer:
            return 404, {"error": f"no order {order_id}"}
        if order["status"] == "PENDING" and time.monotonic() - order["created"] >= self.settle_after:
            order["status"] = "PAID" if order["amount"] <= PAYMENT_LIMIT else "DECLINED"
            for item in order["items"] if order["status"] == "PAID" else ():
                product = next(p for p in self.products if p["product_id"] == item["product_id"])
                if isinstance(product.get("stock"), int):
                    product["stock"] -= item["quantity"]
        return 200, {k: v for k, v in order.items() if k != "created"}


class Handler(BaseHTTPRequestHandler):
    """Routes requests to the site folder, the fake Cognito or the fake API."""

    state: StandInState  # set on the subclass made by serve()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the page
        pass

    def do_GET(self) -> None:
        if self.path.startswith(SITE_PREFIX):
            return self._site(self.path[len(SITE_PREFIX):].split("?")[0] or "index.html")
        self._api("GET", None)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return self._send(400, {"message": "body is not JSON"})
        target = self.headers.get("X-Amz-Target", "")
        if self.path == "/" and target.startswith("AWSCognitoIdentityProviderService."):
            return self._cognito(target.split(".", 1)[1], body or {})
        self._api("POST", body)

    def _site(self, name: str) -> None:
        if name == "config.json":
            return self._send(200, self.config())
        path = (SITE / name).resolve()
        if not path.is_relative_to(SITE) or not path.is_file():
            return self._send(404, {"message": "Not Found"})
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._send(200, path.read_bytes(), kind)

    def _cognito(self, action: str, body: dict[str, Any]) -> None:
        try:
            self._send(200, self.state.cognito(action, body), "application/x-amz-json-1.1")
        except CognitoFault as fault:
            self._send(400, {"__type": fault.kind, "message": str(fault)},
                       "application/x-amz-json-1.1")

    def _api(self, method: str, body: Any) -> None:
        if not self.path.startswith(API_PREFIX + "/"):
            return self._send(404, {"message": "Not Found"})
        path = self.path[len(API_PREFIX):].split("?")[0]
        status, reply = self.state.api(method, path, self.headers.get("Authorization", ""), body)
        self._send(status, reply)

    def config(self) -> dict[str, str]:
        origin = f"http://{self.headers.get('Host')}"
        return {"apiUrl": origin + API_PREFIX, "userPoolId": "us-east-1_standin",
                "userPoolClientId": self.state.client_id, "region": "us-east-1",
                "cognitoEndpoint": self.state.cognito_endpoint or origin + "/"}

    def _send(self, status: int, body: Any, kind: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(HTTPStatus(status))
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)


@dataclass(frozen=True)
class StandIn:
    """A running stand-in: its origin, the site's URL and its state (to inspect requests)."""

    url: str
    site_url: str
    state: StandInState


@contextlib.contextmanager
def serve(state: StandInState | None = None, port: int = 0) -> Iterator[StandIn]:
    """Serve on 127.0.0.1 (a free port unless given) in a thread; stopped on exit."""
    state = state or StandInState()
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="standin-store", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield StandIn(url, url + SITE_PREFIX, state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def main() -> None:
    """Serve until Ctrl-C, for manual checks of the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    with serve(port=args.port) as standin:
        print(f"store page: {standin.site_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
