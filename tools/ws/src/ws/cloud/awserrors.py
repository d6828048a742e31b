"""Reading AWS errors: throttling, expired credentials, and a readable reason for any error
(the local endpoint answers some failures with HTML or JSON bodies)."""
from __future__ import annotations

import re

from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from ws.errors import DeployError

THROTTLING = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId",
           "UnrecognizedClientException"}


def is_throttling(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in THROTTLING


def credentials_problem(exc: ClientError) -> DeployError | None:
    """A clear error for expired or invalid credentials; None for anything else."""
    code = exc.response.get("Error", {}).get("Code")
    if code not in EXPIRED:
        return None
    return DeployError(f"the AWS credentials expired or are not valid ({code})",
                       "refresh them (e.g. aws sso login) and run ws deploy again: stacks "
                       "already updating go on in CloudFormation and the next run waits for them")


def message_of(exc: ClientError | ResponseParserError) -> str:
    """A readable reason; the local endpoint reports resource errors as non-XML bodies."""
    if isinstance(exc, ResponseParserError):
        found = re.search(r'"message": "((?:[^"\\]|\\.)*)"', str(exc))
        return found.group(1) if found else "the endpoint sent an unreadable error (see its log)"
    error = exc.response.get("Error", {})
    message = error.get("Message") or str(exc)
    if "<html" in message.lower() or "<!doctype" in message.lower():
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return f"the endpoint failed with HTTP {status} (see the local endpoint log)"
    return message
