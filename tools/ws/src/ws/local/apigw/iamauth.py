"""The AWS_IAM authorization: check a request's Signature Version 4 as API Gateway does
(in the Authorization header or a presigned URL's query: `sigv4parts`).

The secret a signature is checked against: the one the endpoint issued for the access key
(IAM CreateAccessKey, STS AssumeRole...), else the endpoint's shared dummy secret `testing`
(what ws gives every local function, with any access key). The signature is recomputed
with botocore's signer over the signed headers, for the path as the client sent it
(`/_ws/api/{api}/{stage}/...` on the endpoint, `/{stage}/...` through the API's AWS URL), and
for the API's AWS URL when a function's call to it came straight to the endpoint (its urllib
or fetch redirected: the Host is the endpoint's then, as Node's fetch cannot send another).
The caller's identity is the one STS GetCallerIdentity answers for that key.
"""
from __future__ import annotations

import calendar
import hmac
import time
from dataclasses import dataclass
from typing import Any, Callable

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials
from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

from ws.local.apigw import sigv4parts
from ws.local.apigw.request import ApiRequest
from ws.local.apigw.sigv4parts import Forbidden, Signed

DEFAULT_SECRET = "testing"
_SKEW = 15 * 60  # seconds a signature's time may be off, as on AWS


@dataclass(frozen=True)
class Caller:
    access_key: str
    user_id: str
    arn: str
    account_id: str

    def identity(self) -> dict[str, str]:
        """The requestContext.identity fields API Gateway fills for an IAM-signed request."""
        return {"accessKey": self.access_key, "caller": self.user_id, "user": self.user_id,
                "userArn": self.arn, "accountId": self.account_id}


def authorize(request: ApiRequest, account_id: str, region: str,
              clock: Callable[[], float] = time.time, aws_path: str | None = None) -> Caller:
    """The caller who signed `request`; Forbidden when it is unsigned or the signature fails.
    `aws_path`: the path on the API's own host (default /{stage}{path})."""
    signed = sigv4parts.find(request)
    _check_time(signed, clock())
    secret = secret_for(signed.key, account_id)
    aws_host = f"{request.api_id}.execute-api.{signed.region}.amazonaws.com"
    expected = {_signature(request, signed, secret, host, path)
                for path in _paths(request, aws_path)
                for host in (request.header("Host") or "localhost", aws_host)}
    if not any(hmac.compare_digest(sig, signed.signature) for sig in expected):
        raise Forbidden("The request signature we calculated does not match the signature "
                        "you provided. Check your AWS Secret Access Key and signing method.",
                        error_type="InvalidSignatureException")
    user_id, arn, owner = sts_backends[account_id]["global"].get_caller_identity(
        signed.key, region)
    return Caller(signed.key, user_id, arn, owner)


def secret_for(access_key: str, account_id: str) -> str:
    """The secret the endpoint issued for `access_key`, else the shared dummy secret."""
    sts = sts_backends[account_id]["global"]
    role = sts.get_assumed_role_from_access_key(access_key)
    if role is not None:
        return role.secret_access_key
    for partitions in list(iam_backends.values()):
        for backend in list(partitions.values()):
            user = backend.get_user_from_access_key_id(access_key)
            for key in (user.access_keys if user else []):
                if key.access_key_id == access_key:
                    return key.secret_access_key
    return DEFAULT_SECRET


def _check_time(signed: Signed, now: float) -> None:
    """Forbidden unless the signature is current: within 15 minutes of now, or for a
    presigned URL, from 15 minutes before its time until it expires."""
    try:
        at = calendar.timegm(time.strptime(signed.stamp, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        raise Forbidden("Authorization header requires existence of either a 'X-Amz-Date' "
                        "or a 'Date' header.") from None
    if signed.stamp[:8] != signed.date:
        raise Forbidden("Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                        "version of date from HTTP.")
    late = now - at > (_SKEW if signed.expires is None else signed.expires)
    if late or at - now > _SKEW:
        allowed = ("the allowed 15 minutes" if signed.expires is None
                   else f"X-Amz-Expires ({signed.expires} seconds) allows")
        raise Forbidden(f"Signature expired: {signed.stamp} is now earlier or later than "
                        f"{allowed}.", error_type="InvalidSignatureException")


def _paths(request: ApiRequest, aws_path: str | None) -> list[str]:
    """The request line's target as received, and the API's own /{stage}/path form."""
    query = request.raw_target.partition("?")[2]
    aws_path = (aws_path or f"/{request.stage}{request.path}") + (f"?{query}" if query else "")
    return [request.raw_target or aws_path, aws_path]


def _signature(request: ApiRequest, signed: Signed, secret: str, host: str,
               target: str) -> str:
    path, _, query = target.partition("?")
    if signed.expires is not None:  # a presigned URL signs its query without the signature
        query = "&".join(pair for pair in query.split("&")
                         if pair.partition("=")[0] != "X-Amz-Signature")
    headers = {name: ", ".join(v for k, v in request.headers if k.lower() == name)
               for name in signed.headers}
    if "host" in headers:
        headers["host"] = host
    url = f"http://{host}{path}" + (f"?{query}" if query else "")
    aws_request = AWSRequest(request.method, url, headers=headers, data=request.body)
    aws_request.context["timestamp"] = signed.stamp
    signer = _Signer(Credentials(signed.key, secret), signed.service, signed.region)
    canonical = signer.canonical_request(aws_request)
    return signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)


class _Signer(SigV4Auth):
    """botocore's signer, signing exactly the headers the client named."""

    def headers_to_sign(self, request: AWSRequest) -> Any:
        signed = HTTPHeaders()
        for name, value in request.headers.items():
            signed[name.lower()] = value
        return signed
