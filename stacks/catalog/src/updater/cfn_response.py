"""Answer CloudFormation about a custom resource: the cfn-response protocol (a JSON document PUT
to the request's pre-signed ResponseURL), with urllib only."""
from __future__ import annotations

import json
import logging
import urllib.request

LOG = logging.getLogger(__name__)
MAX_REASON = 1000  # CloudFormation shows the reason in the stack's events; keep it readable


def body(event: dict, status: str, reason: str, physical_id: str, data: dict) -> dict:
    """The response document CloudFormation expects for `event` (SUCCESS or FAILED)."""
    return {"Status": status, "Reason": reason[:MAX_REASON], "PhysicalResourceId": physical_id,
            "StackId": event["StackId"], "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"], "NoEcho": False, "Data": data}


def send(event: dict, status: str, reason: str, physical_id: str, data: dict | None = None,
         timeout: float = 10) -> None:
    """PUT the response to event["ResponseURL"]; a failure to deliver it raises (so that Lambda's
    retry of the asynchronous invocation can deliver it)."""
    document = json.dumps(body(event, status, reason, physical_id, data or {})).encode()
    request = urllib.request.Request(  # the pre-signed S3 URL is signed without a content type
        event["ResponseURL"], data=document, method="PUT",
        headers={"Content-Type": "", "Content-Length": str(len(document))})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        LOG.info("answered %s for %s: HTTP %s", status, event["LogicalResourceId"], reply.status)
