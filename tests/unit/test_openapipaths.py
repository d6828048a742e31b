"""The operations of OpenAPI Path Items as API Gateway imports them (ws.local.openapipaths)."""
from __future__ import annotations

from ws.local.openapipaths import operations, with_operations_only

_ID = {"name": "id", "in": "path", "required": True}


def test_path_level_keys_are_left_out_and_parameters_merged():
    item = {"summary": "s", "description": "d", "servers": [{"url": "u"}],
            "parameters": [_ID, {"name": "q", "in": "query"}],
            "get": {"parameters": [{"name": "q", "in": "query", "required": True}]},
            "x-amazon-apigateway-any-method": {}, "x-other": {"a": 1}}
    found = operations({}, item)
    assert sorted(found) == ["get", "x-amazon-apigateway-any-method"]
    assert found["get"]["parameters"] == [_ID, {"name": "q", "in": "query", "required": True}]
    assert found["x-amazon-apigateway-any-method"]["parameters"] == item["parameters"]
    assert len(item["get"]["parameters"]) == 1  # the document itself is left as it was


def test_parameter_refs_and_path_item_refs_are_followed():
    spec = {"components": {"parameters": {"Id": _ID}},
            "x-items": {"get": {"operationId": "one"}, "parameters": [
                {"$ref": "#/components/parameters/Id"}]},
            "paths": {"/a/{id}": {"$ref": "#/x-items", "get": {
                "operationId": "own", "parameters": [_ID]}},
                "/loop": {"$ref": "#/paths/~1loop"}, "/odd": ["not", "a", "mapping"]}}
    found = with_operations_only(spec)["paths"]
    assert found["/a/{id}"]["get"] == {"operationId": "own", "parameters": [_ID]}
    assert found["/loop"] == {} and found["/odd"] == {}
