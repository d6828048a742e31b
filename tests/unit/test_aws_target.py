"""An AWS target on a shared account (issue 13): the artifact bucket must be this account's
(ExpectedBucketOwner on every call, a foreign bucket refused, an existing policy kept), and
AWS_PROFILE / AWS_REGION / AWS_ENDPOINT_URL and --profile/--region behave as for every AWS
tool, with account_id still pinning the account. Stubber, responses shaped like AWS's."""
from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import ANY, Stubber
from click.testing import CliRunner

from ws.cli import commands as cli
from ws.cloud import backend as backends
from ws.cloud.artifacts import ensure_bucket, s3_uploader
from ws.cloud.backend import Backend
from ws.cloud.bootstrap import bootstrap
from ws.config.environment import aws_overrides, load_environment
from ws.config.workspace import load_workspace
from ws.errors import DeployError, WsError
from ws.testing.workspaces import queue_template, workspace_files, write_tree

OWNER = "111122223333"
BUCKET = f"ws-{OWNER}-us-east-1-demo"


def client(service: str, region: str = "us-east-1"):
    return boto3.client(service, region_name=region, aws_access_key_id="x",
                        aws_secret_access_key="x")


@pytest.fixture
def s3():
    made = client("s3")
    with Stubber(made) as stubber:
        made.stubber = stubber
        yield made
        stubber.assert_no_pending_responses()


def test_a_bucket_another_account_owns_is_refused_before_any_upload(s3):
    s3.stubber.add_client_error("head_bucket", "403", "Forbidden", 403,
                                expected_params={"Bucket": BUCKET, "ExpectedBucketOwner": OWNER})
    with pytest.raises(DeployError, match=f"not owned by account {OWNER}"):
        ensure_bucket(s3, BUCKET, "us-east-1", OWNER)


def test_a_name_taken_by_another_account_is_refused(s3):
    s3.stubber.add_client_error("head_bucket", "404", "Not Found", 404)
    s3.stubber.add_client_error("create_bucket", "BucketAlreadyExists", "taken", 409)
    with pytest.raises(DeployError, match="ws uploads nothing there"):
        ensure_bucket(s3, BUCKET, "us-east-1", OWNER)


def test_uploads_name_the_expected_owner(s3):
    key = {"Bucket": BUCKET, "Key": "code/abc.zip", "ExpectedBucketOwner": OWNER}
    s3.stubber.add_client_error("head_object", "404", "Not Found", 404, expected_params=key)
    s3.stubber.add_response("put_object", {}, {**key, "Body": b"zip"})
    s3_uploader(s3, BUCKET, OWNER)("code/abc.zip", b"zip")


def test_bootstrap_names_the_owner_on_every_call_and_keeps_an_existing_policy():
    region = "cn-north-1"
    bucket = f"ws-{OWNER}-{region}-demo"
    s3, db = client("s3", region), client("dynamodb", region)
    theirs = {"Sid": "AuditRead", "Effect": "Allow", "Principal": {"AWS": "arn:aws-cn:iam::1:root"},
              "Action": "s3:GetObject", "Resource": f"arn:aws-cn:s3:::{bucket}/*"}
    mine = {"Bucket": bucket, "ExpectedBucketOwner": OWNER}
    with Stubber(s3) as bucket_stub, Stubber(db) as table_stub:
        bucket_stub.add_response("head_bucket", {}, mine)
        for call in ("put_public_access_block", "put_bucket_encryption", "put_bucket_versioning",
                     "put_bucket_lifecycle_configuration"):
            bucket_stub.add_response(call, {}, {**mine, next(iter(_ARG[call])): ANY})
        bucket_stub.add_response("get_bucket_policy", {"Policy": json.dumps(
            {"Version": "2012-10-17", "Statement": theirs})}, mine)
        tls = {"Sid": "WsTlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
               "Resource": [f"arn:aws-cn:s3:::{bucket}", f"arn:aws-cn:s3:::{bucket}/*"],
               "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        bucket_stub.add_response("put_bucket_policy", {}, {**mine, "Policy": json.dumps(
            {"Version": "2012-10-17", "Statement": [theirs, tls]})})
        table_stub.add_response("describe_table", {"Table": {"TableName": "ws-locks"}})
        backend = Backend("aws", region, OWNER, {"s3": s3, "dynamodb": db}.__getitem__,
                          partition="aws-cn")
        lines = bootstrap(backend, "demo")
        bucket_stub.assert_no_pending_responses()
    assert "keeps 1 statement(s) of its own" in lines[0]


_ARG = {"put_public_access_block": {"PublicAccessBlockConfiguration"},
        "put_bucket_encryption": {"ServerSideEncryptionConfiguration"},
        "put_bucket_versioning": {"VersioningConfiguration"},
        "put_bucket_lifecycle_configuration": {"LifecycleConfiguration"}}


def test_template_urls_follow_the_partition_and_a_configured_endpoint():
    def url(**where) -> str:
        return Backend("aws", where.pop("region", "us-east-1"), OWNER, lambda s: None,
                       **where).template_url("b", "templates/t.json")
    assert url() == "https://b.s3.us-east-1.amazonaws.com/templates/t.json"
    assert url(region="cn-north-1", s3_endpoint="https://s3.cn-north-1.amazonaws.com.cn") == \
        "https://b.s3.cn-north-1.amazonaws.com.cn/templates/t.json"
    assert url(s3_endpoint="http://localhost:4566") == "http://localhost:4566/b/templates/t.json"
    # found when first needed (connect passes a function: no S3 client for a no-op deploy)
    assert url(s3_endpoint=lambda: "http://localhost:4566") == \
        "http://localhost:4566/b/templates/t.json"


def aws_workspace(tmp_path, **spec):
    files = workspace_files(db=(queue_template(), {}))
    files["environments/staging.yaml"] = {"target": "aws", "region": "eu-west-1",
                                          "profile": "staging", **spec}
    return load_workspace(write_tree(tmp_path, files))


def test_variables_override_the_files_profile_and_region(tmp_path):
    env = load_environment(aws_workspace(tmp_path), "staging")
    assert (env.profile, env.region) == ("staging", "eu-west-1")
    told = aws_overrides(env, {"AWS_PROFILE": "ci", "AWS_DEFAULT_REGION": "us-west-2"})
    assert (told.profile, told.region) == ("ci", "us-west-2")
    both = aws_overrides(env, {"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "us-west-2"})
    assert both.region == "eu-central-1" and "AWS_REGION" in both.origin


def test_flags_beat_variables_for_one_command_and_the_account_pin_holds(tmp_path, monkeypatch):
    root = aws_workspace(tmp_path / "ws", account_id="444455556666").root
    config = tmp_path / "aws-config"
    config.write_text("".join(f"[profile {name}]\naws_access_key_id = x\naws_secret_access_key = x\n"
                              for name in ("staging", "from-shell", "admin")))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "from-shell")
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    seen = {}

    def caller(session, env):
        seen.update(profile=session.profile, region=session.get_config_variable("region"))
        return "999999999999"
    monkeypatch.setattr(backends, "_caller_account", caller)
    result = CliRunner().invoke(cli.cli, ["-w", str(root), "outputs", "--env", "staging",
                                          "--profile", "admin", "--region", "ap-south-1"])
    assert result.exit_code == 1, result.output
    assert seen == {"profile": "admin", "region": "ap-south-1"}
    assert "expects account 444455556666" in result.output and "profile admin" in result.output
    assert backends.os.environ["AWS_PROFILE"] == "from-shell"  # only for that command
    assert "AWS_REGION" not in backends.os.environ
    monkeypatch.setattr(backends, "_caller_account", lambda session, env: "444455556666")
    ws = load_workspace(root)
    made = backends.connect(ws, load_environment(ws, "staging"))
    assert made.region == "eu-west-1"  # the file's, no variable set
    assert made.template_url("b", "k") == "http://localhost:4566/b/k"  # AWS_ENDPOINT_URL


def test_the_pin_is_checked_with_overridden_credentials(tmp_path, monkeypatch):
    ws = aws_workspace(tmp_path, account_id="444455556666")
    monkeypatch.setenv("AWS_PROFILE", "dev")
    monkeypatch.setattr(backends, "aws_session", lambda profile, region: None)
    monkeypatch.setattr(backends, "_caller_account", lambda session, env: "111111111111")
    with pytest.raises(WsError, match="profile dev from AWS_PROFILE"):
        backends.connect(ws, load_environment(ws, "staging"))


def test_a_backend_makes_one_client_per_service_whatever_the_threads():
    """Stacks deploy in parallel threads: a botocore session must not make clients in several
    at once, and a shared client keeps one connection pool and one adaptive retry rate."""
    from concurrent.futures import ThreadPoolExecutor

    from ws.cloud.backend import local_backend

    backend = local_backend("us-east-1", "http://127.0.0.1:9")  # (no call is made)
    with ThreadPoolExecutor(16) as pool:
        clients = list(pool.map(backend.client, ["sqs"] * 32 + ["s3"] * 32))
    assert len({id(c) for c in clients[:32]}) == 1 and len({id(c) for c in clients[32:]}) == 1
    assert clients[0] is not clients[32] and clients[0].meta.service_model.service_name == "sqs"


def test_env_list_reads_an_aws_place_as_any_aws_tool_would(tmp_path, endpoint, monkeypatch):
    """`ws env list` on a workspace with an AWS environment (AWS_ENDPOINT_URL: the endpoint,
    where the local deploy put its stacks): listed there, no error."""
    from ws import api
    from ws.cloud.environments import list_environments

    root = write_tree(tmp_path, workspace_files(db=(queue_template({"Url": {"Ref": "Queue"}}),
                                                    {})))
    (root / "environments" / "cloud.yaml").write_text("target: aws\nregion: us-east-1\n")
    assert api.deploy(root, "local").ok
    for name, value in {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    found, problems = list_environments(load_workspace(root))
    assert problems == []
    assert ("local", "aws us-east-1") in {(e.env, e.where) for e in found}


def test_the_lock_table_client_gives_up_within_a_fraction_of_a_lease():
    """The locks' DynamoDB calls fail in seconds (a hung route must not hold renewals and the
    release for minutes); CloudFormation keeps botocore's patient defaults."""
    clients = backends._factory(backends.new_session("us-east-1", key=("x", "x")), None)
    locks, cfn = clients("dynamodb").meta.config, clients("cloudformation").meta.config
    assert (locks.connect_timeout, locks.read_timeout) == (5, 10)
    assert locks.retries == {"mode": "adaptive", "total_max_attempts": 5}  # 4 retries
    assert cfn.read_timeout == 60 and cfn.retries["total_max_attempts"] == 11
