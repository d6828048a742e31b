"""The catalog's seeding custom resource: seeds on Create and when the seed changes, never
deletes, and always answers CloudFormation (SUCCESS or FAILED) at the request's ResponseURL."""
from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from samcli.yamlhelper import yaml_parse

from stack_helpers import STACKS, make_table

SEED = STACKS / "catalog/src/updater/seed.json"
STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/store-local-catalog/guid"
CONTEXT = SimpleNamespace(log_stream_name="2026/11/23/[$LATEST]abc")


class CloudFormation(BaseHTTPRequestHandler):
    """Stands in for the pre-signed ResponseURL: records each PUT (headers and document)."""

    answers: list = []

    def do_PUT(self):  # noqa: N802 (http.server's naming)
        document = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.answers.append((self.path, self.headers.get("Content-Type"), document))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def response_url():
    """A real HTTP server on 127.0.0.1; yields (its ResponseURL, the answers it received)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 type("C", (CloudFormation,), {"answers": []}))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield (f"http://127.0.0.1:{server.server_port}/cfn-response?signature=abc",
           server.RequestHandlerClass.answers)
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def world(aws, monkeypatch, load_handler, response_url):
    """The products table, a fresh updater and a request maker; yields (handler, table, answers,
    request)."""
    monkeypatch.setenv("PRODUCTS_TABLE", "products-test")
    table = make_table("products-test", "product_id")
    url, answers = response_url

    def request(kind: str, sha: str | None = None, old_sha: str | None = None) -> dict:
        event = {"RequestType": kind, "ServiceToken": "arn:aws:lambda:...:UpdaterFunction",
                 "ResponseURL": url, "StackId": STACK_ID, "RequestId": f"req-{kind}",
                 "LogicalResourceId": "CatalogSeed", "ResourceType": "Custom::CatalogSeed",
                 "ResourceProperties": {"ServiceToken": "arn", "SeedSha256": sha or digest()}}
        if kind != "Create":
            event["PhysicalResourceId"] = "catalog-seed-CatalogSeed"
        if old_sha:
            event["OldResourceProperties"] = {"ServiceToken": "arn", "SeedSha256": old_sha}
        return event

    return load_handler("catalog", "updater").handler, table, answers, request


def digest() -> str:
    return hashlib.sha256(SEED.read_bytes()).hexdigest()


def seeded_ids() -> set:
    return {p["product_id"] for p in json.loads(SEED.read_text())}


def product_ids(table) -> set:
    return {item["product_id"] for item in table.scan()["Items"]}


def test_create_seeds_and_answers_success(world):
    handler, table, answers, request = world
    handler(request("Create"), CONTEXT)
    assert product_ids(table) == seeded_ids()
    [(path, content_type, document)] = answers
    assert path == "/cfn-response?signature=abc" and content_type == ""  # as S3 signed it
    assert document == {"Status": "SUCCESS", "Reason": "seeded",
                        "PhysicalResourceId": "catalog-seed-CatalogSeed", "StackId": STACK_ID,
                        "RequestId": "req-Create", "LogicalResourceId": "CatalogSeed",
                        "NoEcho": False, "Data": {"Count": len(seeded_ids()), "Skipped": 0}}


def test_update_reseeds_only_when_the_seed_changed(world):
    handler, table, answers, request = world
    handler(request("Update", old_sha=digest()), CONTEXT)  # another property changed
    assert product_ids(table) == set()
    handler(request("Update", old_sha="0" * 64), CONTEXT)
    assert product_ids(table) == seeded_ids()
    assert [(a[2]["Status"], a[2]["Data"].get("Count"), a[2]["PhysicalResourceId"])
            for a in answers] == [("SUCCESS", 0, "catalog-seed-CatalogSeed"),
                                  ("SUCCESS", len(seeded_ids()), "catalog-seed-CatalogSeed")]


def test_upsert_keeps_other_products_and_delete_removes_nothing(world):
    handler, table, answers, request = world
    table.put_item(Item={"product_id": "extra", "name": "Added by the shop"})
    handler(request("Create"), CONTEXT)
    handler(request("Delete"), CONTEXT)
    assert product_ids(table) == seeded_ids() | {"extra"}
    assert [a[2]["Status"] for a in answers] == ["SUCCESS", "SUCCESS"]


def test_a_failure_is_answered_with_the_reason(world, monkeypatch):
    handler, table, answers, request = world
    monkeypatch.setenv("PRODUCTS_TABLE", "no-such-table")
    assert handler(request("Create"), CONTEXT) == {"Status": "FAILED"}
    [(_, _, document)] = answers
    assert document["Status"] == "FAILED" and document["RequestId"] == "req-Create"
    assert "ResourceNotFoundException" in document["Reason"]
    assert "log stream 2026/11/23/[$LATEST]abc" in document["Reason"]
    assert document["PhysicalResourceId"] == "catalog-seed-CatalogSeed"


def test_a_missing_setting_and_an_unknown_request_are_answered_failed(world, monkeypatch):
    handler, table, answers, request = world
    handler({**request("Create"), "RequestType": "Import"}, CONTEXT)
    monkeypatch.delenv("PRODUCTS_TABLE")
    handler(request("Update", old_sha="0" * 64), None)
    assert [(a[2]["Status"], a[2]["Reason"]) for a in answers] == [
        ("FAILED", "ValueError: unknown RequestType 'Import' (log stream 2026/11/23/[$LATEST]abc)"),
        ("FAILED", "KeyError: 'PRODUCTS_TABLE'")]


def test_an_undeliverable_answer_raises_so_lambda_retries(world):
    handler, table, answers, request = world
    event = {**request("Create"), "ResponseURL": "http://127.0.0.1:9/closed"}
    with pytest.raises(OSError):
        handler(event, CONTEXT)


def test_the_template_passes_the_seed_digest():
    template = yaml_parse((STACKS / "catalog/template.yaml").read_text())
    seed = template["Resources"]["CatalogSeed"]
    assert seed["Type"] == "Custom::CatalogSeed" and "Condition" not in seed
    assert seed["Properties"]["ServiceToken"] == {"Fn::GetAtt": ["UpdaterFunction", "Arn"]}
    assert seed["Properties"]["SeedSha256"] == digest(), \
        "seed.json changed: set CatalogSeed's SeedSha256 to `sha256sum` of it"
