"""The gateway's own answers (API Gateway's default gateway responses), as JSON messages."""
from __future__ import annotations

import json

from ws.local.apigw.request import ApiResponse

_TYPES = {401: "UnauthorizedException", 403: "ForbiddenException",
          404: "NotFoundException", 500: "InternalServerErrorException",
          502: "InternalServerErrorException", 504: "InternalServerErrorException"}


def message(status: int, text: str, error_type: str | None = None) -> ApiResponse:
    """`{"message": text}` with `status`, typed in x-amzn-ErrorType as API Gateway does."""
    headers = (("Content-Type", "application/json"),
               ("x-amzn-ErrorType", error_type or _TYPES.get(status, "")))
    return ApiResponse(status, headers, json.dumps({"message": text}).encode())


def missing_token() -> ApiResponse:
    """An unknown resource or method: API Gateway's MISSING_AUTHENTICATION_TOKEN."""
    return message(403, "Missing Authentication Token", "MissingAuthenticationTokenException")


def forbidden() -> ApiResponse:
    """An unknown stage."""
    return message(403, "Forbidden")


def unknown_api(api_id: str) -> ApiResponse:
    """No REST API with this id on the endpoint (on AWS, its host name would not resolve)."""
    return message(404, f"no REST API {api_id} on the local endpoint")


def unauthorized(text: str = "Unauthorized") -> ApiResponse:
    return message(401, text)


def internal_error() -> ApiResponse:
    """A failing integration (configuration error): 500."""
    return message(500, "Internal server error")


def bad_gateway() -> ApiResponse:
    """A function error or a malformed Lambda proxy response: 502."""
    return message(502, "Internal server error")


def timed_out() -> ApiResponse:
    return message(504, "Endpoint request timed out")
