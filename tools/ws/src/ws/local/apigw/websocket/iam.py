"""AWS_IAM on a WebSocket API's $connect route: the opening GET's Signature Version 4 (the
Authorization header, or a presigned URL's X-Amz-* query) is checked as a REST API's is
(`iamauth`), for the local URL or the API's own (`/{stage}` on its execute-api host); the
signer's identity goes into requestContext.identity of the connection's events."""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Callable

from ws.local.apigw import iamauth
from ws.local.apigw.request import ApiRequest
from ws.local.apigw.websocket.authorizer import Refused
from ws.local.apigw.websocket.routes import Deployed

if TYPE_CHECKING:
    from ws.local.apigw.websocket.session import Opening

log = logging.getLogger(__name__)


def authorize(deployed: Deployed, route: Any, opening: Opening,
              clock: Callable[[], float] = time.time) -> dict[str, str] | None:
    """The caller's requestContext.identity fields (None: the route is not AWS_IAM);
    Refused(403) when the opening request is unsigned or its signature does not match."""
    if str(route.authorization_type or "NONE").upper() != "AWS_IAM":
        return None
    request = ApiRequest(deployed.api_id, deployed.stage, "GET", "/", tuple(opening.query),
                         tuple(opening.headers), b"", opening.source_ip,
                         raw_target=opening.target)
    try:
        caller = iamauth.authorize(request, deployed.account_id, deployed.region, clock,
                                   aws_path=f"/{deployed.stage}")
    except iamauth.Forbidden as denied:
        log.info("WebSocket API %s $connect refused (AWS_IAM): %s", deployed.api_id, denied)
        raise Refused(403) from None
    return caller.identity()
