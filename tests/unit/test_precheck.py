"""The check before deploying: cfn-lint's CloudFormation errors, cached by content, parallel;
quotas and rules of CloudFormation; --allow-replace; cfn-lint never imported to start ws."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.errors import ConfigError, UsageError
from ws.lint import precheck
from ws.lint.gate import before_deploy
from ws.testing.workspaces import queue_template, workspace_files, write_tree

REPO = Path(__file__).resolve().parents[2]  # the store: a real workspace
TABLE = {"Type": "AWS::DynamoDB::Table", "Properties": {
    "BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}


def templates(tmp_path, count, bad=()):
    found = {}
    for n in range(count):
        body = json.loads(queue_template({"Url": {"Ref": "Queue"}, "N": str(n)}))
        if n in bad:
            body["Outputs"]["Broken"] = {"Description": "no Value"}
            body["Resources"]["Table"] = TABLE
        path = tmp_path / f"t{n}.json"
        path.write_text(json.dumps(body, indent=1))
        found[f"t{n}.json"] = path
    return found


def test_errors_cloudformation_would_raise_are_found_with_lines(tmp_path):
    found = precheck.check(templates(tmp_path, 1, bad={0}), "us-east-1", tmp_path / "cache")
    assert {(f.rule, f.display) for f in found} == {("E6002", "t0.json"), ("E3039", "t0.json")}
    assert all(f.line > 1 for f in found)


def test_a_template_that_passed_is_not_linted_again_until_it_changes(tmp_path):
    cache = tmp_path / "cache"
    items = templates(tmp_path, 3, bad={2})
    assert len(precheck.check(items, "us-east-1", cache)) == 2
    assert set(precheck.unchecked(items, "us-east-1", cache)) == {"t2.json"}  # failures stay
    assert precheck.unchecked(items, "eu-west-1", cache).keys() == items.keys()  # per region
    items["t0.json"].write_text(items["t0.json"].read_text().replace('"0"', '"changed"'))
    assert set(precheck.unchecked(items, "us-east-1", cache)) == {"t0.json", "t2.json"}


@pytest.mark.parametrize("upgraded", precheck.LINTERS)
def test_passes_are_forgotten_when_cfn_lint_or_the_sam_translator_changes(tmp_path,
                                                                          monkeypatch, upgraded):
    """cfn-lint's findings depend on its version and, for SAM templates, on the translator's
    that expands them: a pass recorded with other versions does not count."""
    cache = tmp_path / "cache"
    items = templates(tmp_path, 2)
    assert precheck.check(items, "us-east-1", cache) == []
    assert precheck.unchecked(items, "us-east-1", cache) == {}
    real = precheck.version
    monkeypatch.setattr(precheck, "version",
                        lambda name: real(name) + ".1" if name == upgraded else real(name))
    assert precheck.unchecked(items, "us-east-1", cache).keys() == items.keys()


def test_parallel_workers_find_what_one_finds(tmp_path):
    items = templates(tmp_path, 6, bad={1, 4})
    one = precheck.check(items, "us-east-1", tmp_path / "one", workers=1)
    two = precheck.check(items, "us-east-1", tmp_path / "two", workers=2)
    assert one == two and {f.display for f in two} == {"t1.json", "t4.json"}


def workspace(tmp_path, template):
    files = workspace_files(db=(template, {}))
    root = write_tree(tmp_path / "ws", files)
    ws = load_workspace(root)
    return ws, load_environment(ws, "local")


def test_the_gate_names_file_and_line_and_remembers_passes(tmp_path):
    body = json.loads(queue_template({"Url": {"Ref": "Queue"}}))
    body["Outputs"]["Broken"] = {"Description": "x"}
    ws, env = workspace(tmp_path, json.dumps(body, indent=1))
    with pytest.raises(ConfigError, match=r"stacks/db/template.yaml:\d+: E6002"):
        before_deploy(ws, env, ["db"])
    ws, env = workspace(tmp_path / "good", queue_template({"Url": {"Ref": "Queue"}}))
    before_deploy(ws, env, ["db"])
    assert list((ws.state_dir / "precheck").iterdir())


def test_no_template_check_skips_cfn_lint_but_not_the_quotas(tmp_path):
    body = json.loads(queue_template({"Url": {"Ref": "Queue"}}))
    body["Outputs"]["Broken"] = {"Description": "x"}
    ws, env = workspace(tmp_path, json.dumps(body))
    before_deploy(ws, env, ["db"], templates=False)
    body["Resources"]["Other"] = {"Type": "AWS::SQS::Queue", "DependsOn": "Other"}
    ws, env = workspace(tmp_path / "two", json.dumps(body))
    with pytest.raises(ConfigError, match="circular dependency between resources: Other"):
        before_deploy(ws, env, ["db"], templates=False)


@pytest.mark.parametrize("value, error", [
    ("nodot", "write STACK.LOGICAL_ID"), ("nope.Queue", "no stack 'nope'"),
    ("db.Nope", "declares no resource 'Nope'"), ("db.", "write STACK.LOGICAL_ID")])
def test_allow_replace_must_name_a_stack_and_a_resource(tmp_path, value, error):
    ws, env = workspace(tmp_path, queue_template({"Url": {"Ref": "Queue"}}))
    with pytest.raises(UsageError, match=error):
        before_deploy(ws, env, ["db"], allow_replace=[value], templates=False)
    before_deploy(ws, env, ["db"], allow_replace=["db.Queue"], templates=False)


@pytest.mark.parametrize("args", [["--help"], ["graph", "--env", "local"]])
def test_starting_ws_does_not_import_cfn_lint(args):
    code = ("import sys; from ws.cli import cli\n"
            "try:\n    cli(%r)\nexcept SystemExit:\n    pass\n"
            "print('CFNLINT' if any(m.startswith('cfnlint') for m in sys.modules) else 'NONE')"
            % (args,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO)
    assert out.stdout.strip().splitlines()[-1] == "NONE", out.stdout + out.stderr


def test_validate_reports_the_quotas_deploy_would_refuse(tmp_path):
    from ws.lint.validate import validate
    template = json.loads(queue_template({"Url": {"Ref": "Queue"}}))
    template["Resources"]["Loop"] = {"Type": "AWS::SQS::Queue", "DependsOn": "Loop"}
    ws, env = workspace(tmp_path, json.dumps(template, indent=1))
    errors = [f for f in validate(ws, env).errors if f.rule == "WS100"]
    assert [f.display for f in errors] == ["stacks/db/template.yaml"]
    assert "circular dependency" in errors[0].message


def test_old_passes_are_forgotten_but_not_the_current_templates(tmp_path):
    import os
    import time

    cache = tmp_path / "cache"
    found = templates(tmp_path, 2)
    precheck.check(found, "us-east-1", cache)
    kept = {e.name for e in cache.iterdir()}
    stale = cache / ("0" * 64)
    stale.touch()
    long_ago = time.time() - (precheck.KEEP_DAYS + 1) * 86400
    for entry in cache.iterdir():  # every record is old now, the current ones included
        os.utime(entry, (long_ago, long_ago))
    assert precheck.forget(cache, kept) == 1 and not stale.exists()
    assert {e.name for e in cache.iterdir()} == kept
    assert precheck.unchecked(found, "us-east-1", cache) == {}


def _bad(resources, outputs=None, **sections):
    return json.dumps({**sections, "Resources": resources,
                       "Outputs": outputs or {"Out": {"Value": "x"}}}, indent=1)


PARAM = {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "v"}}
FAULTY = {  # each something CloudFormation refuses
    "required.json": _bad({"T": {"Type": "AWS::DynamoDB::Table",
                                 "Properties": {"BillingMode": "PAY_PER_REQUEST"}}}),
    "property.json": _bad({"Q": {"Type": "AWS::SQS::Queue",
                                 "Properties": {"Nope": 1, "DelaySeconds": "abc"}}}),
    "type.json": _bad({"Q": {"Type": "AWS::SQS::Queues"}}),
    "sub.json": _bad({"P": {**PARAM, "Properties": {"Type": "String",
                                                    "Value": {"Fn::Sub": "${Missing}"}}}}),
    "ref.json": _bad({"P": {**PARAM, "Properties": {"Type": "String",
                                                    "Value": {"Ref": "Nothing"}}}}),
    "getatt.json": _bad({"Q": {"Type": "AWS::SQS::Queue"}, "P": {**PARAM, "Properties": {
        "Type": "String", "Value": {"Fn::GetAtt": ["Q", "Nope"]}}}}),
    "output.json": _bad({"Q": {"Type": "AWS::SQS::Queue"}}, {"O": {"Description": "x"}}),
    "condition.json": _bad({"Q": {"Type": "AWS::SQS::Queue", "Condition": "Nope"}},
                           Conditions={"C": {"Fn::Equals": ["a"]}}),
    "if.json": _bad({"Q": {"Type": "AWS::SQS::Queue",
                           "Properties": {"DelaySeconds": {"Fn::If": ["Missing", 1, 2]}}}}),
    "enum.json": _bad({"F": {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python2.0", "Handler": "x", "Code": {"ZipFile": "x"}}}}),
    "section.json": _bad({"Q": {"Type": "AWS::SQS::Queue"}}, Foo={}),
    "syntax.yaml": "Resources:\n  Queue: [\n",
}


# Valid for CloudFormation though cfn-lint's E1029 warns of it: a literal ${X} outside Fn::Sub.
LITERAL = _bad({"P": {**PARAM, "Properties": {"Type": "String", "Value": "a ${literal} value"}}})


def test_the_rules_left_out_change_no_finding(tmp_path, monkeypatch):
    """The check keeps only the rules that can report what it looks for (and those that run
    them): on the store's templates and on templates CloudFormation refuses, it finds exactly
    what cfn-lint with every rule loaded finds, and each refused template is found. The next
    load makes only the rules the first one kept (their ids recorded in the cache), and finds
    the same."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.rules import CloudFormationLintRule
    from cfnlint.runner.cli import Runner

    items = [(f"stacks/{p.parent.name}", p) for p in sorted(REPO.glob("stacks/*/template.yaml"))]
    for name, body in {**FAULTY, "literal.json": LITERAL}.items():
        (tmp_path / name).write_text(body)
        items.append((name, tmp_path / name))
    full = Runner(ConfigMixIn(regions=["us-east-1"]))
    expected = precheck.lint_chunk(full, items)
    assert {f.display for f in expected} == set(FAULTY), expected  # none of the store's, no literal

    made: list[str] = []  # the id of every rule made
    make = CloudFormationLintRule.__init__
    monkeypatch.setattr(CloudFormationLintRule, "__init__",
                        lambda self: made.append(self.id) or make(self))
    cache = tmp_path / "cache"
    first = precheck.load_runner("us-east-1", cache)
    assert "W3037" in made and "W3037" not in first.rules.data  # made, then left out
    assert [p.name for p in cache.iterdir()] == [_record_name(cache)]
    assert len(first.rules.data) < 0.7 * len(full.rules.data)
    assert precheck.lint_chunk(first, items) == expected
    everything, made[:] = set(made), []
    second = precheck.load_runner("us-east-1", cache)
    assert set(second.rules.data) == set(first.rules.data)
    assert "W3037" not in made and len(set(made)) < 0.7 * len(everything)
    assert precheck.lint_chunk(second, items) == expected


def _record_name(cache: Path) -> str:
    return next(p.name for p in cache.iterdir() if p.name.startswith("rules-"))


@pytest.mark.parametrize("record", ["[]", "not json", '["E3012"]', '["W3037"]'])
def test_a_record_of_rules_that_is_not_what_this_version_keeps_is_made_again(tmp_path, record):
    """A truncated, damaged or foreign record never narrows the check: every rule is made
    (the record written again), and the rules kept are those of a load without any record."""
    cache = tmp_path / "cache"
    expected = set(precheck.load_runner("us-east-1", cache).rules.data)
    path = cache / _record_name(cache)
    path.write_text(record)
    assert set(precheck.load_runner("us-east-1", cache).rules.data) == expected
    assert set(json.loads(path.read_text())) == expected


def test_a_reference_to_nothing_is_refused_before_anything_deploys(tmp_path):
    """CloudFormation refuses it at CreateStack, but by then the stacks before it in the run
    would have deployed: the check refuses it first, naming file and line."""
    body = json.loads(queue_template({"Url": {"Ref": "Queue"}}))
    body["Resources"]["Name"] = {"Type": "AWS::SSM::Parameter", "Properties": {
        "Type": "String", "Value": {"Ref": "Nothing"}}}
    ws, env = workspace(tmp_path, json.dumps(body, indent=1))
    with pytest.raises(ConfigError, match=r"stacks/db/template.yaml:\d+: E1020 'Nothing'"):
        before_deploy(ws, env, ["db"])


FIXTURES = Path(__file__).parent / "fixtures"


def test_a_cycle_only_before_the_sam_transform_is_not_refused(tmp_path):
    ws, env = workspace(tmp_path, (FIXTURES / "sam_api_cycle.yaml").read_text())
    before_deploy(ws, env, ["db"], templates=False)


def test_a_cycle_after_the_sam_transform_is_refused(tmp_path):
    text = (FIXTURES / "sam_api_cycle.yaml").read_text().replace(
        "      Runtime: python3.11\n",
        "      Runtime: python3.11\n      Environment:\n        Variables:\n"
        "          API: !Sub \"https://${OrdersApi}.execute-api.${AWS::Region}.amazonaws.com\"\n")
    ws, env = workspace(tmp_path, text)
    with pytest.raises(ConfigError, match="circular dependency between resources"):
        before_deploy(ws, env, ["db"], templates=False)


SAR_APP = """Transform: AWS::Serverless-2016-10-31
Resources:
  Thumbnails:
    Type: AWS::Serverless::Application
    Properties:
      Location:
        ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/thumbs
        SemanticVersion: 1.0.0
"""


def test_repository_apps_are_refused_locally_per_stack_without_calling_aws(tmp_path, monkeypatch):
    import boto3
    monkeypatch.setattr(boto3, "client", lambda *a, **k: pytest.fail("called AWS"))
    files = workspace_files(a=(SAR_APP, {}), b=(SAR_APP, {}))
    ws = load_workspace(write_tree(tmp_path, files))
    env = load_environment(ws, "local")
    with pytest.raises(ConfigError) as info:
        before_deploy(ws, env, ["a", "b"], templates=False)
    lines = str(info.value).splitlines()
    assert [line.split(":")[0] for line in lines[:2]] == \
        ["stacks/a/template.yaml", "  stacks/b/template.yaml"]
    assert "Serverless Application Repository apps: Thumbnails" in lines[0]


def test_repository_apps_are_looked_up_with_the_client_given():
    from ws.package.sam import translate_sam
    calls = []

    class Repository:
        def get_application(self, **kwargs):
            calls.append(kwargs)
            return {"ApplicationId": kwargs["ApplicationId"], "Version": {
                "RequiredCapabilities": []}}

        def create_cloud_formation_template(self, **kwargs):
            calls.append(kwargs)
            return {"Status": "ACTIVE", "TemplateUrl": "https://s3/thumbs.yaml",
                    "TemplateId": "t1"}

    import yaml
    body = yaml.safe_load(SAR_APP)
    with pytest.raises(ConfigError, match="cannot deploy Serverless Application Repository"):
        translate_sam(body, "us-east-1", "t.yaml")
    out = translate_sam(body, "us-east-1", "t.yaml", sar_client=Repository)
    assert out["Resources"]["Thumbnails"]["Properties"]["TemplateURL"] == "https://s3/thumbs.yaml"
    assert calls and calls[0]["SemanticVersion"] == "1.0.0"


def test_every_refused_stack_is_named_once_in_one_run(tmp_path):
    loop = json.loads(queue_template({"Url": {"Ref": "Queue"}}))
    loop["Resources"]["A"] = {"Type": "AWS::SQS::Queue", "DependsOn": "B"}
    loop["Resources"]["B"] = {"Type": "AWS::SQS::Queue", "DependsOn": "A"}
    lint = json.loads(queue_template({"Url": {"Ref": "Queue"}}))
    lint["Outputs"]["Broken"] = {"Description": "x"}
    lint["Outputs"]["Broken2"] = {"Description": "y"}
    files = workspace_files(a=(json.dumps(loop, indent=1), {}),
                            b=(json.dumps(lint, indent=1), {}),
                            c=(queue_template({"Url": {"Ref": "Queue"}}), {}))
    ws = load_workspace(write_tree(tmp_path, files))
    env = load_environment(ws, "local")
    with pytest.raises(ConfigError) as info:
        before_deploy(ws, env, ["a", "b", "c"])
    lines = info.value.message.splitlines()
    assert [line.strip().split(":")[0] for line in lines] == \
        ["stacks/a/template.yaml", "stacks/b/template.yaml"]
    assert "ircular" in lines[0] and lines[1].endswith("(and 1 more)")


def test_an_api_definition_pulled_in_by_aws_include_is_not_refused_by_the_cycle_check():
    """CloudFormation reads the include before SAM runs; the check has no file to read, and
    SAM refused the unread include ('DefinitionBody does not contain a valid Swagger')."""
    from ws.package.sam import as_sent
    body = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {"Api": {
        "Type": "AWS::Serverless::Api", "Properties": {
            "StageName": "Prod", "Cors": {"AllowOrigin": "'*'"}, "DefinitionBody": {
                "Fn::Transform": {"Name": "AWS::Include",
                                  "Parameters": {"Location": "./api.yaml"}}}}}}}
    sent = as_sent(body, "us-east-1", "t.yaml")
    assert any(r["Type"] == "AWS::ApiGateway::RestApi" for r in sent["Resources"].values())


def test_a_key_written_twice_is_checked_as_read_not_refused(tmp_path):
    # CloudFormation takes it, the last one winning; what is wrong in the rest still is
    twice = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n" \
            "      DelaySeconds: 5\n      DelaySeconds: 10\n"
    (tmp_path / "ok.yaml").write_text(twice)
    (tmp_path / "bad.yaml").write_text(twice + "  Table:\n    Type: AWS::DynamoDB::Table\n"
                                       "    Properties:\n      BillingMode: PAY_PER_REQUEST\n")
    found = precheck.check({"ok.yaml": tmp_path / "ok.yaml", "bad.yaml": tmp_path / "bad.yaml"},
                           "us-east-1", tmp_path / "cache")
    assert {f.display for f in found} == {"bad.yaml"} and all(f.rule != "E0000" for f in found)


def test_a_new_workspace_finds_the_rules_kept_in_the_users_cache(tmp_path, monkeypatch):
    """Which rules the check keeps depends on cfn-lint's version only: recorded once in the
    user's cache, a new workspace (or checkout) loads only those."""
    from cfnlint.rules import CloudFormationLintRule

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    precheck.check(templates(tmp_path / "a", 1), "us-east-1", tmp_path / "a" / ".ws" / "precheck")
    made: list[str] = []
    make = CloudFormationLintRule.__init__
    monkeypatch.setattr(CloudFormationLintRule, "__init__",
                        lambda self: made.append(self.id) or make(self))
    found = precheck.check(templates(tmp_path / "b", 2, bad={1}), "us-east-1",
                           tmp_path / "b" / ".ws" / "precheck")
    assert {f.display for f in found} == {"t1.json"}
    assert made and "W3037" not in made  # only the rules kept were made
    assert [p.parent for p in (tmp_path / "user-cache").rglob("rules-*")] == [
        tmp_path / "user-cache" / "ws" / "cfn-lint"]


def test_a_rules_cache_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # not a folder
    found = precheck.check(templates(tmp_path, 2, bad={1}), "us-east-1", tmp_path / "cache")
    assert {f.display for f in found} == {"t1.json"}
