"""Reading AWS errors: throttling, expired credentials, a missing permission, and a readable
reason for any error (the local endpoint answers some failures with HTML or JSON bodies)."""
from __future__ import annotations

import re

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
)
from botocore.parsers import ResponseParserError

from ws.cloud.localerrors import CODE, LOG_HINT, PREFIX
from ws.errors import DeployError

THROTTLING = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId",
           "UnrecognizedClientException"}
DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
          "AuthorizationError", "403"}
_ACTION = re.compile(r"not authorized to perform:? ([\w-]+:[\w*]+)(?: on resource:? (\S+))?")


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


def aws_problem(exc: BaseException) -> DeployError | None:
    """One clear line (and a hint) for an error AWS or botocore raised that is not ws's own:
    the call that failed and, for a refusal, the permission missing; None for anything else."""
    if isinstance(exc, ClientError):
        return credentials_problem(exc) or _endpoint_failed(exc) or _refused(exc)
    if isinstance(exc, ResponseParserError):
        first = (str(exc).splitlines() or [""])[0][:200]
        return DeployError(f"the endpoint sent an answer ws cannot read: {first}",
                           f"for the local endpoint, see {LOG_HINT}")
    if isinstance(exc, NoCredentialsError):
        return DeployError("no AWS credentials found", "set a profile (--profile, AWS_PROFILE, "
                           "or 'profile' in the environment file) or log in (aws sso login)")
    if isinstance(exc, NoRegionError):
        return DeployError("no AWS region", "set 'region' in the environment file, "
                           "AWS_REGION, or --region")
    if isinstance(exc, EndpointConnectionError):
        return DeployError(f"cannot reach AWS: {exc}", "check the network and AWS_ENDPOINT_URL")
    if isinstance(exc, BotoCoreError):
        return DeployError(f"AWS client error: {str(exc).splitlines()[0]}")
    return None


def _endpoint_failed(exc: ClientError) -> DeployError | None:
    """The local endpoint failed inside (ws.cloud.localerrors): its message says where."""
    message = message_of(exc)
    if exc.response.get("Error", {}).get("Code") != CODE or not message.startswith(PREFIX):
        return None
    return DeployError(message, "the endpoint keeps running; what failed is in that log")


def _refused(exc: ClientError) -> DeployError:
    code = exc.response.get("Error", {}).get("Code", "")
    call = exc.operation_name or "an AWS call"
    text = message_of(exc).splitlines()[0] if message_of(exc) else code
    if code not in DENIED:
        return DeployError(f"AWS refused {call} ({code}): {text}")
    found = _ACTION.search(text)
    if not found:
        return DeployError(f"AWS denied {call} ({code}): {text}",
                           f"grant the permission for {call} to the role or user ws runs as")
    where = f" on {found.group(2)}" if found.group(2) else ""
    return DeployError(f"AWS denied {call}: the credentials lack {found.group(1)}{where}",
                       f"grant {found.group(1)} to the role or user ws runs as "
                       "(README: the permissions ws needs)")


def message_of(exc: ClientError | ResponseParserError) -> str:
    """A readable reason; the local endpoint reports resource errors as non-XML bodies."""
    if isinstance(exc, ResponseParserError):
        found = re.search(r'"message": "((?:[^"\\]|\\.)*)"', str(exc))
        return found.group(1) if found else \
            "the endpoint sent an unreadable answer (see the local endpoint's server log)"
    error = exc.response.get("Error", {})
    message = error.get("Message") or str(exc)
    if "<html" in message.lower() or "<!doctype" in message.lower():
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return f"the endpoint failed with HTTP {status} (see the local endpoint log)"
    return message
