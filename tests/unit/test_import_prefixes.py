"""Imports written for another naming (stack.yaml `import_prefixes`): the rewrite, the graph's
edge, the errors naming stack.yaml's line, and the check that names a missing field."""
from __future__ import annotations

import json

import pytest
from ws.config.environment import load_environment
from ws.config.importnames import rename_imports, renamed
from ws.config.workspace import load_workspace
from ws.errors import ConfigError
from ws.graph.envimports import for_environment
from ws.graph.stackgraph import build_graph
from ws.lint.importcheck import import_problems, import_warnings
from ws.testing.workspaces import workspace_files, write_tree

COGNITO = json.dumps({"Resources": {"Pool": {"Type": "AWS::SQS::Queue"}}, "Outputs": {
    "UserPool": {"Value": "p", "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-UserPool"}}},
    "Group": {"Value": "g", "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-AdminGroup"}}}}})
API = """Parameters:
  CognitoStackName: {Type: String, Default: serverless-api-cognito}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      Tags:
        - Key: pool
          Value:
            Fn::ImportValue: !Sub "${CognitoStackName}-UserPool"
        - Key: group
          Value: !ImportValue serverless-api-cognito-AdminGroup
"""
NAMES = {"serverless-api-cognito": "demo-local-cognito"}


def test_a_literal_import_takes_the_stack_name_in_place_of_its_prefix():
    body = {"A": {"Fn::ImportValue": "serverless-api-cognito-UserPool"}, "B": [
        {"Fn::ImportValue": "serverless-api-cognito:Arn"}, {"Fn::ImportValue": "other-X"}]}
    out, used = rename_imports(body, NAMES, {})
    assert out == {"A": {"Fn::ImportValue": "demo-local-cognito-UserPool"}, "B": [
        {"Fn::ImportValue": "demo-local-cognito:Arn"}, {"Fn::ImportValue": "other-X"}]}
    assert used == {"serverless-api-cognito"}
    assert body["A"]["Fn::ImportValue"] == "serverless-api-cognito-UserPool"  # not changed


def test_sub_forms_are_renamed_when_their_values_are_known():
    imports = [{"Fn::Sub": "${Stack}-UserPool"}, {"Fn::Sub": ["${S}-Pool", {"S": {"Ref": "Stack"}}]},
               {"Fn::Join": ["-", ["serverless-api-cognito", "Pool"]]}, {"Fn::Sub": "${Unknown}-X"}]
    out, _ = rename_imports([{"Fn::ImportValue": i} for i in imports], NAMES,
                            {"Stack": "serverless-api-cognito"})
    assert [o["Fn::ImportValue"] for o in out] == [
        "demo-local-cognito-UserPool", "demo-local-cognito-Pool", "demo-local-cognito-Pool",
        {"Fn::Sub": "${Unknown}-X"}]


def test_a_prefix_matches_whole_names_only_and_the_longest_wins():
    names = {"app": "A", "app-cognito": "C"}
    assert renamed("apple-Arn", names) is None
    assert renamed("app-cognito-Pool", names) == ("app-cognito", "C-Pool")
    assert renamed("app-Pool", names) == ("app", "A-Pool")


def workspace(tmp_path, config, api=API, env=None):
    root = write_tree(tmp_path, workspace_files(
        env=env, cognito=(COGNITO, {}), api=(api, config)))
    ws = load_workspace(root)
    return ws, load_environment(ws, "local")


def test_the_graph_orders_the_importer_after_the_stack_its_prefix_names(tmp_path):
    ws, env = workspace(tmp_path, {"import_prefixes": {"serverless-api-cognito": "cognito"}})
    assert build_graph(ws, env).upstream("api") == []  # as written, nothing matches
    here = for_environment(ws, env)
    graph = build_graph(here, env)
    assert graph.upstream("api") == ["cognito"]
    assert sorted(graph.dag.edges["cognito", "api"]["reasons"]) == [
        "imports demo-local-cognito-AdminGroup", "imports demo-local-cognito-UserPool"]
    tags = here.stacks["api"].template.body["Resources"]["Queue"]["Properties"]["Tags"]
    assert [t["Value"] for t in tags] == [{"Fn::ImportValue": "demo-local-cognito-UserPool"},
                                          {"Fn::ImportValue": "demo-local-cognito-AdminGroup"}]
    assert import_problems(here, env, ["api"]) == []


def test_a_prefix_naming_an_unknown_stack_is_refused_at_its_line(tmp_path):
    with pytest.raises(ConfigError) as err:
        workspace(tmp_path, {"import_prefixes": {"serverless-api-cognito": "cognitoo"}})
    assert err.value.path == "stacks/api/stack.yaml" and err.value.line == 2
    assert "unknown stack 'cognitoo'" in str(err.value)


def test_a_prefix_no_import_starts_with_is_refused_at_its_line(tmp_path):
    ws, env = workspace(tmp_path, {"import_prefixes": {"serverless-api-cognito": "cognito",
                                                       "serverless-api-db": "cognito"}})
    with pytest.raises(ConfigError) as err:
        for_environment(ws, env)
    assert err.value.path == "stacks/api/stack.yaml" and err.value.line == 3
    assert "'serverless-api-db'" in str(err.value)


def test_the_check_names_the_line_to_add_for_an_import_of_another_naming(tmp_path):
    ws, env = workspace(tmp_path, {})
    found = import_problems(for_environment(ws, env), env, ["api", "cognito"])
    assert [(p.path, p.line) for p in found] == [("stacks/api/template.yaml", 10),
                                                 ("stacks/api/template.yaml", 12)]
    assert "stack cognito exports demo-local-cognito-UserPool" in found[0].message
    assert "add to stacks/api/stack.yaml: `import_prefixes: {serverless-api-cognito: " \
        "cognito}`" in found[0].message


def test_an_import_nothing_matches_is_refused_locally_only(tmp_path):
    api = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n" \
          "      QueueName: !ImportValue SharedVpcId\n"
    ws, env = workspace(tmp_path, {}, api=api)
    found = import_problems(ws, env, ["api"])
    assert [(p.line, "local endpoint holds only what ws deploys" in p.message)
            for p in found] == [(5, True)]
    aws = {"target": "aws", "account_id": "111122223333", "region": "us-east-1"}
    write_tree(tmp_path, {"environments/local.yaml": aws})
    assert import_problems(ws, load_environment(ws, "local"), ["api"]) == []


def test_a_stack_shared_from_another_environment_keeps_that_ones_name(tmp_path):
    write_tree(tmp_path, {"environments/team.yaml": {"target": "local"}})
    ws, env = workspace(tmp_path, {"import_prefixes": {"serverless-api-cognito": "cognito"}},
                        env={"target": "local", "shared": {"cognito": "team"}})
    here = for_environment(ws, env)
    tags = here.stacks["api"].template.body["Resources"]["Queue"]["Properties"]["Tags"]
    assert tags[0]["Value"] == {"Fn::ImportValue": "demo-team-cognito-UserPool"}
    assert build_graph(here, env).order() == ["api"]


def test_on_aws_an_import_of_another_naming_is_a_warning_only(tmp_path):
    aws = {"target": "aws", "account_id": "111122223333", "region": "us-east-1"}
    ws, env = workspace(tmp_path, {}, env=aws)  # it may be an export from outside the workspace
    assert import_problems(ws, env, ["api"]) == []
    found = import_warnings(ws, env, ["api"])
    assert [p.line for p in found] == [10, 12]
    assert "`import_prefixes: {serverless-api-cognito: cognito}`" in found[0].message
