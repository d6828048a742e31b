"""Assets published to a real bucket on the endpoint, and served over HTTP by the local CDN
(/_ws/cdn/{id}/) through the distribution's origin access control."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from ws.cloud.publish import AssetIndex
from ws.engine.assets import publish_folder, unpublish_folder
from ws.package import assets as files
from ws.testing.workspaces import write_tree

ACCOUNT = "123456789012"
ARTIFACTS = f"ws-{ACCOUNT}-us-east-1-demo"  # ws's own bucket, private: where its index lives
OLD_INDEX = ".ws-assets.json"  # where ws kept it before: beside the site, served with it
POLICY_ARN = {"Fn::Sub": "arn:aws:cloudfront::${AWS::AccountId}:distribution/${Distribution}"}


def template(actions: list[str], errors: list[dict] | None = None) -> dict:
    """A private bucket, an OAC, a distribution and a policy granting it `actions`."""
    resources = [{"Fn::Sub": "${Bucket.Arn}/*"}, {"Fn::GetAtt": ["Bucket", "Arn"]}]
    config = {"Enabled": True, "DefaultRootObject": "index.html",
              "Origins": [{"Id": "site", "DomainName": {"Fn::GetAtt": ["Bucket",
                                                                       "RegionalDomainName"]},
                           "OriginAccessControlId": {"Fn::GetAtt": ["Access", "Id"]},
                           "S3OriginConfig": {"OriginAccessIdentity": ""}}],
              "DefaultCacheBehavior": {"TargetOriginId": "site",
                                       "ViewerProtocolPolicy": "redirect-to-https"}}
    if errors:
        config["CustomErrorResponses"] = errors
    return {"Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "Access": {"Type": "AWS::CloudFront::OriginAccessControl", "Properties": {
            "OriginAccessControlConfig": {"Name": "oac", "OriginAccessControlOriginType": "s3",
                                          "SigningBehavior": "always",
                                          "SigningProtocol": "sigv4"}}},
        "Distribution": {"Type": "AWS::CloudFront::Distribution",
                         "Properties": {"DistributionConfig": config}},
        "Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "Bucket"}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": actions, "Resource": resources,
                "Condition": {"StringEquals": {"AWS:SourceArn": POLICY_ARN}}}]}}}},
        "Outputs": {"Bucket": {"Value": {"Ref": "Bucket"}},
                    "Id": {"Value": {"Ref": "Distribution"}}}}


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def site_tree(tmp_path, **extra: str):
    folder = tmp_path / "site"
    write_tree(folder, {"index.html": "<h1>Store</h1>\n", "app.js": "export {};\n",
                        "styles.css": "body{}\n", "app.0123abcd.js": "1;\n", **extra})
    return folder


def publish(aws, out, folder, config=None):
    wanted = files.desired(files.site_files(folder),
                           files.config_asset("config.json", config) if config else None)
    return publish_folder(aws("s3"), aws("cloudfront"), out["Bucket"], "", wanted, out["Id"],
                          index=AssetIndex(aws("s3"), ARTIFACTS, ACCOUNT))


@pytest.fixture
def site(stack, aws, tmp_path, moto_url):
    out = stack.create(template(["s3:GetObject"]))
    publish(aws, out, site_tree(tmp_path), {"apiUrl": "http://x/_ws/api/a/v1"})
    return out, f"{moto_url}/_ws/cdn/{out['Id']}/"


def test_the_site_is_served_with_types_and_cache_headers(site):
    _, url = site
    status, headers, body = get(url)
    assert (status, body) == (200, b"<h1>Store</h1>\n")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-cache"
    js = get(url + "app.js")[1]
    assert js["Content-Type"] == "text/javascript; charset=utf-8"
    assert get(url + "app.0123abcd.js")[1]["Cache-Control"] == files.IMMUTABLE
    assert get(url + "styles.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    status, headers, body = get(url + "config.json")
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert b'"apiUrl": "http://x/_ws/api/a/v1"' in body and headers["Cache-Control"] == "no-cache"


def test_root_without_slash_redirects_and_etag_revalidates(site):
    out, url = site
    status, headers, _ = get(url.rstrip("/"))
    assert (status, headers["Location"]) == (301, f"/_ws/cdn/{out['Id']}/")
    etag = get(url)[1]["ETag"]
    assert get(url, {"If-None-Match": etag})[0] == 304


def test_missing_keys_are_403_without_list_permission_unknown_distribution_404(site, moto_url):
    _, url = site
    status, headers, body = get(url + "nope.js")
    assert status == 403 and b"AccessDenied" in body
    assert headers["Content-Type"] == "application/xml"
    assert get(f"{moto_url}/_ws/cdn/EXAMPLE123/")[0] == 404


def test_with_list_permission_a_missing_key_is_404_or_the_error_page(stack, aws, tmp_path,
                                                                     moto_url):
    out = stack.create(template(["s3:GetObject", "s3:ListBucket"], errors=[
        {"ErrorCode": 404, "ResponsePagePath": "/index.html", "ResponseCode": 200}]))
    publish(aws, out, site_tree(tmp_path))
    status, _, body = get(f"{moto_url}/_ws/cdn/{out['Id']}/products/mug")
    assert (status, body) == (200, b"<h1>Store</h1>\n")  # a single-page app's deep link


def test_a_bucket_policy_that_does_not_grant_the_distribution_is_403(stack, aws, tmp_path,
                                                                    moto_url):
    out = stack.create(template(["s3:PutObject"]))
    publish(aws, out, site_tree(tmp_path))
    status, _, body = get(f"{moto_url}/_ws/cdn/{out['Id']}/")
    assert status == 403 and b"AccessDenied" in body


def test_publishing_again_uploads_only_what_changed_and_deletes_what_was_removed(
        site, aws, tmp_path):
    out, url = site
    again = publish(aws, out, tmp_path / "site", {"apiUrl": "http://x/_ws/api/a/v1"})
    assert (again.uploaded, again.deleted, again.invalidation) == ((), (), "")
    (tmp_path / "site" / "styles.css").unlink()
    (tmp_path / "site" / "app.js").write_text("export const v = 2;\n")
    changed = publish(aws, out, tmp_path / "site", {"apiUrl": "http://y/_ws/api/a/v1"})
    assert changed.uploaded == ("app.js", "config.json") and changed.deleted == ("styles.css",)
    assert changed.invalidation
    batch = aws("cloudfront").get_invalidation(DistributionId=out["Id"], Id=changed.invalidation)
    assert sorted(batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]) == [
        "/app.js", "/config.json", "/styles.css"]
    assert get(url + "app.js")[2] == b"export const v = 2;\n"
    assert get(url + "styles.css")[0] == 403


def keys(s3, bucket):
    return {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_ws_keeps_its_index_out_of_the_site_and_moves_an_old_one(stack, aws, tmp_path,
                                                                    moto_url):
    out = stack.create(template(["s3:GetObject", "s3:ListBucket"]))
    s3, site = aws("s3"), out["Bucket"]
    s3.put_object(Bucket=site, Key="old.js", Body=b"1;")  # published by an earlier ws
    s3.put_object(Bucket=site, Key="theirs.txt", Body=b"not ws's")
    s3.put_object(Bucket=site, Key=OLD_INDEX, Body=json.dumps({"old.js": "x"}).encode())
    status, _, _ = get(f"{moto_url}/_ws/cdn/{out['Id']}/{OLD_INDEX}")
    assert status == 404  # ws's own file: the local CDN never serves it
    first = publish(aws, out, site_tree(tmp_path))
    assert first.deleted == ("old.js",)  # the old index was read once...
    assert keys(s3, site) == {"index.html", "app.js", "styles.css", "app.0123abcd.js",
                              "theirs.txt"}  # ...then deleted: nothing of ws's is public
    assert keys(s3, ARTIFACTS) == {f"assets-index/{site}/ws-assets.json"}
    again = publish(aws, out, tmp_path / "site")
    assert (again.uploaded, again.deleted, again.unchanged) == ((), (), 4)
    assert unpublish_folder(s3, site, "", AssetIndex(s3, ARTIFACTS, ACCOUNT)) == 4
    assert keys(s3, site) == {"theirs.txt"} and keys(s3, ARTIFACTS) == set()
