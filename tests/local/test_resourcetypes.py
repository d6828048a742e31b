"""The endpoint says which resource types it creates; ws checks templates against that."""
from __future__ import annotations

from ws.local import providers, templatefixes
from ws.local.resourcetypes import endpoint_types

TEMPLATE = {"Resources": {
    "Pool": {"Type": "AWS::Cognito::UserPool"},
    "Search": {"Type": "AWS::OpenSearchService::Domain"},
    "Seed": {"Type": "Custom::Seed"}}}


def test_the_endpoint_lists_what_it_creates(local_endpoint):
    types = endpoint_types(local_endpoint.url)
    assert types is not None
    assert types == frozenset(providers.supported_types())  # the server's own view
    assert {"AWS::Cognito::UserPool", "AWS::DynamoDB::Table", "AWS::Lambda::Function"} <= types
    assert "AWS::OpenSearchService::Domain" not in types
    assert templatefixes.placeholder_types(TEMPLATE, types) == \
        [("Search", "AWS::OpenSearchService::Domain")]


def test_an_endpoint_that_does_not_say_leaves_ws_to_work_it_out(local_endpoint):
    assert endpoint_types(local_endpoint.url + "/no-such-prefix") is None
    assert endpoint_types("http://127.0.0.1:9") is None  # nothing listens there
    assert templatefixes.placeholder_types(TEMPLATE) == \
        [("Search", "AWS::OpenSearchService::Domain")]
