"""Malformed workspaces, stack files, environment files and templates: each one must give a
clear error (one or two lines naming the file, a hint at most), exit code 2, no traceback,
and nothing deployed. Used by test_bad_inputs.py and report.py."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ws.testing.workspaces import queue_template, workspace_files, write_tree

DB = queue_template({"QueueUrl": {"Ref": "Queue"}})
APP = queue_template({"Upstream": {"Ref": "DbQueue"}}, parameters=["DbQueue"])
PAY = queue_template({"Url": {"Ref": "Queue"}})


def base() -> dict[str, Any]:
    files = workspace_files(db=(DB, {}), pay=(PAY, {"mock": True}), app=(
        queue_template({"Upstream": {"Ref": "DbQueue"}}, parameters=["DbQueue", "PayUrl"]),
        {"parameters": {"DbQueue": "${db.QueueUrl}", "PayUrl": "${pay.Url}"}}))
    files["environments/local.yaml"] = {"target": "local", "mocks": True}
    files["environments/dev.yaml"] = {"target": "local", "per_developer": True, "mocks": True,
                                      "naming": "{owner}-{stack}"}
    files["environments/prod.yaml"] = {"target": "local", "protected": True,
                                       "naming": "{env}-{stack}", "parameters": {
                                           "app": {"PayUrl": "https://pay.example.com"}}}
    return files


@dataclass(frozen=True)
class Case:
    """One bad input: files changed from base(), the ws arguments, the file the error names."""

    name: str
    files: dict[str, Any]
    names: str  # a substring the error must contain (the file, usually with its line)
    args: tuple[str, ...] = ("deploy", "--env", "local", "--yes")
    prepare: Callable[[Path], None] | None = None
    max_lines: int = 2
    delete: tuple[str, ...] = field(default_factory=tuple)

    def build(self, root: Path) -> Path:
        files = {**base(), **self.files}
        for rel in self.delete:
            files.pop(rel)
        write_tree(root, files)
        if self.prepare:
            self.prepare(root)
        return root


def _symlink(link: str, target: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / link).unlink(missing_ok=True)
        os.symlink(target, root / link)
    return make


def _outside_folder(root: Path) -> None:
    outside = root.parent / f"{root.name}-elsewhere"
    write_tree(outside, {"stack.yaml": {}, "template.yaml": DB})
    os.symlink(outside, root / "stacks" / "evil")


W, S, T, E = "workspace.yaml", "stacks/app/stack.yaml", "stacks/db/template.yaml", \
    "environments/local.yaml"
SD = "stacks/db/stack.yaml"
BIG = "# padding\n" * 120_000  # 1.2 MB of comments
URL = {"QueueUrl": {"Ref": "Queue"}}


def db(**resources: Any) -> str:
    """The db stack's template with extra (or replaced) resources, its output kept."""
    return queue_template(URL, resources={"Queue": {"Type": "AWS::SQS::Queue"}, **resources})


def db_body(**changes: Any) -> str:
    """The db stack's template with top-level sections changed."""
    body = json.loads(db())
    body.update(changes)
    return json.dumps(body, indent=1)


def _folder(rel: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).mkdir(parents=True, exist_ok=True)
    return make


TABLE = {"Type": "AWS::DynamoDB::Table", "Properties": {
    "BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}
DEEP_LIST = "[" * 40_000 + "]" * 40_000  # 80 KB: crashed cfn-lint's C YAML loader
DEEP_YAML = "".join(" " * n + f"k{n}:\n" for n in range(0, 300, 2)) + " " * 300 + "v: 1\n"
ALIAS_BOMB = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
    f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 9)]) + \
    "\nResources: {Queue: {Type: AWS::SQS::Queue, Metadata: *a8}}\n"
QUEUE_WITH_M = "Resources: {Queue: {Type: AWS::SQS::Queue, Metadata: *m}}\n"
ALIAS_LOOP = "m: &m {a: *m}\n" + QUEUE_WITH_M
SELF_SUB_IMPORT = {"Consumer": {"Type": "AWS::SQS::Queue", "Properties": {
    "QueueName": {"Fn::ImportValue": {"Fn::Sub": ["${AWS::StackName}-x"]}}}}}

NO_ECHO_APP = json.dumps({**json.loads(queue_template({"Upstream": {"Ref": "DbQueue"}},
                                                     parameters=["DbQueue", "PayUrl"])),
                          "Parameters": {"DbQueue": {"Type": "String"},
                                         "PayUrl": {"Type": "String"},
                                         "Key": {"Type": "String", "NoEcho": True}}})


def _fn(code: str) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Function", "Properties": {
        "Code": code, "Handler": "app.handler", "Runtime": "python3.11",
        "Role": "arn:aws:iam::123456789012:role/fn"}}


def _include(location: str) -> dict[str, Any]:
    return {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "api", "Body": {
        "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": location}}}}}


def _sparse(rel: str, size: int) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        with open(root / rel, "wb") as handle:
            handle.truncate(size)
    return make


FN = _fn("src/fn")
CODE = {"stacks/db/src/fn/app.py": "def handler(event, context):\n    return 1\n"}
FLOW = {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
    "RoleArn": "arn:aws:iam::123456789012:role/sfn", "DefinitionS3Location": "flow.asl.json"}}

CASES = [
    # workspace.yaml
    Case("workspace: YAML syntax", {W: "name: demo\nstacks: [stacks/*\n"}, W),
    Case("workspace: not a mapping", {W: "- name\n- demo\n"}, W),
    Case("workspace: unknown key", {W: {"name": "demo", "stackz": ["stacks/*"]}}, f"{W}:2"),
    Case("workspace: name wrong type", {W: {"name": 7}}, f"{W}:1"),
    Case("workspace: invalid name", {W: {"name": "Demo Shop!"}}, f"{W}:1"),
    Case("workspace: concurrency 0", {W: {"name": "demo", "defaults": {"concurrency": 0}}}, W),
    Case("workspace: lock_ttl too short", {W: {"name": "demo", "defaults": {"lock_ttl": 1}}}, W),
    Case("workspace: globs match nothing", {W: {"name": "demo", "stacks": ["nowhere/*"]}}, W),
    Case("workspace: binary", {W: b"\x00\x01\x02\xff\xfe"}, W),
    Case("workspace: empty", {W: ""}, W),
    Case("workspace: huge", {W: "name: demo\n" + BIG}, W),
    Case("workspace: duplicate key", {W: "name: demo\nname: other\n"}, f"{W}:2"),
    Case("workspace: shared path outside", {W: {"name": "demo", "shared": ["../../etc"]}}, W),
    # stack.yaml
    Case("stack: unknown key", {S: {"depends_onn": ["db"]}}, f"{S}:1"),
    Case("stack: unknown dependency", {S: {"depends_on": ["nope"]}}, f"{S}:1"),
    Case("stack: self-dependency", {"stacks/db/stack.yaml": {"depends_on": ["db"]}},
         "cycle: db -> db"),
    Case("stack: cycle", {"stacks/db/stack.yaml": {"depends_on": ["app"]}}, "cycle:"),
    Case("stack: missing template", {}, "stacks/db", delete=("stacks/db/template.yaml",)),
    Case("stack: template outside folder", {"stacks/db/stack.yaml": {"template": "../app/t.yaml"}},
         "stacks/db/stack.yaml:1"),
    Case("stack: parameters a list", {S: {"parameters": ["DbQueue"]}}, f"{S}:1"),
    Case("stack: undeclared parameter", {S: {"parameters": {"Nope": "1"}}}, f"{S}:2"),
    Case("stack: unknown stack referenced", {S: {"parameters": {"DbQueue": "${nope.Url}",
                                                               "PayUrl": "x"}}}, f"{S}:2"),
    Case("stack: undeclared output", {S: {"parameters": {"DbQueue": "${db.Nope}",
                                                        "PayUrl": "x"}}}, f"{S}:2"),
    Case("stack: malformed reference", {S: {"parameters": {"DbQueue": "${db}",
                                                          "PayUrl": "x"}}}, f"{S}:2"),
    Case("stack: unknown built-in", {S: {"parameters": {"DbQueue": "${ws.nope}",
                                                       "PayUrl": "x"}}}, f"{S}:2"),
    Case("stack: mock not a bool", {"stacks/pay/stack.yaml": {"mock": "yes"}},
         "stacks/pay/stack.yaml:1"),
    Case("stack: depends_on not a list", {S: {"depends_on": "db"}}, f"{S}:1"),
    Case("stack: required parameter without value", {S: {}}, S),
    Case("stack: binary stack.yaml", {S: b"\x89PNG\r\n\x1a\n\x00"}, S),
    Case("stack: folder without stack.yaml", {"stacks/extra/template.yaml": DB}, "stacks/extra"),
    Case("stack: invalid folder name", {"stacks/Bad_Name/stack.yaml": {},
                                        "stacks/Bad_Name/template.yaml": DB},
         "stacks/Bad_Name/stack.yaml"),
    Case("stack: duplicate name", {W: {"name": "demo", "stacks": ["stacks/*", "more/*"]},
                                   "more/db/stack.yaml": {}, "more/db/template.yaml": DB},
         "more/db/stack.yaml"),
    Case("stack: folder symlinked out of the repo", {}, "stacks/evil", prepare=_outside_folder),
    Case("stack: template symlinked out of the repo", {}, "stacks/db",
         prepare=_symlink("stacks/db/template.yaml", "/etc/hostname")),
    # templates
    Case("template: YAML syntax", {T: "Resources:\n  Queue: [\n"}, T),
    Case("template: not a mapping", {T: "[1, 2, 3]\n"}, T),
    Case("template: no Resources", {T: json.dumps({"Outputs": {}})}, T),
    Case("template: binary", {T: b"\x00\xffBINARY\x00"}, T),
    Case("template: over 1 MB", {T: "Resources:\n  Q: {Type: AWS::SQS::Queue}\n" + BIG}, T),
    Case("template: invalid SAM", {T: "Transform: AWS::Serverless-2016-10-31\nResources:\n"
                                      "  Fn:\n    Type: AWS::Serverless::Function\n"
                                      "    Properties: {Runtime: python3.11}\n"
                                      "Outputs:\n  QueueUrl: {Value: x}\n"}, T),
    Case("template: lint error", {T: json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue",
                                                                   "Properties": {"Nope": 1}}},
                                                 "Outputs": {"QueueUrl": {"Value": "x"}}})},
         T, args=("validate", "--env", "local"), max_lines=3),
    # environments
    Case("env: unknown environment", {}, "environments/staging.yaml",
         args=("deploy", "--env", "staging", "--yes")),
    Case("env: unknown key", {E: {"target": "local", "mockz": True}}, f"{E}:2"),
    Case("env: bad target", {E: {"target": "mars"}}, f"{E}:1"),
    Case("env: bad account id", {E: {"target": "local", "account_id": "12ab"}}, f"{E}:2"),
    Case("env: naming without {stack}", {E: {"target": "local", "naming": "{env}-x"}}, f"{E}:2"),
    Case("env: naming with a format spec", {E: {"target": "local",
                                                "naming": "{workspace:x}-{env}-{stack}"}},
         f"{E}:2"),
    Case("env: naming makes invalid names", {E: {"target": "local",
                                                 "naming": "9{env}_{stack}"}}, f"{E}:2"),
    Case("env: overrides unknown stack", {E: {"target": "local", "parameters": {"x": {}}}},
         f"{E}:3"),
    Case("env: per-developer and protected", {E: {"target": "local", "per_developer": True,
                                                  "protected": True}}, E),
    Case("env: shares unknown stack", {E: {"target": "local", "shared": {"x": "prod"}}}, E),
    Case("env: missing mock values", {E: {"target": "local", "mocks": False}}, E,
         max_lines=3),
    Case("env: binary", {E: b"\x00\x00\x00"}, E),
    Case("env: symlinked out of the repo", {}, E, prepare=_symlink(E, "/etc/hostname")),
    # owners
    Case("owner: no usable characters", {}, "owner '张伟'",
         args=("deploy", "--env", "dev", "--owner", "张伟", "--yes")),
    Case("owner: collides with prod", {}, "environment prod",
         args=("deploy", "--env", "dev", "--owner", "PROD", "--yes")),
    Case("owner: on a shared environment", {}, "not per-developer",
         args=("deploy", "--env", "local", "--owner", "ann", "--yes")),
    # command line
    Case("cli: unknown stack", {}, "unknown stack 'nope'",
         args=("deploy", "--env", "local", "--stacks", "nope", "--yes")),
    Case("cli: mock selected where mocks are off", {}, "stack 'pay'",
         args=("deploy", "--env", "prod", "--stacks", "pay", "--yes")),
    Case("cli: --recreate names a stack the deploy does not touch", {}, "--recreate nope",
         args=("deploy", "--env", "local", "--recreate", "nope", "--yes")),
    Case("cli: --stacks names no stack", {}, "--stacks",
         args=("deploy", "--env", "local", "--stacks", " , ", "--yes"), max_lines=4),
    Case("cli: --allow-replace without a dot", {}, "'nodot'",
         args=("deploy", "--env", "local", "--allow-replace", "nodot", "--yes")),
    Case("cli: --allow-replace unknown stack", {}, "no stack 'nope'",
         args=("deploy", "--env", "local", "--allow-replace", "nope.Queue", "--yes")),
    Case("cli: --allow-replace unknown resource", {}, "no resource 'Nope'",
         args=("deploy", "--env", "local", "--allow-replace", "db.Nope", "--yes")),
    Case("cli: --concurrency 0", {}, "--concurrency",
         args=("deploy", "--env", "local", "--concurrency", "0", "--yes"), max_lines=4),
    Case("cli: --lock-timeout negative", {}, "--lock-timeout",
         args=("deploy", "--env", "local", "--lock-timeout", "-1", "--yes"), max_lines=4),
    # paths and globs
    Case("paths: stack glob outside the repo", {W: {"name": "demo", "stacks": ["/etc/*"]}},
         f"{W}:2"),
    Case("paths: empty stack glob", {W: {"name": "demo", "stacks": [""]}}, f"{W}:2"),
    Case("paths: stack glob climbing out", {W: {"name": "demo", "stacks": ["../*"]}}, f"{W}:2"),
    Case("paths: stack glob naming the workspace itself", {W: {"name": "demo", "stacks": ["./"]}},
         f"{W}:2"),
    Case("paths: --report into a missing folder", {}, "no/such/dir",
         args=("deploy", "--env", "local", "--report", "no/such/dir/run.json", "--yes")),
    Case("paths: --junit into a missing folder", {}, "no/such/dir",
         args=("deploy", "--env", "local", "--junit", "no/such/dir/run.xml", "--yes")),
    Case("paths: --report is a folder", {}, "is a directory", max_lines=4,
         args=("deploy", "--env", "local", "--report", "/tmp", "--yes")),
    Case("paths: --report on a full disk (/dev/full)", {}, "cannot write /dev/full",
         args=("deploy", "--env", "local", "--report", "/dev/full", "--yes")),
    Case("paths: --junit on a full disk (/dev/full)", {}, "cannot write /dev/full",
         args=("deploy", "--env", "local", "--junit", "/dev/full", "--yes")),
    Case("paths: --html on a full disk (/dev/full)", {"run.json": "{}"}, "cannot write /dev/full",
         args=("report", "{root}/run.json", "--html", "/dev/full")),
    Case("paths: environment file is a folder", {}, "environments/qa.yaml: a folder",
         prepare=_folder("environments/qa.yaml"), args=("deploy", "--env", "qa", "--yes")),
    # deep or huge documents
    Case("deep: workspace nested list", {W: "name: demo\nx: " + "[" * 5000 + "]" * 5000}, f"{W}:2"),
    Case("deep: template 40,000-deep list", {T: DEEP_LIST}, T),
    Case("deep: template indented 150 levels", {T: DEEP_YAML}, T),
    Case("deep: environment nested mapping", {E: "target: local\nx: " + "{a: " * 500 + "1"
                                              + "}" * 500}, E),
    Case("deep: stack.yaml nested list", {S: "parameters: " + "[" * 3000 + "]" * 3000}, S),
    Case("deep: template alias bomb", {T: ALIAS_BOMB}, T),
    Case("deep: template alias loop (mapping)", {T: ALIAS_LOOP}, T),
    Case("deep: template alias loop (list)", {T: "m: &m [*m]\n" + QUEUE_WITH_M}, T),
    Case("deep: run report with a field of the wrong kind",
         {"run.json": json.dumps({"action": "deploy", "env": "local", "stacks": [],
                                  "started": "a", "ended": 1})},
         "run.json",
         args=("report", "{root}/run.json", "--html", "{root}/run.html")),
    Case("deep: run report stack reason a number",
         {"run.json": json.dumps({"action": "deploy", "env": "local", "started": 0,
                                  "ended": 1, "stacks": [{"stack": "db", "stack_name": "x",
                                                          "status": "failed", "reason": 5}]})},
         "run.json",
         args=("report", "{root}/run.json", "--html", "{root}/run.html")),
    Case("deep: run report nested 5,000 levels", {"run.json": "[" * 5000 + "]" * 5000},
         "run.json:1: nested", args=("report", "{root}/run.json", "--html", "{root}/run.html")),
    Case("deep: binary run report", {"run.json": b"\x00\x01"}, "run.json",
         args=("report", "{root}/run.json", "--html", "{root}/run.html")),
    Case("paths: invoke payload file in UTF-16", {"event.json": b"\xff\xfe{\x00}\x00"},
         "event.json: not a UTF-8 text file",
         args=("local", "invoke", "--env", "local", "db.Fn", "--payload", "@{root}/event.json")),
    Case("deep: invoke payload nested 100,000 levels", {}, "--payload",
         args=("local", "invoke", "--env", "local", "db.Fn", "--payload", "[" * 100_000)),
    Case("paths: --html into a missing folder", {"run.json": "{}"}, "no/such/dir",
         args=("report", "{root}/run.json", "--html", "no/such/dir/run.html")),
    # CloudFormation's rules and quotas (the local endpoint does not enforce them)
    Case("cfn: output without Value", {T: db_body(Outputs={**json.loads(db())["Outputs"],
                                                           "Broken": {"Description": "x"}})},
         T),
    Case("cfn: DynamoDB table without AttributeDefinitions", {T: db(Table=TABLE)}, T),
    Case("cfn: unknown resource type", {T: db(X={"Type": "AWS::Nope::Thing"})}, T),
    Case("cfn: circular DependsOn", {T: db(A={"Type": "AWS::SQS::Queue", "DependsOn": "B"},
                                           B={"Type": "AWS::SQS::Queue", "DependsOn": ["A"]})},
         "circular dependency"),
    Case("cfn: circular references", {T: db(A={"Type": "AWS::SQS::Queue", "Properties": {
        "QueueName": {"Fn::GetAtt": ["B", "QueueName"]}}}, B={"Type": "AWS::SQS::Queue",
        "Properties": {"QueueName": {"Fn::Sub": "${A.QueueName}-b"}}})}, "circular dependency"),
    Case("cfn: unknown YAML tag", {T: "Resources:\n  Queue: !Include queue.yaml\n"}, f"{T}:2"),
    Case("cfn: 60 tags on a stack", {S: {"parameters": {"DbQueue": "${db.QueueUrl}",
                                                        "PayUrl": "${pay.Url}"},
                                         "tags": {f"t{n}": "v" for n in range(60)}}}, S),
    Case("cfn: tag key starting with aws:", {S: {"parameters": {"DbQueue": "${db.QueueUrl}",
                                                                "PayUrl": "${pay.Url}"},
                                                 "tags": {"aws:cost": "x"}}}, S),
    Case("cfn: environment tag key starting with aws:", {E: {"target": "local", "mocks": True,
                                                             "tags": {"AWS:team": "x"}}}, E),
    Case("cfn: tag value over 256 characters", {S: {"parameters": {
        "DbQueue": "${db.QueueUrl}", "PayUrl": "${pay.Url}"}, "tags": {"t": "v" * 300}}}, S),
    Case("cfn: 501 resources", {T: db(**{f"Q{n}": {"Type": "AWS::SQS::Queue"}
                                         for n in range(500)})}, T),
    Case("cfn: 201 outputs", {T: queue_template({**URL, **{f"O{n}": "x" for n in range(200)}})},
         T),
    Case("cfn: 201 parameters", {T: db_body(Parameters={f"P{n}": {"Type": "String",
                                                                  "Default": "x"}
                                                        for n in range(201)})}, T),
    Case("cfn: logical id over 255 characters", {T: db(**{"Q" * 256: {"Type": "AWS::SQS::Queue"}})},
         T),
    Case("cfn: description over 1,024 bytes", {T: db_body(Description="d" * 1100)}, T),
    Case("cfn: empty Parameters section under the SAM transform", {
        T: "Transform: AWS::Serverless-2016-10-31\nParameters:\nResources:\n  Queue:\n"
           "    Type: AWS::SQS::Queue\nOutputs:\n  QueueUrl: {Value: !Ref Queue}\n"}, f"{T}:2"),
    Case("cfn: empty Parameters section, validated", {
        T: "Transform: AWS::Serverless-2016-10-31\nParameters:\nResources:\n  Queue:\n"
           "    Type: AWS::SQS::Queue\nOutputs:\n  QueueUrl: {Value: !Ref Queue}\n"}, f"{T}:2",
        args=("validate", "--env", "local"), max_lines=4),
    Case("cfn: description over 1,024 bytes of emoji", {T: db_body(Description="🛒" * 300)}, T),
    Case("cfn: NUL in a parameter value", {S: {"parameters": {
        "DbQueue": "${db.QueueUrl}", "PayUrl": "https://pay\x00.example.com"}}}, f"{S}:1"),
    Case("cfn: control character in a parameter value", {S: {"parameters": {
        "DbQueue": "${db.QueueUrl}", "PayUrl": "\x1b[31mred"}}}, f"{S}:1"),
    Case("cfn: NUL in a template description", {T: db_body(Description="shop\x00")}, f"{T}:"),
    Case("cfn: control character in a resource property", {T: db(Named={
        "Type": "AWS::SQS::Queue", "Properties": {"QueueName": "bell\x07"}})}, f"{T}:"),
    Case("cfn: half an emoji in a template", {T: db_body(Description="cart \ud83d")}, f"{T}:"),
    Case("cfn: control character in a tag", {S: {"parameters": {
        "DbQueue": "${db.QueueUrl}", "PayUrl": "${pay.Url}"}, "tags": {"team": "a\x07"}}}, S),
    Case("cfn: parameter value over 4,096 bytes", {S: {"parameters": {
        "DbQueue": "${db.QueueUrl}", "PayUrl": "x" * 5000}}}, S),
    Case("cfn: an export name used by two stacks", {
        T: queue_template({"QueueUrl": {"Value": "x", "Export": {"Name": "shared-name"}}}),
        "stacks/pay/template.yaml": queue_template({"Url": {"Value": "x",
                                                            "Export": {"Name": "shared-name"}}})},
        "export name 'shared-name'"),
    Case("cfn: ImportValue of a one-element Sub list", {T: db(**SELF_SUB_IMPORT)}, T),
    Case("cfn: region that is not one", {E: {"target": "local", "mocks": True,
                                             "region": "not a region!"}}, f"{E}:3"),
    Case("cfn: workspace region that is not one", {W: {"name": "demo", "defaults": {
        "region": "not a region!"}}}, f"{W}:3"),
    # secrets: only to NoEcho parameters, never written in the repository
    Case("secrets: secret to a plain parameter", {S: {"parameters": {
        "DbQueue": "${db.QueueUrl}", "PayUrl": "${ssm:/store/pay-url}"}}}, f"{S}:3"),
    Case("secrets: environment gives a secret to a plain parameter", {E: {
        "target": "local", "mocks": True, "parameters": {"app": {"PayUrl": "${ssm:/x}"}}}},
        f"{E}:5"),
    Case("secrets: NoEcho parameter given its value", {
        "stacks/app/template.yaml": NO_ECHO_APP, S: {"parameters": {
            "DbQueue": "${db.QueueUrl}", "PayUrl": "${pay.Url}", "Key": "hunter2"}}}, f"{S}:4"),
    Case("secrets: secret reference inside a secret reference", {
        "stacks/app/template.yaml": NO_ECHO_APP, S: {"parameters": {
            "DbQueue": "${db.QueueUrl}", "PayUrl": "${pay.Url}",
            "Key": "${ssm:${secretsmanager:x}}"}}}, f"{S}:4"),
    Case("secrets: empty secret name", {S: {"parameters": {
        "DbQueue": "${db.QueueUrl}", "PayUrl": "${ssm:}"}}}, f"{S}:3"),
    # stack.yaml assets (published folders)
    *[Case(f"assets: {name}", {SD: {"assets": assets}, "stacks/db/site/index.html": "<p>hi</p>\n"},
           f"{SD}:") for name, assets in [
        ("not a list", {"source": "site", "bucket": "${self.QueueUrl}"}),
        ("missing bucket", [{"source": "site"}]),
        ("unknown key", [{"source": "site", "bucket": "b", "buckett": "b"}]),
        ("source not a folder", [{"source": "nope", "bucket": "b"}]),
        ("source outside the stack", [{"source": "../app", "bucket": "b"}]),
        ("unknown own output", [{"source": "site", "bucket": "${self.Nope}"}]),
        ("unknown stack in config", [{"source": "site", "bucket": "b",
                                      "config": {"url": "${nope.Url}"}}]),
        ("secret in config", [{"source": "site", "bucket": "b",
                               "config": {"key": "${ssm:/store/key}"}}]),
        ("config file outside", [{"source": "site", "bucket": "b",
                                  "config_file": "../config.json", "config": {"a": "1"}}]),
        ("config value a list", [{"source": "site", "bucket": "b", "config": {"a": [1]}}]),
        ("malformed reference", [{"source": "site", "bucket": "${self}"}]),
    ]],
    # targets: what ws run runs (stack.yaml, and workspace.yaml's defaults)
    *[Case(f"targets: {name}", {SD: {"targets": targets}}, f"{SD}:") for name, targets in [
        ("not a mapping", ["lint"]),
        ("unknown key", {"lint": {"command": "x", "comand": "y"}}),
        ("no command", {"lint": {"inputs": ["*"]}}),
        ("command a number", {"lint": {"command": 7}}),
        ("command an empty list", {"lint": {"command": []}}),
        ("true instead of a command", {"lint": True}),
        ("invalid name", {"lint it": {"command": "x"}}),
        ("inputs not a list", {"lint": {"command": "x", "inputs": "*.yaml"}}),
        ("variable name invalid", {"lint": {"command": "x", "env": ["A-B"]}}),
        ("unknown same-stack dependency", {"test": {"command": "x", "dependsOn": ["lint"]}}),
        ("dependsOn not a target name", {"test": {"command": "x", "dependsOn": ["^"]}}),
        ("input outside the workspace", {"lint": {"command": "x", "inputs": ["../../../etc/*"]}}),
        ("output an absolute path", {"lint": {"command": "x", "outputs": ["/tmp/out"]}}),
    ]],
    Case("targets: workspace default not a mapping",
         {W: {"name": "demo", "defaults": {"targets": {"lint": "cfn-lint"}}}}, f"{W}:"),
    # local files a template names (code, definitions, includes, nested templates)
    Case("code: a link out of the folder", {T: db(Fn=FN), **CODE}, "passwd.txt",
         prepare=_symlink("stacks/db/src/fn/passwd.txt", "/etc/passwd")),
    Case("code: a broken link", {T: db(Fn=FN), **CODE}, "gone.py",
         prepare=_symlink("stacks/db/src/fn/gone.py", "nowhere.py")),
    Case("code: 1 GB file (sparse)", {T: db(Fn=FN), **CODE}, "Fn: 1,024.0 MB unzipped",
         prepare=_sparse("stacks/db/src/fn/model.bin", 1024 ** 3)),
    Case("code: a .zip that is not there", {T: db(Fn=_fn("dist/fn.zip"))}, f"{T}:"),
    Case("artifact: DefinitionUri missing", {T: db(Flow=FLOW)}, f"{T}:"),
    Case("artifact: AWS::Include outside the workspace", {T: db(Api=_include("../../../x"))},
         f"{T}:"),
    Case("artifact: nested template missing", {T: db(Nested={
        "Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "nested.yaml"}})},
         f"{T}:"),
    Case("artifact: nested template CloudFormation refuses", {T: db(Nested={
        "Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "nested.yaml"}}),
        "stacks/db/nested.yaml": "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
                                 "    Properties:\n      Nope: 1\n"}, "stacks/db/nested.yaml:5"),
]


def check(case: Case, root: Path, cfn: Any) -> list[str]:
    """What is wrong with how ws handled `case` (empty: a clear error, nothing deployed)."""
    from click.testing import CliRunner
    from ws.cli import commands as cli
    built = case.build(root)
    args = [arg.replace("{root}", str(built)) for arg in case.args]
    result = CliRunner().invoke(cli.cli, ["-w", str(built), *args])
    output = result.output
    lines = [line for line in output.splitlines() if line.strip()]
    problems = []
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problems.append(f"traceback: {result.exception!r}")
    if result.exit_code != 2:
        problems.append(f"exit code {result.exit_code}")
    if "Traceback" in output:
        problems.append("a traceback in the output")
    if case.names not in output:
        problems.append(f"does not name {case.names!r}")
    if not 1 <= len(lines) <= case.max_lines:
        problems.append(f"{len(lines)} lines")
    if cfn.describe_stacks()["Stacks"]:
        problems.append("something was deployed")
    return problems
