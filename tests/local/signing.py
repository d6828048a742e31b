"""Sign a request with SigV4 as a client of an AWS_IAM API does (botocore's signer)."""
from __future__ import annotations

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def signed_headers(url: str, method: str = "GET", body: bytes | None = None,
                   key: str = "AKIDLOCALTEST", secret: str = "testing",
                   token: str | None = None) -> dict[str, str]:
    """The headers (Authorization, X-Amz-Date...) that sign `method url body`."""
    request = AWSRequest(method, url, data=body or b"")
    SigV4Auth(Credentials(key, secret, token), "execute-api", "us-east-1").add_auth(request)
    return dict(request.headers.items())
