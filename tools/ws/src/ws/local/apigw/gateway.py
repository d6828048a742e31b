"""Serve one request the way API Gateway does: find the route, authorize, check the API key
and the request (validators), integrate."""
from __future__ import annotations

import base64
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

from ws.local.apigw import (apikeys, httpapi, httproutes, iamauth, integrations, lambdaauth,
                            replies, restauth, routing, validation)
from ws.local.apigw.awsintegration import ServiceCaller
from ws.local.apigw.cognito import Denied
from ws.local.apigw.lambdas import Invoker, UnknownFunction, moto_invoke
from ws.local.apigw.request import ApiRequest, ApiResponse
from ws.local.apigw.websocket import management, routes as websocket_routes
from ws.local.apigw.websocket.connections import Connections

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Gateway:
    """The data plane's collaborators: how functions are invoked, how AWS integrations reach
    services (None: they answer 500), and the clock for tokens and signatures."""

    invoker: Invoker = moto_invoke
    clock: Callable[[], float] = field(default=time.time)
    services: ServiceCaller | None = None
    connections: Connections = field(default_factory=Connections)  # open WebSocket ones

    def serve(self, request: ApiRequest) -> ApiResponse:
        """The response to `request`, with API Gateway's request id headers."""
        response = self._answer(request)
        ids = (("x-amzn-RequestId", request.request_id),
               ("x-amz-apigw-id", base64.b64encode(uuid.uuid4().bytes[:12]).decode()))
        return ApiResponse(response.status, response.headers + ids, response.body)

    def _answer(self, request: ApiRequest) -> ApiResponse:
        found = routing.find_api(request.api_id)
        if found is None:
            http_api = httproutes.find_api(request.api_id)
            if http_api is not None and websocket_routes.is_websocket(http_api[0]):
                return management.serve(request, http_api[0], self.connections)
            if http_api is not None:
                return httpapi.serve(request, http_api, self.invoker, self.clock,
                                     self.services)
            return replies.unknown_api(request.api_id)
        api, account_id, region = found
        stage = routing.find_stage(api, request.stage)
        if stage is None:
            return replies.forbidden()
        route = routing.match(api, request.method, request.path)
        if route is None:
            return replies.missing_token()
        deployed = routing.Deployed(api, stage, account_id, region)
        try:
            request, authorizer = restauth.authorize(request, deployed, route, self.invoker,
                                                     self.clock)
        except iamauth.Forbidden as denied:
            return replies.missing_token() if denied.missing else replies.message(
                403, str(denied), denied.error_type)
        except Denied as denied:
            return replies.unauthorized(str(denied))
        except lambdaauth.Forbidden:
            return replies.message(403, "User is not authorized to access this resource "
                                   "with an explicit deny", "AccessDeniedException")
        except (LookupError, UnknownFunction) as exc:
            log.warning("%s %s: %s", request.method, request.path, exc)
            return replies.internal_error()
        if not apikeys.allowed(request, deployed, route):
            return replies.forbidden()
        failed = validation.problem(request, deployed, route)
        if failed:
            return replies.message(400, failed, "BadRequestException")
        return integrations.run(request, deployed, route, authorizer, self.invoker,
                                self.services)
