"""Local URLs next to AWS-shaped URL outputs: `ws deploy`, `ws outputs`, `ws local status`,
run as a user runs them (subprocesses) against the workspace's own endpoint."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ws.cloud.backend import LOCAL_ENDPOINT_VAR
from ws.testing.workspaces import queue_template, workspace_files, write_tree

DISTRIBUTION = {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
    "Enabled": True, "Comment": "site", "DefaultRootObject": "index.html",
    "Origins": [{"Id": "web", "DomainName": "web.s3.us-east-1.amazonaws.com",
                 "S3OriginConfig": {"OriginAccessIdentity": ""}}],
    "DefaultCacheBehavior": {"TargetOriginId": "web", "ViewerProtocolPolicy": "allow-all",
                             "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}}}
OUTPUTS = {"ApiUrl": {"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/v1"},
           "SiteUrl": {"Fn::Sub": "https://${Site.DomainName}"},
           "SiteId": {"Ref": "Site"}, "ApiId": {"Ref": "Api"}, "Plain": "https://example.com"}


def ws(root, *args):
    env = {k: v for k, v in os.environ.items() if k != LOCAL_ENDPOINT_VAR}
    env["COLUMNS"] = "250"  # wide enough that tables do not fold URLs
    return subprocess.run([sys.executable, "-m", "ws", "--workspace", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """A workspace whose stack has an API URL, a distribution URL and other outputs, deployed
    to the workspace's own endpoint (started by the deploy, stopped at the end)."""
    template = queue_template(OUTPUTS, resources={
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "shop"}},
        "Site": DISTRIBUTION})
    root = write_tree(tmp_path_factory.mktemp("urls") / "w", workspace_files(web=(template, {})))
    result = ws(root, "deploy", "--env", "local")
    yield root, result
    ws(root, "local", "down")


def _expected(root) -> tuple[str, dict[str, str]]:
    values = json.loads(ws(root, "outputs", "--env", "local", "--json").stdout)["web"]
    info = json.loads(ws(root, "local", "status", "--json").stdout)
    api = f"{info['url']}/_ws/api/{values['ApiId']}/v1"
    return info["url"], {"ApiUrl": api, "SiteUrl": f"{info['url']}/_ws/cdn/{values['SiteId']}/"}


def test_local_status_lists_local_urls(deployed):
    root, result = deployed
    assert result.returncode == 0, result.stdout + result.stderr
    url, expected = _expected(root)
    info = json.loads(ws(root, "local", "status", "--json").stdout)
    assert info["running"] is True
    assert {(link["stack"], link["output"]): link["local_url"] for link in info["links"]} == {
        ("demo-local-web", name): local for name, local in expected.items()}
    assert info["log"] == str(root / ".ws/local/server.log")  # run from outside: absolute
    assert "ws local endpoint on" in (root / ".ws/local/server.log").read_text()
    text = ws(root, "local", "status").stdout
    assert f"running at {url}" in text
    assert f"server log: {root / '.ws/local/server.log'}" in text
    for local in expected.values():
        assert local in text


def test_outputs_and_deploy_show_local_urls(deployed):
    root, result = deployed
    _, expected = _expected(root)
    assert "Open:" in result.stdout  # the sites and APIs to open, at their local URLs
    assert all(local in result.stdout for local in expected.values())
    rows = {line.split("│")[2].strip(): line for line in
            ws(root, "outputs", "--env", "local").stdout.splitlines() if line.count("│") == 5}
    for name, local in expected.items():
        assert local in rows[name]  # on the output's own row
    assert "/_ws/" not in rows["Plain"] + rows["ApiId"]  # only URLs the endpoint serves
    as_json = json.loads(ws(root, "outputs", "--env", "local", "--json").stdout)
    assert "/_ws/" not in json.dumps(as_json)  # JSON keeps the stacks' outputs as they are


def test_stopped_endpoint_lists_nothing(tmp_path):
    root = write_tree(tmp_path / "w", workspace_files(web=(queue_template(), {})))
    info = json.loads(ws(root, "local", "status", "--json").stdout)
    assert info == {"running": False, "links": []}
