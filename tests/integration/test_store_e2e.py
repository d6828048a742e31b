"""The store runs locally, end to end (issue #14): deployed once to a fresh endpoint, then used
over HTTP only, as a customer and a developer would.

One module-scoped deploy is shared by the checks, which run in file order: the last one changes
a handler's source and redeploys with the CLI. The endpoint is started with
WS_LOCAL_SQS_RETRY_SECONDS=1 so that a failing message comes back every second (not every
180 s, the queue's visibility timeout) and reaches the dead-letter queue within seconds.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from storeclient import forged, http, order_status, sign_up_and_in

from ws import api
from ws.cloud.backend import LOCAL_ENDPOINT_VAR
from ws.engine.request import RunRequest
from ws.local import endpoint as lifecycle
from ws.local.lambdas.hooks import RETRY_VAR
from ws.local.urls import local_api_url

ROOT = Path(__file__).resolve().parents[2]
SETTLED = {"PAID", "DECLINED"}


@dataclass(frozen=True)
class Store:
    """The deployed store: its folder (a tmp copy), endpoint, outputs and a customer's token."""

    root: Path
    endpoint: str
    outputs: dict[str, dict[str, str]]
    token: str

    @property
    def api(self) -> str:
        """The REST API's local base URL (stage included)."""
        return local_api_url(self.endpoint, self.outputs["api"]["ApiId"], "v1")

    def get(self, path: str, token: str | None = None):
        return http(self.api + path, headers={"Authorization": token} if token else {})

    def order(self, items: list[dict[str, Any]], **extra: Any):
        return http(self.api + "/orders", "POST", {"items": items, **extra},
                    {"Authorization": self.token})

    def client(self, service: str) -> Any:
        """A boto3 client on the endpoint (for what an operator would look at: SSM, SQS)."""
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")


def _copy_store(target: Path) -> Path:
    for name in ("workspace.yaml", "stacks", "environments"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", ".ws", "config.json"))
        else:
            shutil.copy(source, target / name)
    return target


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The store deployed to a fresh endpoint of its own (in the copy's .ws/, as
    `ws deploy --env local` starts it), stopped at the end."""
    root = _copy_store(tmp_path_factory.mktemp("store"))
    with pytest.MonkeyPatch.context() as env:
        env.delenv(LOCAL_ENDPOINT_VAR, raising=False)  # ws finds the copy's own endpoint
        env.setenv(RETRY_VAR, "1")  # read by the server when it starts
        info = lifecycle.start(root / ".ws")
        try:
            report = api.deploy(root, "local", RunRequest())
            assert report.ok, [(s.stack, s.status, s.reason) for s in report.stacks]
            outputs = {s.stack: s.outputs for s in report.stacks}
            token = sign_up_and_in(info.url, outputs["auth"]["UserPoolClientId"],
                                   "ana@example.com")
            yield Store(root, info.url, outputs, token)
        finally:
            lifecycle.stop(root / ".ws")


def test_products_need_a_valid_token(store):
    assert store.get("/products").status == 401
    assert store.get("/products", forged(store.token, sub="someone-else")).status == 401
    assert store.get("/products", "Bearer not-a-jwt").status == 401

    reply = store.get("/products", store.token)
    assert reply.status == 200
    products = {p["product_id"]: p for p in reply.body["products"]}
    assert {"mug", "espresso", "tee"} <= set(products)  # the catalog seeded itself
    assert products["mug"]["price"] == 12.5
    assert store.get("/products/mug", store.token).body["name"] == "Store mug"


def test_an_order_is_priced_by_the_catalog_and_paid(store):
    placed = store.order([{"product_id": "mug", "quantity": 2, "price": 0.01}],
                         amount=0.02, currency="USD")
    assert placed.status == 201, placed.body
    order = placed.body
    assert (order["status"], order["amount"], order["currency"]) == ("PENDING", 25, "EUR")
    assert order["items"][0]["unit_price"] == 12.5  # the client's price is ignored

    settled = order_status(store.api, store.token, order["order_id"], until=SETTLED)
    assert settled.status == 200
    assert settled.body["status"] == "PAID"  # orders -> queue -> processor -> payments-mock
    assert settled.body["amount"] == 25


def test_an_order_over_the_limit_is_declined(store):
    placed = store.order([{"product_id": "espresso", "quantity": 5}])
    assert placed.status == 201 and placed.body["amount"] == 12250, placed.body
    settled = order_status(store.api, store.token, placed.body["order_id"], until=SETTLED)
    assert settled.body["status"] == "DECLINED"


def test_a_paid_order_takes_stock_and_the_customer_sees_their_orders(store):
    """Stock goes down when an order is paid (a declined one gave its stock back: the five
    espresso machines above), a sold-out product is refused, and GET /orders lists the
    customer's orders, newest first."""
    assert store.get("/products/espresso", store.token).body["stock"] == 5
    before = store.get("/products/tote", store.token).body["stock"]
    placed = store.order([{"product_id": "tote", "quantity": 2}])
    assert placed.status == 201, placed.body
    assert order_status(store.api, store.token, placed.body["order_id"],
                        until=SETTLED).body["status"] == "PAID"
    assert store.get("/products/tote", store.token).body["stock"] == before - 2
    refused = store.order([{"product_id": "cap", "quantity": 1}])
    assert refused.status == 400 and "Store cap (cap) is sold out" in refused.body["error"]
    listed = store.get("/orders", store.token)
    assert listed.status == 200
    assert listed.body["orders"][0]["order_id"] == placed.body["order_id"]
    assert [o["status"] for o in listed.body["orders"][:3]] == ["PAID", "DECLINED", "PAID"]


def test_unknown_products_and_other_customers_orders(store):
    reply = store.order([{"product_id": "unicorn", "quantity": 1}])
    assert reply.status == 400 and "unicorn" in reply.body["error"]
    placed = store.order([{"product_id": "tee", "quantity": 1}])
    other = sign_up_and_in(store.endpoint, store.outputs["auth"]["UserPoolClientId"],
                           "bo@example.com")
    assert store.get(f"/orders/{placed.body['order_id']}", other).status == 404


def _dead_letters(store: Store) -> tuple[Any, str, str]:
    """The SQS client, the orders queue's URL and its dead-letter queue's URL."""
    sqs = store.client("sqs")
    queue = store.outputs["orders"]["OrdersQueueUrl"]
    redrive = json.loads(sqs.get_queue_attributes(
        QueueUrl=queue, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
    dlq = sqs.get_queue_url(QueueName=redrive["deadLetterTargetArn"].split(":")[-1])["QueueUrl"]
    return sqs, queue, dlq


def _wait_for_message(sqs: Any, queue: str, timeout: float = 30.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1,
                                  AttributeNames=["All"]).get("Messages", [])
        if got:
            return got
    return []


def _rotate_provider_key(store: Store, key: str) -> None:
    """The payment provider starts accepting `key` only (the mock reads EXPECTED_API_KEY)."""
    lam = store.client("lambda")
    name = store.outputs["payments-mock"]["PaymentsFunctionArn"]
    env = lam.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    lam.update_function_configuration(FunctionName=name, Environment={
        "Variables": {**env, "EXPECTED_API_KEY": key}})


def test_an_order_the_processor_cannot_settle_ends_in_the_dead_letter_queue(store):
    """A failing processor, as it happens for real: the payment provider revokes the store's
    key (it rotated it) before ops has put the new one in the SSM parameter the processor
    reads. Every delivery is answered 401; the processor drops its cached key, reads the same
    stale one again, and reports the message as a batch item failure; after the queue's
    maxReceiveCount (5) receives, SQS moves it to the dead-letter queue and the order stays
    PENDING. Once ops stores the new key, the next order is paid without a redeploy."""
    sqs, queue, dlq = _dead_letters(store)
    _rotate_provider_key(store, "rotated-key-2")
    placed = store.order([{"product_id": "hoodie", "quantity": 1}])
    assert placed.status == 201, placed.body
    [dead] = _wait_for_message(sqs, dlq)
    assert json.loads(dead["Body"])["order_id"] == placed.body["order_id"]
    assert int(dead["Attributes"]["ApproximateReceiveCount"]) >= 5  # 5 deliveries, then moved
    depth = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert (depth["ApproximateNumberOfMessages"],
            depth["ApproximateNumberOfMessagesNotVisible"]) == ("0", "0")
    assert store.get(f"/orders/{placed.body['order_id']}", store.token).body["status"] == \
        "PENDING"
    log = (store.root / ".ws/local/server.log").read_text()
    assert "1 of 1 messages from" in log and "(receive 5 of 5, then the dead-letter queue)" in log

    store.client("ssm").put_parameter(Name=store.outputs["payments-mock"]["ApiKeyParameterName"],
                                      Value="rotated-key-2", Overwrite=True)
    again = store.order([{"product_id": "hoodie", "quantity": 1}])
    assert order_status(store.api, store.token, again.body["order_id"],
                        until=SETTLED).body["status"] == "PAID"


PRODUCTS_HANDLER = "stacks/api/src/products/handler.py"


def _deploy_changed(root: Path, report: Path) -> dict[str, str]:
    """`ws deploy --env local --changed` run as a user runs it; each stack's status."""
    env = {k: v for k, v in os.environ.items() if k != LOCAL_ENDPOINT_VAR}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "tools/ws/src"),
                                                      env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "ws", "deploy", "--env", "local", "--changed",
                           "--report", str(report)], check=False, cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return {s["stack"]: s["status"] for s in json.loads(report.read_text())["stacks"]}


def test_a_changed_handler_is_redeployed_and_served(store, tmp_path):
    assert "x-store-catalog" not in store.get("/products", store.token).headers  # warm worker
    handler = store.root / PRODUCTS_HANDLER
    source = handler.read_text()
    changed = source.replace('"headers": {"Content-Type": "application/json"',
                             '"headers": {"X-Store-Catalog": "v2", "Content-Type": "application/json"')
    assert changed != source
    handler.write_text(changed)

    statuses = _deploy_changed(store.root, tmp_path / "run.json")
    assert statuses == {"auth": "unchanged", "catalog": "unchanged", "payments-mock": "unchanged",
                        "orders": "unchanged", "api": "deployed", "ui": "unchanged"}

    reply = store.get("/products", store.token)
    assert reply.status == 200 and reply.headers.get("x-store-catalog") == "v2"
    assert {p["product_id"] for p in reply.body["products"]} >= {"mug", "espresso"}
