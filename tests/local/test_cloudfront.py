"""CloudFront distributions and origin access controls, and S3 bucket policies."""
from __future__ import annotations

import json

import pytest


def template(comment: str = "store", root: str = "index.html", signing: str = "always") -> dict:
    return {"Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "site"}},
        "Access": {"Type": "AWS::CloudFront::OriginAccessControl", "Properties": {
            "OriginAccessControlConfig": {
                "Name": "site-oac", "OriginAccessControlOriginType": "s3",
                "SigningBehavior": signing, "SigningProtocol": "sigv4"}}},
        "Distribution": {"Type": "AWS::CloudFront::Distribution", "Properties": {
            "DistributionConfig": {
                "Enabled": True, "Comment": comment, "DefaultRootObject": root,
                "Origins": [{"Id": "website",
                             "DomainName": {"Fn::GetAtt": ["Bucket", "RegionalDomainName"]},
                             "OriginAccessControlId": {"Fn::GetAtt": ["Access", "Id"]},
                             "S3OriginConfig": {"OriginAccessIdentity": ""}}],
                "DefaultCacheBehavior": {
                    "TargetOriginId": "website", "ViewerProtocolPolicy": "redirect-to-https",
                    "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                    "AllowedMethods": ["GET", "HEAD", "OPTIONS"], "Compress": True}},
            "Tags": [{"Key": "store:part", "Value": "ui"}]}},
        "Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "Bucket"},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": comment, "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}]}}}},
        "Outputs": {
            "DistributionId": {"Value": {"Ref": "Distribution"}},
            "DistributionIdAtt": {"Value": {"Fn::GetAtt": ["Distribution", "Id"]}},
            "DomainName": {"Value": {"Fn::GetAtt": ["Distribution", "DomainName"]}},
            "AccessId": {"Value": {"Ref": "Access"}},
            "AccessIdAtt": {"Value": {"Fn::GetAtt": ["Access", "Id"]}}}}


@pytest.fixture
def cloudfront(aws):
    return aws("cloudfront")


def test_distribution_is_real_with_its_origin_access_control(stack, cloudfront):
    out = stack.create(template())
    dist = cloudfront.get_distribution(Id=out["DistributionId"])["Distribution"]
    config = dist["DistributionConfig"]
    assert dist["DomainName"] == out["DomainName"] and out["DistributionIdAtt"] == dist["Id"]
    assert config["Comment"] == "store" and config["DefaultRootObject"] == "index.html"
    assert config["Enabled"] is True
    origin = config["Origins"]["Items"][0]
    assert origin["DomainName"] == "site.s3.us-east-1.amazonaws.com"
    assert origin["OriginAccessControlId"] == out["AccessId"] == out["AccessIdAtt"]
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["TargetOriginId"] == "website"
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert sorted(behaviour["AllowedMethods"]["Items"]) == ["GET", "HEAD", "OPTIONS"]
    control = cloudfront.get_origin_access_control(Id=out["AccessId"])
    assert control["OriginAccessControl"]["OriginAccessControlConfig"]["Name"] == "site-oac"
    tags = cloudfront.list_tags_for_resource(Resource=dist["ARN"])["Tags"]["Items"]
    assert {"Key": "store:part", "Value": "ui"} in tags


def test_update_changes_distribution_and_control_in_place(stack, cloudfront):
    first = stack.create(template())
    second = stack.update(template(comment="shop", root="home.html", signing="no-override"))
    assert second["DistributionId"] == first["DistributionId"]
    assert second["AccessId"] == first["AccessId"]
    config = cloudfront.get_distribution(Id=second["DistributionId"])[
        "Distribution"]["DistributionConfig"]
    assert (config["Comment"], config["DefaultRootObject"]) == ("shop", "home.html")
    control = cloudfront.get_origin_access_control(Id=second["AccessId"])
    assert control["OriginAccessControl"]["OriginAccessControlConfig"][
        "SigningBehavior"] == "no-override"


def test_delete_removes_distribution_and_control(stack, cloudfront):
    out = stack.create(template())
    stack.delete()
    assert cloudfront.list_distributions()["DistributionList"].get("Items", []) == []
    with pytest.raises(cloudfront.exceptions.ClientError):
        cloudfront.get_origin_access_control(Id=out["AccessId"])


def test_bucket_policy_put_updated_and_removed(stack, aws):
    s3 = aws("s3")
    stack.create(template())
    policy = json.loads(s3.get_bucket_policy(Bucket="site")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    stack.update(template(comment="changed"))
    policy = json.loads(s3.get_bucket_policy(Bucket="site")["Policy"])
    assert policy["Statement"][0]["Sid"] == "changed"
    body = template()
    del body["Resources"]["Policy"]
    stack.update(body)
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket="site")
