"""Serve one request the way API Gateway does: find the route, authorize, integrate."""
from __future__ import annotations

import base64
import logging
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from ws.local.apigw import httpapi, httproutes, iamauth, integrations, replies, routing
from ws.local.apigw.awsintegration import ServiceCaller
from ws.local.apigw.cognito import CognitoAuthorizer, Denied
from ws.local.apigw.lambdas import Invoker, moto_invoke
from ws.local.apigw.request import ApiRequest, ApiResponse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Gateway:
    """The data plane's collaborators: how functions are invoked, how AWS integrations reach
    services (None: they answer 500), and the clock for tokens and signatures."""

    invoker: Invoker = moto_invoke
    clock: Callable[[], float] = field(default=time.time)
    services: ServiceCaller | None = None

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
            if http_api is not None:
                return httpapi.serve(request, http_api, self.invoker, self.clock)
            return replies.unknown_api(request.api_id)
        api, account_id, region = found
        stage = routing.find_stage(api, request.stage)
        if stage is None:
            return replies.forbidden()
        route = routing.match(api, request.method, request.path)
        if route is None:
            return replies.missing_token()
        deployed = routing.Deployed(api, stage, account_id, region)
        if (route.method.authorization_type or "").upper() == "AWS_IAM":
            try:
                caller = iamauth.authorize(request, account_id, region, self.clock)
            except iamauth.Forbidden as denied:
                return replies.missing_token() if denied.missing else replies.message(
                    403, str(denied), denied.error_type)
            request = replace(request, caller=caller.identity())
        try:
            authorizer = self._authorize(request, api, route.method)
        except Denied as denied:
            return replies.unauthorized(str(denied))
        except LookupError as exc:
            log.warning("%s %s: %s", request.method, request.path, exc)
            return replies.internal_error()
        return integrations.run(request, deployed, route, authorizer, self.invoker,
                                self.services)

    def _authorize(self, request: ApiRequest, api: Any, method: Any) -> dict[str, Any] | None:
        """requestContext.authorizer for the method's authorization (None when it has none)."""
        kind = (method.authorization_type or "NONE").upper()
        if kind in ("NONE", "AWS_IAM"):
            return None
        if kind != "COGNITO_USER_POOLS":
            raise LookupError(f"authorization type {kind} is not served locally")
        model = api.authorizers.get(method.authorizer_id or "")
        if model is None:
            raise LookupError(f"the method's authorizer {method.authorizer_id} does not exist")
        authorizer = CognitoAuthorizer.of(model, self.clock)
        return authorizer.authorize(request.header(authorizer.header),
                                    method.authorization_scopes)
