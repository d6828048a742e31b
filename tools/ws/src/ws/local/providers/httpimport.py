"""An HTTP API's OpenAPI Body imported as API Gateway imports it: one route per operation
(`x-amazon-apigateway-any-method` is ANY, path `$default` the $default route) with its whole
integration (subtype, request parameters, credentials, connection, timeout; a `$ref` to
`components.x-amazon-apigateway-integrations` followed), the authorizers of
`components.securitySchemes` and each route's `security` (the document's by default).

moto's own import keeps only an integration's type, method, URI and payload version, and
takes every key of a Path Item for an HTTP method."""
from __future__ import annotations

from typing import Any

from ws.local.openapipaths import operations, pointer

_INTEGRATION = {"connection_id": "connectionId", "content_handling_strategy": "contentHandling",
                "credentials_arn": "credentials", "integration_method": "httpMethod",
                "integration_subtype": "integrationSubtype", "integration_uri": "uri",
                "payload_format_version": "payloadFormatVersion",
                "request_parameters": "requestParameters",
                "response_parameters": "responseParameters",
                "timeout_in_millis": "timeoutInMillis", "tls_config": "tlsConfig"}
_ANY = "x-amazon-apigateway-any-method"
_MADE = ("routes", "integrations", "authorizers")


def import_body(api: Any, body: dict[str, Any]) -> dict[str, list[str]]:
    """Add the routes, integrations and authorizers `body` describes to moto's `api`; the
    ids of what it made, by the api's collection."""
    before = {name: set(getattr(api, name)) for name in _MADE}
    authorizers = _authorizers(api, body)
    paths = body.get("paths")
    for path, item in (paths if isinstance(paths, dict) else {}).items():
        for method, operation in operations(body, item).items():
            verb = "ANY" if method.lower() == _ANY else method.upper()
            key = "$default" if path.lstrip("/") == "$default" else f"{verb} {path}"
            target = _integration(api, body, operation.get("x-amazon-apigateway-integration"))
            kind, authorizer, scopes = _security(operation.get("security", body.get("security")),
                                                 authorizers)
            api.create_route(api_key_required=False, authorization_scopes=scopes, route_key=key,
                             target=target, authorization_type=kind, authorizer_id=authorizer,
                             operation_name=operation.get("operationId"))
    if isinstance(body.get("x-amazon-apigateway-cors"), dict):
        api.cors_configuration = body["x-amazon-apigateway-cors"]
    return {name: sorted(set(getattr(api, name)) - before[name]) for name in _MADE}


def _integration(api: Any, body: dict[str, Any], spec: Any) -> str | None:
    """`integrations/<id>` of the integration made from `spec`, None without one."""
    if isinstance(spec, dict) and isinstance(spec.get("$ref"), str):
        spec = pointer(body, spec["$ref"])
    if not isinstance(spec, dict):
        return None
    args = {name: spec.get(key) for name, key in _INTEGRATION.items()}
    made = api.create_integration(
        connection_type=spec.get("connectionType", "INTERNET"),
        description="AutoCreate from OpenAPI Import",
        integration_type=str(spec.get("type", "aws_proxy")).upper(), **args)
    return f"integrations/{made.id}"


def _authorizers(api: Any, body: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """{security scheme: (route authorization type, authorizer id)} for every scheme that
    API Gateway understands."""
    components = body.get("components")
    schemes = (components.get("securitySchemes") if isinstance(components, dict) else None) \
        or body.get("securityDefinitions")
    found: dict[str, tuple[str, str | None]] = {}
    for name, scheme in (schemes if isinstance(schemes, dict) else {}).items():
        if not isinstance(scheme, dict):
            continue
        if scheme.get("x-amazon-apigateway-authtype") == "awsSigv4":
            found[name] = ("AWS_IAM", None)
        spec = scheme.get("x-amazon-apigateway-authorizer")
        if not isinstance(spec, dict):
            continue
        jwt = str(spec.get("type", "")).lower() == "jwt"
        sources = spec.get("identitySource") or ("" if jwt else "$request.header.Authorization")
        made = api.create_authorizer(
            auth_creds_arn=spec.get("authorizerCredentials"),
            auth_payload_format_version=spec.get("authorizerPayloadFormatVersion"),
            auth_result_ttl=spec.get("authorizerResultTtlInSeconds"),
            authorizer_type="JWT" if jwt else "REQUEST",
            authorizer_uri=spec.get("authorizerUri"),
            enable_simple_response=spec.get("enableSimpleResponses"),
            identity_source=_sources(sources), identity_validation_expr=None,
            jwt_config=spec.get("jwtConfiguration"), name=name)
        found[name] = ("JWT" if jwt else "CUSTOM", made.id)
    return found


def _sources(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _security(requirements: Any, authorizers: dict[str, tuple[str, str | None]]
              ) -> tuple[str, str | None, list[str]]:
    """(authorization type, authorizer id, scopes) of the first requirement API Gateway
    knows; NONE when there is none (an empty requirement list turns authorization off)."""
    for requirement in requirements if isinstance(requirements, list) else []:
        for name, scopes in (requirement if isinstance(requirement, dict) else {}).items():
            if name in authorizers:
                kind, authorizer = authorizers[name]
                return kind, authorizer, list(scopes or [])
    return "NONE", None, []
