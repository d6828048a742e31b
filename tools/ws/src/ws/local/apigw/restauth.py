"""A REST API method's authorization: NONE, AWS_IAM (SigV4), COGNITO_USER_POOLS, or CUSTOM
(a Lambda authorizer). Gives the request (with the IAM caller) and requestContext.authorizer;
raises what the gateway answers: iamauth.Forbidden, cognito.Denied (401),
lambdaauth.Forbidden (403), LookupError (a configuration error: 500)."""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Any, Callable

from ws.local.apigw import iamauth, lambdaauth
from ws.local.apigw.cognito import CognitoAuthorizer
from ws.local.apigw.lambdas import Invoker
from ws.local.apigw.request import ApiRequest
from ws.local.apigw.routing import Deployed, Route


def authorize(request: ApiRequest, deployed: Deployed, route: Route, invoker: Invoker,
              clock: Callable[[], float] = time.time
              ) -> tuple[ApiRequest, dict[str, Any] | None]:
    """(the request as the integration sees it, requestContext.authorizer or None)."""
    method = route.method
    kind = (method.authorization_type or "NONE").upper()
    if kind == "NONE":
        return request, None
    if kind == "AWS_IAM":
        caller = iamauth.authorize(request, deployed.account_id, deployed.region, clock)
        return replace(request, caller=caller.identity()), None
    model = deployed.api.authorizers.get(method.authorizer_id or "")
    if model is None:
        raise LookupError(f"the method's authorizer {method.authorizer_id} does not exist")
    if kind == "COGNITO_USER_POOLS":
        cognito = CognitoAuthorizer.of(model, clock)
        return request, cognito.authorize(request.header(cognito.header),
                                          method.authorization_scopes)
    if kind == "CUSTOM":
        return request, lambdaauth.authorize(request, deployed, route, model, invoker)
    raise LookupError(f"authorization type {kind} is not served locally")
