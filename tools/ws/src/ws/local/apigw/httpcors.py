"""An HTTP API's CORS configuration: preflight requests answered by the gateway, and the
Access-Control-* headers added to the responses of allowed origins."""
from __future__ import annotations

from typing import Any

from ws.local.apigw.request import ApiRequest, ApiResponse


def config(api: Any) -> dict[str, Any] | None:
    """The API's CORS configuration with camelCase keys (allowOrigins...), or None."""
    raw = getattr(api, "cors_configuration", None)
    if not isinstance(raw, dict) or not raw:
        return None
    return {k[0].lower() + k[1:]: v for k, v in raw.items()}


def is_preflight(request: ApiRequest) -> bool:
    return request.method == "OPTIONS" and bool(request.header("Origin")) and bool(
        request.header("Access-Control-Request-Method"))


def preflight(cors: dict[str, Any], request: ApiRequest) -> ApiResponse:
    """204 with what the configuration allows (no Allow-Origin for an origin it does not)."""
    headers = list(_origin_headers(cors, request.header("Origin") or ""))
    if headers:
        methods = cors.get("allowMethods") or []
        asked = request.header("Access-Control-Request-Method") or ""
        if "*" in methods or asked.upper() in (m.upper() for m in methods):
            headers.append(("Access-Control-Allow-Methods",
                            ",".join(methods) if "*" not in methods else asked))
        allowed = cors.get("allowHeaders") or []
        if allowed:
            asked_headers = request.header("Access-Control-Request-Headers") or ""
            headers.append(("Access-Control-Allow-Headers",
                            asked_headers if "*" in allowed else ",".join(allowed)))
        if cors.get("maxAge") is not None:
            headers.append(("Access-Control-Max-Age", str(cors["maxAge"])))
    return ApiResponse(204, tuple(headers), b"")


def decorate(cors: dict[str, Any] | None, request: ApiRequest,
             response: ApiResponse) -> ApiResponse:
    """`response` with the CORS headers an allowed Origin gets."""
    origin = request.header("Origin")
    if cors is None or not origin:
        return response
    extra = list(_origin_headers(cors, origin))
    if extra and cors.get("exposeHeaders"):
        extra.append(("Access-Control-Expose-Headers", ",".join(cors["exposeHeaders"])))
    return ApiResponse(response.status, response.headers + tuple(extra), response.body)


def _origin_headers(cors: dict[str, Any], origin: str) -> list[tuple[str, str]]:
    origins = cors.get("allowOrigins") or []
    if "*" not in origins and origin not in origins:
        return []
    headers = [("Access-Control-Allow-Origin", "*" if "*" in origins and not
                cors.get("allowCredentials") else origin)]
    if cors.get("allowCredentials"):
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return headers
