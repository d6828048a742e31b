"""HTTP API authorizers: JWT (issuer, audience, expiry, scopes; a Cognito issuer's keys are
the endpoint's JWKS, another issuer's are fetched from its OpenID configuration), Lambda
(REQUEST, payload 1.0/2.0, simple responses or an IAM policy) and AWS_IAM (SigV4).

Each returns requestContext.authorizer; `Refused(status)` is 401 or 403 as API Gateway says.
"""
from __future__ import annotations

import fnmatch
import json
import time
import urllib.request
from functools import lru_cache
from typing import Any, Callable

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ws.local.apigw import cognito, httpevent, iamauth
from ws.local.apigw.lambdas import Invoker, function_arn

_COGNITO = "https://cognito-idp."


class Refused(Exception):
    """The request is not let through: 401 Unauthorized or 403 Forbidden."""

    def __init__(self, status: int) -> None:
        super().__init__("Unauthorized" if status == 401 else "Forbidden")
        self.status = status


def authorize(call: httpevent.Call, invoker: Invoker,
              clock: Callable[[], float] = time.time) -> dict[str, Any] | None:
    """requestContext.authorizer for the call's route (None when it has no authorization)."""
    kind = (call.route.authorization_type or "NONE").upper()
    if kind == "NONE":
        return None
    if kind == "AWS_IAM":
        return _iam(call, clock)
    authorizer = call.api.authorizers.get(call.route.authorizer_id or "")
    if authorizer is None:
        raise LookupError(f"route {call.route.route_key}: no authorizer "
                          f"{call.route.authorizer_id}")
    if kind == "JWT":
        return _jwt(call, authorizer, clock)
    return _lambda(call, authorizer, invoker)


def _iam(call: httpevent.Call, clock: Callable[[], float]) -> dict[str, Any]:
    try:
        caller = iamauth.authorize(call.request, call.account_id, call.region, clock,
                                   aws_path=call.raw_path)
    except iamauth.Forbidden:
        raise Refused(403) from None
    return {"iam": {"accessKey": caller.access_key, "accountId": caller.account_id,
                    "callerId": caller.user_id, "principalOrgId": None,
                    "userArn": caller.arn, "userId": caller.user_id, "cognitoIdentity": None}}


def _jwt(call: httpevent.Call, authorizer: Any, clock: Callable[[], float]) -> dict[str, Any]:
    config = {k[0].lower() + k[1:]: v for k, v in (authorizer.jwt_config or {}).items()}
    token = _identity(call, authorizer)[0].removeprefix("Bearer ").strip()
    issuer = str(config.get("issuer") or "")
    try:
        claims = dict(jwt.decode(token, _keys(issuer), algorithms=["RS256"]).claims)
    except (JoseError, ValueError, TypeError, KeyError, OSError):
        raise Refused(401) from None
    now = clock()
    audience = {claims.get("client_id")} | set(_listed(claims.get("aud")))
    if claims.get("iss") != issuer or not audience & set(config.get("audience") or []) \
            or not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= now \
            or claims.get("nbf", 0) > now:
        raise Refused(401)
    scopes = str(claims.get("scope", "")).split()
    if call.route.authorization_scopes and not set(scopes) & set(
            call.route.authorization_scopes):
        raise Refused(403)
    return {"jwt": {"claims": {k: _text(v) for k, v in claims.items()},
                    "scopes": scopes or None}}


def _lambda(call: httpevent.Call, authorizer: Any, invoker: Invoker) -> dict[str, Any]:
    identity = _identity(call, authorizer)
    route_arn = (f"arn:aws:execute-api:{call.region}:{call.account_id}:{call.api.api_id}/"
                 f"{call.stage_name}/{call.request.method}{call.path}")
    version = str(authorizer.auth_payload_format_version or "2.0")
    if version == "2.0":
        event = {**httpevent.event_v2(call, None), "type": "REQUEST", "routeArn": route_arn,
                 "identitySource": identity}
    else:
        event = {**httpevent.event_v1(call, None), "type": "REQUEST", "methodArn": route_arn,
                 "identitySource": ",".join(identity)}
    answer = invoker(function_arn(authorizer.authorizer_uri or ""), json.dumps(event).encode())
    try:
        result = json.loads(answer.payload)
    except ValueError:
        result = None
    if answer.error or not isinstance(result, dict):
        raise LookupError(f"Lambda authorizer {authorizer.name} failed: {answer.payload[:300]!r}")
    if authorizer.enable_simple_response and version == "2.0":
        allowed = result.get("isAuthorized") is True
    else:
        allowed = policy_allows(result.get("policyDocument") or {}, route_arn)
    if not allowed:
        raise Refused(403)
    context = dict(result.get("context") or {})
    if version == "2.0":
        return {"lambda": context}
    return {**context, "principalId": result.get("principalId")}


def _identity(call: httpevent.Call, authorizer: Any) -> list[str]:
    """The values of the authorizer's identity sources; 401 when one is missing."""
    values = []
    for source in authorizer.identity_source or ["$request.header.Authorization"]:
        kind, _, name = source.removeprefix("$request.").partition(".")
        if kind == "header":
            value = call.request.header(name)
        elif kind == "querystring":
            value = next((v for k, v in reversed(call.request.query) if k == name), None)
        else:
            value = None
        if not value:
            raise Refused(401)
        values.append(value)
    return values


def policy_allows(policy: dict[str, Any], route_arn: str) -> bool:
    """Whether an authorizer's IAM policy allows execute-api:Invoke on `route_arn` (a Deny
    that matches wins)."""
    allowed = False
    for statement in _listed(policy.get("Statement")):
        actions = _listed(statement.get("Action"))
        resources = _listed(statement.get("Resource"))
        if not any(fnmatch.fnmatchcase("execute-api:Invoke", a) for a in actions) or \
                not any(fnmatch.fnmatchcase(route_arn, r) for r in resources):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "[" + " ".join(str(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _keys(issuer: str) -> KeySet:
    if issuer.startswith(_COGNITO):
        return cognito.pool_keys()
    return _fetched_keys(issuer.rstrip("/"))


@lru_cache(maxsize=16)
def _fetched_keys(issuer: str) -> KeySet:
    with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration",
                                timeout=5) as answer:
        jwks_uri = json.loads(answer.read())["jwks_uri"]
    with urllib.request.urlopen(jwks_uri, timeout=5) as answer:
        return KeySet.import_key_set(json.loads(answer.read()))
