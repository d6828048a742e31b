"""`import_prefixes` on the command line (no endpoint needed): a wrong one is exit 2 naming
stack.yaml's line; an import written for another naming, without it, is refused before anything
deploys, with the line to add."""
from __future__ import annotations

import json

from click.testing import CliRunner
from ws.cli.commands import cli
from ws.testing.workspaces import workspace_files, write_tree

AUTH = json.dumps({"Resources": {"Pool": {"Type": "AWS::SQS::Queue"}}, "Outputs": {"Pool": {
    "Value": "p", "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-UserPool"}}}}})
API = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n" \
      "      QueueName: !ImportValue shop-auth-UserPool\n"


def invoke(root, *args):
    return CliRunner().invoke(cli, ["--workspace", str(root), *args])


def workspace(tmp_path, config):
    return write_tree(tmp_path, workspace_files(auth=(AUTH, {}), api=(API, config)))


def test_a_prefix_naming_no_stack_or_no_import_is_exit_2_at_its_line(tmp_path):
    for prefixes, line, says in (
            ({"shop-auth": "auht"}, 2, "import_prefixes: 'shop-auth' names unknown stack 'auht'"),
            ({"shop-auth": "auth", "shop-db": "auth"}, 3,
             "import_prefixes: no Fn::ImportValue of stacks/api/template.yaml starts with "
             "'shop-db'")):
        root = workspace(tmp_path, {"import_prefixes": prefixes})
        for command in (["graph"], ["validate"], ["plan", "--env", "local"],
                        ["deploy", "--env", "local"]):
            result = invoke(root, *command)
            assert result.exit_code == 2, (command, result.output)
            assert result.output.startswith(f"error: stacks/api/stack.yaml:{line}: {says}")
            assert "Traceback" not in result.output
            assert not (root / ".ws").exists()  # nothing started, nothing deployed


def test_an_import_of_another_naming_is_refused_with_the_line_to_add(tmp_path):
    root = workspace(tmp_path, {})
    for command in (["validate"], ["deploy", "--env", "local"]):
        result = invoke(root, *command)
        assert result.exit_code == 2, (command, result.output)
        assert "stacks/api/template.yaml:5" in result.output
        assert "add to stacks/api/stack.yaml: `import_prefixes: {shop-auth: auth}`" \
            in result.output
    assert not (root / ".ws" / "local").exists()  # no endpoint started
    write_tree(root, {"stacks/api/stack.yaml": {"import_prefixes": {"shop-auth": "auth"}}})
    result = invoke(root, "graph", "--format", "json")
    assert json.loads(result.output)["edges"] == [
        {"from": "auth", "to": "api", "reasons": ["imports demo-local-auth-UserPool"]}]
