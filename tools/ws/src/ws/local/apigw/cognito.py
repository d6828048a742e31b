"""The COGNITO_USER_POOLS authorizer: verify a user pool's JWT as API Gateway does.

The token (the identity source header, `Bearer ` optional) must be an RS256 JWT signed with a
key of the pool's JWKS (moto signs every pool's tokens with its bundled key, kid "dummy", and
serves that JWKS at /<pool_id>/.well-known/jwks.json), issued by one of the authorizer's
pools, not expired, and an ID token, unless the method names authorization scopes: then an
access token carrying one of them (AWS: "If there are no scopes, the ID token is required").
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from moto.utilities.utils import load_resource

_JWKS = "cognitoidp/resources/jwks-public.json"  # what moto serves for every pool
_TIMES = ("exp", "iat")  # API Gateway shows these as dates, the rest as strings


class Denied(Exception):
    """The request is not authorized; `str()` is the message API Gateway answers with."""


@dataclass(frozen=True)
class CognitoAuthorizer:
    """One authorizer: its pools' issuers, the header it reads and the clock it trusts."""

    issuers: frozenset[str]
    header: str = "Authorization"
    clock: Callable[[], float] = time.time

    @classmethod
    def of(cls, authorizer: Any, clock: Callable[[], float] = time.time) -> "CognitoAuthorizer":
        """From moto's Authorizer model (provider ARNs, identity source)."""
        issuers = frozenset(filter(None, map(issuer, authorizer.provider_arns or [])))
        source = authorizer.identity_source or "method.request.header.Authorization"
        return cls(issuers, source.rsplit(".", 1)[-1], clock)

    def authorize(self, token: str | None, scopes: list[str] | None) -> dict[str, Any]:
        """The requestContext.authorizer for a valid `token`; Denied otherwise."""
        if not token:
            raise Denied("Unauthorized")
        claims = self._claims(token.removeprefix("Bearer ").strip())
        if claims.get("iss") not in self.issuers:
            raise Denied("Unauthorized")
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= self.clock():
            raise Denied("The incoming token has expired")
        _check_use(claims, scopes)
        return {"claims": {k: _shown(k, v) for k, v in claims.items()}}

    def _claims(self, token: str) -> dict[str, Any]:
        try:
            return dict(jwt.decode(token, _key_set(), algorithms=["RS256"]).claims)
        except (JoseError, ValueError, TypeError, KeyError):
            raise Denied("Unauthorized") from None


def issuer(pool_arn: str) -> str | None:
    """arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL -> the pool's token issuer; None for
    what is not a pool's ARN (no token matches it)."""
    parts = str(pool_arn).split(":")
    if len(parts) != 6 or not parts[5].startswith("userpool/"):
        return None
    region, pool = parts[3], parts[5].removeprefix("userpool/")
    return f"https://cognito-idp.{region}.amazonaws.com/{pool}"


def _check_use(claims: dict[str, Any], scopes: list[str] | None) -> None:
    if not scopes:
        if claims.get("token_use") != "id":
            raise Denied("Unauthorized")
        return
    granted = str(claims.get("scope", "")).split()
    if claims.get("token_use") != "access" or not set(granted) & set(scopes):
        raise Denied("Unauthorized")


def _shown(key: str, value: Any) -> str:
    """Claims reach the function as strings; exp and iat as API Gateway's dates."""
    if key in _TIMES and isinstance(value, (int, float)):
        return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(value))
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def pool_keys() -> KeySet:
    """The keys every user pool of the endpoint signs its tokens with."""
    return _key_set()


@lru_cache(maxsize=1)
def _key_set() -> KeySet:
    return KeySet.import_key_set(load_resource(_JWKS))
