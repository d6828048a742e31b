"""SAM translations remembered by content: a code-only change fills the new location into the
remembered translation, identical to translating again."""
from __future__ import annotations

import copy

from ws.package import samcache
from ws.package.sam import translate_sam

BODY = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {
    "Fn": {"Type": "AWS::Serverless::Function", "Properties": {
        "CodeUri": {"Bucket": "art", "Key": "code/aaa.zip"}, "Handler": "app.handler",
        "Runtime": "python3.12", "Events": {"Get": {"Type": "Api", "Properties": {
            "Path": "/x", "Method": "get"}}}}},
    "Queue": {"Type": "AWS::SQS::Queue"}}}


def with_key(body, key, logical_id="Fn"):
    body = copy.deepcopy(body)
    body["Resources"][logical_id]["Properties"]["CodeUri"]["Key"] = key
    return body


def counting(monkeypatch):
    calls = []

    def spy(body, region, display, sar_client=None):
        calls.append(body)
        return translate_sam(body, region, display, sar_client)
    monkeypatch.setattr(samcache, "translate_sam", spy)
    return calls


def test_a_code_only_change_is_not_translated_again(tmp_path, monkeypatch):
    calls = counting(monkeypatch)
    first = samcache.translate(with_key(BODY, "code/aaa.zip"), "us-east-1", "t.yaml", tmp_path)
    second = samcache.translate(with_key(BODY, "code/bbb.zip"), "us-east-1", "t.yaml", tmp_path)
    assert len(calls) == 1
    assert first["Resources"]["Fn"]["Properties"]["Code"] == {"S3Bucket": "art",
                                                              "S3Key": "code/aaa.zip"}
    assert second == translate_sam(with_key(BODY, "code/bbb.zip"), "us-east-1", "t.yaml")


def test_another_change_translates_again(tmp_path, monkeypatch):
    calls = counting(monkeypatch)
    samcache.translate(BODY, "us-east-1", "t.yaml", tmp_path)
    changed = copy.deepcopy(BODY)
    changed["Resources"]["Fn"]["Properties"]["Timeout"] = 9
    out = samcache.translate(changed, "us-east-1", "t.yaml", tmp_path)
    assert len(calls) == 2 and out["Resources"]["Fn"]["Properties"]["Timeout"] == 9
    samcache.translate(BODY, "eu-west-1", "t.yaml", tmp_path)
    assert len(calls) == 3


def test_a_function_that_publishes_versions_keeps_its_location_in_the_key(tmp_path, monkeypatch):
    """SAM names the version after the code's location: a new location is a new version."""
    body = copy.deepcopy(BODY)
    body["Resources"]["Fn"]["Properties"]["AutoPublishAlias"] = "live"
    calls = counting(monkeypatch)
    first = samcache.translate(with_key(body, "code/aaa.zip"), "us-east-1", "t.yaml", tmp_path)
    second = samcache.translate(with_key(body, "code/bbb.zip"), "us-east-1", "t.yaml", tmp_path)
    assert len(calls) == 2
    versions = [sorted(k for k, v in out["Resources"].items()
                       if v["Type"] == "AWS::Lambda::Version") for out in (first, second)]
    assert versions[0] != versions[1]


def test_a_corrupt_entry_is_translated_again(tmp_path, monkeypatch):
    calls = counting(monkeypatch)
    samcache.translate(BODY, "us-east-1", "t.yaml", tmp_path)
    for entry in tmp_path.glob("*.json"):
        entry.write_text("{not json")
    out = samcache.translate(BODY, "us-east-1", "t.yaml", tmp_path)
    assert len(calls) == 2 and out["Resources"]["Fn"]["Type"] == "AWS::Lambda::Function"
