"""CDK apps as stacks, with a stand-in CDK CLI (fakecdk.js): synth only when the app changed,
its stacks and wiring, the bootstrap check stripped, assets published, failures as bad input."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from ws.cdk.assets import publish
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.cdkcontext import with_context
from ws.engine.fingerprint import static_parts
from ws.engine.inputs import consumed
from ws.errors import ConfigError, DeployError
from ws.graph.stackgraph import build_graph
from ws.package.code import zip_folder
from ws.testing.workspaces import queue_template, workspace_files, write_tree

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
FAKE_CLI = Path(__file__).parent / "fakecdk.js"
ASSETS_BUCKET = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"
LOCK = '{"lockfileVersion": 3}'


def stack_template(**extra) -> dict:
    return {"Parameters": {"Greeting": {"Type": "String", "Default": "hi"},
                           "BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>",
                                                "Default": "/cdk-bootstrap/hnb659fds/version"}},
            "Rules": {"CheckBootstrapVersion": {"Assertions": []}},
            "Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
                "Code": {"S3Bucket": {"Fn::Sub": ASSETS_BUCKET}, "S3Key": "abc.zip"},
                "Handler": "index.handler", "Runtime": "nodejs20.x", "Role": "arn:role",
                "Environment": {"Variables": {"LABEL": "CONTEXT_LABEL"}}}}},
            "Outputs": {"TableName": {"Value": "t"}}, **extra}


def file_asset(path: str, key: str) -> dict:
    return {"version": "38.0.1", "dockerImages": {}, "files": {key: {
        "source": {"path": path, "packaging": "zip"},
        "destinations": {"d": {"bucketName": ASSETS_BUCKET, "objectKey": f"{key}.zip"}}}}}


def make_app(root: Path, stacks: dict, config: dict | None = None) -> Path:
    app = root / "stacks" / "notes"
    write_tree(root, {"stacks/notes/cdk.json": '{"app": "node app.js"}',
                      "stacks/notes/package.json": "{}", "stacks/notes/package-lock.json": LOCK,
                      "stacks/notes/stack.yaml": config or {},
                      "stacks/notes/assembly.json": json.dumps(stacks),
                      "stacks/notes/node_modules/.ws-npm-ci":
                          hashlib.sha256(LOCK.encode()).hexdigest()})
    cli = app / "node_modules/aws-cdk/bin/cdk"
    cli.parent.mkdir(parents=True)
    shutil.copy(FAKE_CLI, cli)
    return app


@pytest.fixture
def root(tmp_path):
    write_tree(tmp_path, workspace_files(reader=(queue_template(parameters=["Table"]),
                                                 {"parameters": {"Table": "${notes.TableName}"}})))
    app = make_app(tmp_path, {"stacks": {"NotesStack": {"template": stack_template(),
                                                         "assets": file_asset("asset.abc", "abc")}},
                              "files": {"asset.abc/index.js": "exports.handler = 1;"}},
                   {"parameters": {"Greeting": "${reader.Queue}", "label": "L1"}})
    write_tree(tmp_path, {"stacks/reader/template.yaml": queue_template(
        {"Queue": {"Ref": "Queue"}}, parameters=["Table"])})
    return tmp_path


def synths(root: Path) -> int:
    return len((root / "synth-count.txt").read_text())


def test_the_app_is_a_stack_synthesized_only_when_it_changed(root):
    ws = load_workspace(root, "local")
    notes = ws.stacks["notes"]
    assert "BootstrapVersion" not in notes.template.parameters
    assert "Rules" not in notes.template.body
    assert notes.parameters == {"Greeting": "${reader.Queue}"}  # label is context only
    env = json.loads(next((root / ".ws/cdk/notes").glob("*/assembly/env.json")).read_text())
    assert env == {"account": "123456789012", "region": "us-east-1", "key": None}
    label = notes.template.body["Resources"]["Fn"]["Properties"]["Environment"]["Variables"]
    assert label == {"LABEL": "L1"}
    # Greeting, a reference, was context too until the app showed it is a CfnParameter
    assert synths(root) == 2

    load_workspace(root, "local")
    (root / "stacks/notes/node_modules/extra.js").write_text("1")  # not the app's source
    load_workspace(root, "local")
    assert synths(root) == 2
    (root / "stacks/notes/app.js").write_text("// edited")
    load_workspace(root, "local")
    assert synths(root) == 3
    load_workspace(root)  # no environment: the assembly at hand will do
    assert synths(root) == 3


def test_assets_go_to_the_artifact_bucket_by_content_hash(root):
    notes = load_workspace(root, "local").stacks["notes"]
    uploads: dict[str, bytes] = {}
    body = publish(notes.template.body, notes.cdk.assets, "ws-bucket", uploads.__setitem__,
                   zip_folder)
    (key, data), = uploads.items()
    assert key == f"cdk/{hashlib.sha256(data).hexdigest()}.zip"
    assert body["Resources"]["Fn"]["Properties"]["Code"] == {"S3Bucket": "ws-bucket", "S3Key": key}


def test_a_new_asset_changes_the_code_part_not_the_template(root):
    before = _parts(root)
    spec = json.loads((root / "stacks/notes/assembly.json").read_text())
    notes = spec["stacks"]["NotesStack"]
    notes["template"]["Resources"]["Fn"]["Properties"]["Code"]["S3Key"] = "def.zip"
    notes["assets"] = file_asset("asset.abc", "def")
    write_tree(root, {"stacks/notes/assembly.json": json.dumps(spec)})
    after = _parts(root)
    assert {k for k in before if before[k] != after[k]} == {"code"}


def _parts(root: Path) -> dict[str, str]:
    ws = load_workspace(root, "local")
    assert ws.stacks["notes"].template.body["Resources"]["Fn"]["Properties"]["Code"] == {
        "S3Bucket": {"Fn::Sub": ASSETS_BUCKET}, "S3Key": "cdk-asset-1.zip"}
    return static_parts(ws, load_environment(ws, "local"), "notes")


def test_cdk_v1_legacy_asset_parameters_are_defaulted_and_published(root):
    shutil.rmtree(root / "stacks/notes")
    names = {"s3BucketParameter": "AssetBucket", "s3KeyParameter": "AssetKey",
             "artifactHashParameter": "AssetHash"}
    key = {"Fn::Select": [1, {"Fn::Split": ["||", {"Ref": "AssetKey"}]}]}
    template = {"Parameters": {n: {"Type": "String"} for n in names.values()},
                "Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
                    "Code": {"S3Bucket": {"Ref": "AssetBucket"}, "S3Key": key},
                    "Handler": "index.handler", "Runtime": "nodejs20.x", "Role": "arn:role"}}},
                "Outputs": {"TableName": {"Value": "t"}}}
    metadata = {"/S": [{"type": "aws:cdk:asset", "data": {
        "path": "asset.abc", "id": "abc", "packaging": "zip", "sourceHash": "abc", **names}}]}
    make_app(root, {"stacks": {"S": {"template": template, "metadata": metadata}},
                    "files": {"asset.abc/index.js": "exports.handler = 1;"}})
    notes = load_workspace(root, "local").stacks["notes"]
    defaults = {n: p["Default"] for n, p in notes.template.parameters.items()}
    assert defaults["AssetKey"] == "||cdk-asset-1.zip" and defaults["AssetHash"] == "abc"
    uploads: dict[str, bytes] = {}
    body = publish(notes.template.body, notes.cdk.assets, "ws-bucket", uploads.__setitem__,
                   zip_folder)
    (uploaded, _), = uploads.items()
    params = {n: p["Default"] for n, p in body["Parameters"].items()}
    assert (params["AssetBucket"], params["AssetKey"]) == ("ws-bucket", f"||{uploaded}")


def test_a_synth_failure_is_bad_input_quoting_the_app(root):
    (root / "stacks/notes/fail.txt").write_text("1")
    with pytest.raises(ConfigError, match="cdk synth failed") as caught:
        load_workspace(root, "local")
    assert "error TS2304" in str(caught.value) and "stacks/notes/cdk.json" in str(caught.value)


def with_base(root: Path, label: str) -> None:
    """A stack `base` with an output, and the app's context `label` set to `label`."""
    write_tree(root, {"stacks/base/stack.yaml": {},
                      "stacks/base/template.yaml": queue_template({"Queue": {"Ref": "Queue"}}),
                      "stacks/notes/stack.yaml": {"parameters": {"Greeting": "${reader.Queue}",
                                                                 "label": label}}})
    write_tree(root, {"stacks/reader/stack.yaml": {"parameters": {"Table": "${base.Queue}"}}})


def label_of(ws) -> str:
    body = ws.stacks["notes"].template.body
    return body["Resources"]["Fn"]["Properties"]["Environment"]["Variables"]["LABEL"]


def test_context_from_an_upstream_output_is_synthesized_once_it_is_known(root):
    with_base(root, "${base.Queue}-${ws.env}")
    ws = load_workspace(root, "local")
    assert label_of(ws) == "${base.Queue}-${ws.env}"  # no value yet: the text as written
    env = load_environment(ws, "local")
    graph = build_graph(ws, env)
    assert graph.dag.edges["base", "notes"]["reasons"] == ["CDK context label uses ${base.Queue}"]
    assert consumed(graph, "notes") == {"base", "reader"}
    assert "label" not in graph.params["notes"]  # context, not a parameter sent

    one = with_context(ws, env, graph, "notes", {"base": {"Queue": "q1"}})
    assert label_of(one) == "q1-local" and label_of(ws) == "${base.Queue}-${ws.env}"
    count = synths(root)
    assert label_of(with_context(ws, env, graph, "notes", {"base": {"Queue": "q1"}})) == "q1-local"
    assert synths(root) == count  # the same values: the same assembly
    two = with_context(ws, env, graph, "notes", {"base": {"Queue": "q2"}})
    changed = {k for k, v in static_parts(one, env, "notes").items()
               if static_parts(two, env, "notes")[k] != v}
    assert changed == {"context", "template"}

    # the next load starts from the values last synthesized, while the text is as it was
    assert label_of(load_workspace(root, "local")) == "q2-local"
    assert synths(root) == count + 1
    with_base(root, "${base.Queue}!")
    assert label_of(load_workspace(root, "local")) == "${base.Queue}!"
    with pytest.raises(DeployError, match="base has no output Queue"):
        with_context(ws, env, graph, "notes", {"base": {}})


def test_a_synth_failure_with_a_value_not_known_yet_says_so(root):
    with_base(root, "${base.Queue}")
    (root / "stacks/notes/fail.txt").write_text("1")
    with pytest.raises(ConfigError, match="error TS2304") as caught:
        load_workspace(root, "local")
    assert "label=${base.Queue}, the text as written" in str(caught.value)


def test_a_secret_is_never_context(root):
    with_base(root, "${ssm:/notes/label}")
    with pytest.raises(ConfigError, match="noEcho: true") as caught:
        load_workspace(root, "local")
    assert "stacks/notes/stack.yaml:3" in str(caught.value)
    assert "CfnParameter" in str(caught.value)


def test_context_cannot_use_the_apps_own_outputs(root):
    write_tree(root, {"stacks/notes/stack.yaml": {"parameters": {"label": "${notes.TableName}"}}})
    with pytest.raises(ConfigError, match="its own") as caught:
        load_workspace(root, "local")
    assert "stacks/notes/stack.yaml:2" in str(caught.value)


def test_docker_image_assets_are_refused(root):
    assets = {**file_asset("asset.abc", "abc"), "dockerImages": {"img": {}}}
    make_app(root / "two", {"stacks": {"S": {"template": stack_template(), "assets": assets}}})
    shutil.rmtree(root / "stacks/notes")
    shutil.move(root / "two/stacks/notes", root / "stacks/notes")
    with pytest.raises(ConfigError, match="Docker"):
        load_workspace(root, "local")


def test_several_stacks_are_named_after_the_folder_and_their_id(root):
    shutil.rmtree(root / "stacks/notes")
    producer = stack_template()
    consumer = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
    make_app(root, {"stacks": {"Data": {"template": producer},
                               "Api": {"template": consumer, "dependencies": ["Data"]}}})
    write_tree(root, {"stacks/reader/stack.yaml": {"parameters": {
        "Table": "${notes-data.TableName}"}}})
    ws = load_workspace(root, "local")
    assert {"notes-data", "notes-api"} <= set(ws.stacks)
    assert ws.stacks["notes-api"].depends_on == ("notes-data",)
