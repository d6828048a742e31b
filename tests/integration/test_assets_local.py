"""Publishing in a deploy and a destroy on the local endpoint: ws's index of what it published
is kept in its own artifact bucket, never in the (public) site bucket."""
from __future__ import annotations

import json

from ws import api
from ws.engine.request import RunRequest
from ws.testing.workspaces import workspace_files, write_tree

SITE = json.dumps({"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}},
                   "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}}})


def keys(s3, bucket):
    return {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_the_index_lives_in_the_artifact_bucket_and_goes_with_the_site(tmp_path, endpoint, aws):
    write_tree(tmp_path, {**workspace_files(site=(SITE, {"assets": [{
        "source": "www", "bucket": "${self.BucketName}", "prefix": "v1/"}]})),
        "stacks/site/www/index.html": "<p>hi</p>\n"})
    assert api.deploy(tmp_path, "local", RunRequest()).ok
    s3 = aws("s3")
    bucket = api.outputs(tmp_path, "local")["site"]["BucketName"]
    assert keys(s3, bucket) == {"v1/index.html"}
    artifacts = f"ws-123456789012-us-east-1-demo"
    assert f"assets-index/{bucket}/v1/ws-assets.json" in keys(s3, artifacts)
    assert api.destroy(tmp_path, "local", RunRequest()).ok
    assert not [k for k in keys(s3, artifacts) if k.startswith("assets-index/")]
