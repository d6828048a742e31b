"""The dependency graph: explicit edges, output references, imports, cycles and mocks."""
from __future__ import annotations

import json

import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.errors import ConfigError
from ws.graph.stackgraph import build_graph
from ws.graph.views import render
from ws.testing.workspaces import queue_template, workspace_files, write_tree


def graph_of(tmp_path, files, env="local"):
    write_tree(tmp_path, files)
    ws = load_workspace(tmp_path)
    return build_graph(ws, load_environment(ws, env))


EXPORTING = queue_template(
    {"Arn": {"Value": "x", "Export": {"Name": {"Fn::Sub": "${Prefix}-auth-Arn"}}}},
    parameters=["Prefix"])
IMPORTING = json.dumps({"Parameters": {"Prefix": {"Type": "String"}}, "Resources": {"Q": {
    "Type": "AWS::SQS::Queue", "Properties": {"QueueName": {
        "Fn::ImportValue": {"Fn::Sub": "${Prefix}-auth-Arn"}}}}}})


def test_edges_from_depends_on_references_and_imports(tmp_path):
    files = workspace_files(
        auth=(EXPORTING, {"parameters": {"Prefix": "${ws.prefix}"}}),
        db=(queue_template({"Name": "n"}), {}),
        api=(IMPORTING, {"parameters": {"Prefix": "${ws.prefix}"}}),
        app=(queue_template(parameters=["Db"]),
             {"parameters": {"Db": "${db.Name}"}, "depends_on": ["api"]}))
    graph = graph_of(tmp_path, files)
    edges = {(a, b): d["reasons"] for a, b, d in graph.dag.edges(data=True)}
    assert edges == {("auth", "api"): ["imports demo-local-auth-Arn"],
                     ("db", "app"): ["parameter Db uses ${db.Name}"],
                     ("api", "app"): ["depends_on"]}
    assert graph.params["api"] == {"Prefix": "demo-local"}
    assert graph.order() == ["auth", "api", "db", "app"]


def test_import_of_unknown_export_is_external(tmp_path):
    files = workspace_files(api=(IMPORTING, {"parameters": {"Prefix": "elsewhere"}}))
    assert list(graph_of(tmp_path, files).dag.edges) == []


def test_cycle_is_an_error_that_prints_it(tmp_path):
    files = workspace_files(
        a=(queue_template({"O": "1"}, parameters=["P"]), {"parameters": {"P": "${b.O}"}}),
        b=(queue_template({"O": "1"}, parameters=["P"]), {"parameters": {"P": "${c.O}"}}),
        c=(queue_template({"O": "1"}), {"depends_on": ["a"]}))
    with pytest.raises(ConfigError) as info:
        graph_of(tmp_path, files)
    assert str(info.value).startswith("dependency cycle: a -> c -> b -> a")


def test_self_dependency_is_a_cycle(tmp_path):
    files = workspace_files(a=(queue_template({"O": "1"}, parameters=["P"]),
                               {"parameters": {"P": "${a.O}"}}))
    with pytest.raises(ConfigError, match="dependency cycle: a -> a"):
        graph_of(tmp_path, files)


MOCKED = dict(
    pay=(queue_template({"Url": "u"}), {"mock": True}),
    orders=(queue_template(parameters=["PayUrl"]), {"parameters": {"PayUrl": "${pay.Url}"}}))


def test_mocks_on_wire_the_mock_in(tmp_path):
    graph = graph_of(tmp_path, workspace_files(**MOCKED))
    assert list(graph.dag.edges) == [("pay", "orders")] and graph.skipped == {}


def test_mocks_off_without_replacement_lists_every_missing_value(tmp_path):
    files = workspace_files(env={"target": "local", "mocks": False}, **MOCKED)
    with pytest.raises(ConfigError) as info:
        graph_of(tmp_path, files)
    assert "orders: parameter PayUrl (was ${pay.Url} from mock stack pay)" in str(info.value)
    assert "environments/local.yaml" in info.value.hint


def test_mocks_off_with_replacement_drops_the_mock(tmp_path):
    env = {"target": "local", "mocks": False,
           "parameters": {"orders": {"PayUrl": "https://pay.example.com"}}}
    graph = graph_of(tmp_path, workspace_files(env=env, **MOCKED))
    assert list(graph.dag.nodes) == ["orders"]
    assert graph.skipped == {"pay": "mock: skipped in this environment"}
    assert graph.params["orders"] == {"PayUrl": "https://pay.example.com"}


def test_renderings(tmp_path):
    graph = graph_of(tmp_path, workspace_files(**MOCKED))
    assert render(graph, "text") == "pay\norders  <- pay"
    assert '"pay" -> "orders"' in render(graph, "dot")
    assert "pay --> orders" in render(graph, "mermaid")
    data = json.loads(render(graph, "json"))
    assert data["stacks"] == ["pay", "orders"] and data["edges"][0]["from"] == "pay"


# SSM parameters as wiring: a producer writes a name, a consumer reads it
SSM_PRODUCER = """Parameters:
  Environment: {Type: String, Default: dev}
Resources:
  Url:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub /ecommerce/${Environment}/orders/api/url
      Type: String
      Value: https://example.com
  Literal:
    Type: AWS::SSM::Parameter
    Properties: {Name: /shop/literal, Type: String, Value: x}
  Unknown:
    Type: AWS::SSM::Parameter
    Properties: {Name: !Sub "/x/${AWS::NoSuchThing}", Type: String, Value: x}
"""
SSM_CONSUMER = """Parameters:
  OrdersUrl:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /ecommerce/dev/orders/api/url
  Env: {Type: String, Default: dev}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      Tags:
        - {Key: a, Value: "{{resolve:ssm:/shop/literal:3}}"}
        - {Key: b, Value: !Sub "{{resolve:ssm:/elsewhere/${Env}}}"}
        - {Key: c, Value: !Sub "{{resolve:ssm:/unknown/${Nope}}}"}
"""


def _edges(graph):
    return {(a, b): d["reasons"] for a, b, d in graph.dag.edges(data=True)}


def test_ssm_parameter_made_by_one_stack_and_read_by_another_is_an_edge(tmp_path):
    files = workspace_files(orders=(SSM_PRODUCER, {}), web=(SSM_CONSUMER, {}))
    graph = graph_of(tmp_path, files)
    assert _edges(graph) == {("orders", "web"): [
        "reads SSM parameter /ecommerce/dev/orders/api/url (parameter OrdersUrl)",
        "reads SSM parameter /shop/literal ({{resolve:ssm}})"]}
    assert graph.ssm_reads == {"web": {"/ecommerce/dev/orders/api/url": "orders",
                                       "/elsewhere/dev": "", "/shop/literal": "orders"}}
    assert "reads SSM parameter /shop/literal" in render(graph, "dot")


def test_ssm_names_follow_the_values_ws_passes(tmp_path):
    files = workspace_files(
        orders=(SSM_PRODUCER, {"parameters": {"Environment": "${ws.env}"}}),
        web=(SSM_CONSUMER, {"parameters": {"OrdersUrl": "/ecommerce/${ws.env}/orders/api/url"}}))
    graph = graph_of(tmp_path, files)
    assert _edges(graph)[("orders", "web")][0] == \
        "reads SSM parameter /ecommerce/local/orders/api/url (parameter OrdersUrl)"


def test_ssm_parameter_read_by_its_own_stack_is_no_edge(tmp_path):
    both = SSM_PRODUCER.replace("Resources:", "  Own:\n    Type: AWS::SSM::Parameter::Value"
                                "<String>\n    Default: /shop/literal\nResources:")
    graph = graph_of(tmp_path, workspace_files(orders=(both, {})))
    assert list(graph.dag.edges) == [] and graph.ssm_reads == {}


def test_ssm_name_from_an_output_reference_is_no_edge(tmp_path):
    files = workspace_files(
        orders=(SSM_PRODUCER.replace("Resources:", "Outputs: {P: {Value: /shop/literal}}\n"
                                     "Resources:"), {}),
        web=(SSM_CONSUMER.replace("{{resolve:ssm:/shop/literal:3}}", "plain"),
             {"parameters": {"OrdersUrl": "${orders.P}"}}))
    edges = _edges(graph_of(tmp_path, files))
    assert edges == {("orders", "web"): ["parameter OrdersUrl uses ${orders.P}"]}


def test_ssm_values_are_read_ten_names_a_call_and_forgotten_on_demand():
    from ws.cloud.ssmvalues import SsmValues

    calls = []

    class Client:
        def get_parameters(self, Names):
            calls.append(list(Names))
            return {"Parameters": [{"Name": n, "Value": n.upper()} for n in Names if n != "/x3"]}

    ssm = SsmValues(lambda service: Client())
    ssm.prefetch(f"/x{i}" for i in range(12))
    assert [len(c) for c in calls] == [10, 2]
    assert ssm.values(["/x1", "/x3"]) == {"/x1": "/X1", "/x3": ""} and len(calls) == 2
    ssm.forget(["/x1"])
    assert ssm.values(["/x1", "/x2"]) == {"/x1": "/X1", "/x2": "/X2"} and calls[-1] == ["/x1"]
