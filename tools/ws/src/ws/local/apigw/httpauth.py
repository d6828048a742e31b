"""HTTP API authorizers: JWT (issuer, audience, expiry, scopes; a Cognito issuer's keys are
the endpoint's JWKS, another issuer's are fetched from its OpenID configuration), Lambda
(REQUEST, payload 1.0/2.0, simple responses or an IAM policy) and AWS_IAM (SigV4).

Each returns requestContext.authorizer; `Refused(status)` is 401 or 403 as API Gateway says.
The Lambda authorizer is in `httplambda`.
"""
from __future__ import annotations

import json
import time
import urllib.request
from functools import lru_cache
from typing import Any, Callable

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ws.local.apigw import cognito, httpevent, httplambda, iamauth
from ws.local.apigw.httplambda import Refused
from ws.local.apigw.lambdas import Invoker
from ws.local.apigw.policies import listed

_COGNITO = "https://cognito-idp."


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
    return httplambda.authorize(call, authorizer, invoker, _identity(call, authorizer))


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
    audience = {claims.get("client_id")} | set(listed(claims.get("aud")))
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
