"""Sign a request with SigV4 as a client of an AWS_IAM API does (botocore's signer)."""
from __future__ import annotations

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def signed_headers(url: str, method: str = "GET", body: bytes | None = None,
                   key: str = "AKIDLOCALTEST", secret: str = "testing",
                   token: str | None = None) -> dict[str, str]:
    """The headers (Authorization, X-Amz-Date...) that sign `method url body`."""
    request = AWSRequest(method, url, data=body or b"")
    SigV4Auth(Credentials(key, secret, token), "execute-api", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def presigned_url(url: str, key: str = "AKIDLOCALTEST", secret: str = "testing",
                  expires: int = 60) -> str:
    """`url` with the X-Amz-* query parameters that presign a GET of it."""
    request = AWSRequest("GET", url)
    SigV4QueryAuth(Credentials(key, secret), "execute-api", "us-east-1",
                   expires=expires).add_auth(request)
    return request.url
