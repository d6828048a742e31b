"""AWS_IAM with a presigned URL (SigV4 in the X-Amz-* query parameters, as WebSocket clients
sign): accepted until it expires, refused when its query changed or a parameter is missing."""
from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ws.local.apigw import iamauth
from ws.local.apigw.request import ApiRequest

ACCOUNT = "123456789012"


def _presigned(url: str, expires: int = 60) -> str:
    request = AWSRequest("GET", url)
    SigV4QueryAuth(Credentials("AKIDLOCALTEST", "testing"), "execute-api", "us-east-1",
                   expires=expires).add_auth(request)
    return request.url


def _request(url: str) -> ApiRequest:
    parts = urlsplit(url)
    return ApiRequest("abc123", "prod", "GET", "/who",
                      tuple(parse_qsl(parts.query, keep_blank_values=True)),
                      (("Host", parts.netloc),), raw_target=f"{parts.path}?{parts.query}")


def _refusal(url: str, clock=time.time) -> str:
    with pytest.raises(iamauth.Forbidden) as refused:
        iamauth.authorize(_request(url), ACCOUNT, "us-east-1", clock)
    return str(refused.value)


def test_a_presigned_url_is_accepted_until_it_expires():
    url = _presigned("http://127.0.0.1:4566/_ws/api/abc123/prod/who?q=1")
    caller = iamauth.authorize(_request(url), ACCOUNT, "us-east-1")
    assert caller.access_key == "AKIDLOCALTEST" and caller.account_id == ACCOUNT
    assert _refusal(url, clock=lambda: time.time() + 120).startswith("Signature expired")


def test_a_url_signed_for_the_aws_host_is_accepted_at_the_local_one():
    url = _presigned("https://abc123.execute-api.us-east-1.amazonaws.com/prod/who")
    local = url.replace("https://abc123.execute-api.us-east-1.amazonaws.com/prod",
                        "http://127.0.0.1:4566/_ws/api/abc123/prod")
    assert iamauth.authorize(_request(local), ACCOUNT, "us-east-1").access_key == "AKIDLOCALTEST"


def test_a_changed_query_or_a_missing_parameter_is_refused():
    url = _presigned("http://127.0.0.1:4566/_ws/api/abc123/prod/who?q=1")
    assert "does not match" in _refusal(url.replace("q=1", "q=2"))
    unsigned = "&".join(p for p in url.split("&") if not p.startswith("X-Amz-Signature="))
    assert "query-string parameters must include" in _refusal(unsigned)
