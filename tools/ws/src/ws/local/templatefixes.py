"""Make a plain CloudFormation template deploy faithfully on the local endpoint.

moto's RestApi ignores `Body` (the OpenAPI document that SAM's Serverless::Api produces), so
the API's routes, methods, integrations, authorizers and request checks are expanded here
into explicit AWS::ApiGateway::Resource/Method/Authorizer/Model/RequestValidator resources
that moto (with ws's providers) creates.
"""
from __future__ import annotations

import copy
import hashlib
from collections.abc import Collection
from typing import Any

from ws.local import openapichecks, openapipaths


def unsupported_types(template: dict[str, Any], known: Collection[str] | None = None,
                      placeholders: bool = True) -> list[tuple[str, str]]:
    """(logical id, type) of every resource the local endpoint cannot take: a type outside
    `AWS::` and `Custom::` (or SAM's, left untranslated), and, unless `placeholders` allows
    them, every `placeholder_types` one.

    `known`: the types the endpoint creates (ws.local.resourcetypes); None works them out
    here, which loads moto (about 1.5 s)."""
    known = _known(known)
    refused = {(logical, kind) for logical, kind in _types(template)
               if kind not in known and not kind.startswith("Custom::")
               and not is_placeholder_type(kind, known)}
    return sorted(refused if placeholders else refused | set(placeholder_types(template, known)))


def placeholder_types(template: dict[str, Any],
                      known: Collection[str] | None = None) -> list[tuple[str, str]]:
    """(logical id, type) of every resource the endpoint makes a placeholder of: an `AWS::`
    type it cannot run, recorded with AWS-shaped Ref/GetAtt (ws.local.providers.placeholder)."""
    known = _known(known)
    return sorted((logical, kind) for logical, kind in _types(template)
                  if is_placeholder_type(kind, known) or logical in _unpolled(template, known))


def is_placeholder_type(kind: str, known: Collection[str]) -> bool:
    """An `AWS::` type the endpoint has no provider for (SAM's own are translated first)."""
    return kind.startswith("AWS::") and not kind.startswith("AWS::Serverless::") \
        and kind not in known


POLLED = ("sqs", "kinesis", "dynamodb")  # event sources the endpoint's Lambda reads


def _unpolled(template: dict[str, Any], known: Collection[str]) -> set[str]:
    """Event source mappings of a source the endpoint cannot read (a broker, Kafka, a
    placeholder): recorded as placeholders (ws.local.providers.patched.EventSourceMapping)."""
    resources = template.get("Resources") or {}
    return {logical for logical, res in resources.items()
            if (res or {}).get("Type") == "AWS::Lambda::EventSourceMapping"
            and not _polled((res.get("Properties") or {}).get("EventSourceArn"), resources,
                            known)}


def _polled(source: Any, resources: dict[str, Any], known: Collection[str]) -> bool:
    if source is None:
        return False  # a self-managed Kafka cluster
    if isinstance(source, str):
        parts = source.split(":")
        return len(parts) > 2 and parts[2] in POLLED
    if isinstance(source, dict):
        target = resources.get(source.get("Ref") or (source.get("Fn::GetAtt") or [""])[0])
        return target is None or not is_placeholder_type(str(target.get("Type")), known)
    return True


def _known(known: Collection[str] | None) -> Collection[str]:
    if known is None:
        from . import providers  # imported here: moto, which only this fallback needs
        known = providers.supported_types()
    return known


def _types(template: dict[str, Any]) -> list[tuple[str, str]]:
    return [(logical, str((res or {}).get("Type")))
            for logical, res in (template.get("Resources") or {}).items()]


def prepare(template: dict[str, Any]) -> dict[str, Any]:
    """A copy of `template` with every RestApi Body expanded into explicit resources (made
    under the API's own Condition, if it has one)."""
    result = copy.deepcopy(template)
    resources = result["Resources"]
    for logical, res in list(resources.items()):
        props = res.get("Properties") or {}
        if res.get("Type") == "AWS::ApiGateway::RestApi" and isinstance(props.get("Body"), dict):
            before = set(resources)
            _expand(logical, props, resources)
            if "Condition" in res:
                for added in set(resources) - before:
                    resources[added]["Condition"] = res["Condition"]
    return result


def _expand(api: str, props: dict[str, Any], resources: dict[str, Any]) -> None:
    spec = props.pop("Body")
    props.setdefault("Name", (spec.get("info") or {}).get("title") or api)
    if isinstance(spec.get("x-amazon-apigateway-binary-media-types"), list):
        props.setdefault("BinaryMediaTypes", spec["x-amazon-apigateway-binary-media-types"])
    if spec.get("x-amazon-apigateway-api-key-source"):
        props.setdefault("ApiKeySourceType", spec["x-amazon-apigateway-api-key-source"])
    authorizers = _authorizers(api, spec, resources)
    checks = openapichecks.Checks.of(api, spec, resources)
    methods = []
    for path, item in sorted((spec.get("paths") or {}).items()):
        parent = _resource_for(api, path, resources)
        for verb, operation in sorted(openapipaths.operations(spec, item).items()):
            operation.setdefault("security", _document_security(spec))
            methods.append(_method(api, parent, path, verb, operation, authorizers, resources))
            resources[methods[-1]]["Properties"].update(checks.method_props(operation))
    for res in resources.values():
        if res.get("Type") == "AWS::ApiGateway::Deployment" and \
                res.get("Properties", {}).get("RestApiId") == {"Ref": api}:
            depends = res.get("DependsOn", [])
            res["DependsOn"] = sorted(set([depends] if isinstance(depends, str) else depends)
                                      | set(methods))


def _document_security(spec: dict[str, Any]) -> list[Any]:
    """The document's `security`, which API Gateway applies to an OpenAPI 3 document's
    operations without their own (not to a Swagger 2.0 one's)."""
    security = spec.get("security") if "openapi" in spec else None
    return security if isinstance(security, list) else []


def _id(api: str, kind: str, key: str) -> str:
    return f"{api}{kind}{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def _authorizers(api: str, spec: dict[str, Any], resources: dict[str, Any]) -> dict[str, str]:
    """securityDefinitions with an API Gateway authorizer -> logical ids of Authorizers."""
    found = {}
    for name, definition in sorted((spec.get("securityDefinitions") or
                                    (spec.get("components") or {}).get("securitySchemes")
                                    or {}).items()):
        auth = definition.get("x-amazon-apigateway-authorizer")
        if definition.get("x-amazon-apigateway-authtype") == "awsSigv4":
            found[name] = ""  # AWS_IAM: no Authorizer resource
        if not isinstance(auth, dict):
            continue
        logical = _id(api, "Authorizer", name)
        header = definition.get("name", "Authorization")
        props = {"RestApiId": {"Ref": api}, "Name": name, "Type": auth["type"].upper(),
                 "IdentitySource": auth.get("identitySource", f"method.request.header.{header}")}
        for key, prop in (("providerARNs", "ProviderARNs"), ("authorizerUri", "AuthorizerUri"),
                          ("authorizerResultTtlInSeconds", "AuthorizerResultTtlInSeconds"),
                          ("identityValidationExpression", "IdentityValidationExpression")):
            if key in auth:
                props[prop] = auth[key]
        resources[logical] = {"Type": "AWS::ApiGateway::Authorizer", "Properties": props}
        found[name] = logical
    return found


def _resource_for(api: str, path: str, resources: dict[str, Any]) -> Any:
    """The ResourceId expression for `path`, adding a Resource per path segment."""
    parent: Any = {"Fn::GetAtt": [api, "RootResourceId"]}
    prefix = ""
    for part in [p for p in path.split("/") if p]:
        prefix += "/" + part
        logical = _id(api, "Resource", prefix)
        resources.setdefault(logical, {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "RestApiId": {"Ref": api}, "ParentId": parent, "PathPart": part}})
        parent = {"Ref": logical}
    return parent


def _method(api: str, resource: Any, path: str, verb: str, operation: dict[str, Any],
            authorizers: dict[str, str], resources: dict[str, Any]) -> str:
    http = "ANY" if verb == "x-amazon-apigateway-any-method" else verb.upper()
    props: dict[str, Any] = {"RestApiId": {"Ref": api}, "ResourceId": resource,
                             "HttpMethod": http, "AuthorizationType": "NONE"}
    for requirement in operation.get("security") or []:
        for name, scopes in requirement.items():
            if authorizers.get(name) == "":
                props["AuthorizationType"] = "AWS_IAM"
            elif name in authorizers:
                kind = resources[authorizers[name]]["Properties"]["Type"]
                props["AuthorizationType"] = "COGNITO_USER_POOLS" \
                    if kind == "COGNITO_USER_POOLS" else "CUSTOM"
                props["AuthorizerId"] = {"Ref": authorizers[name]}
                if scopes:
                    props["AuthorizationScopes"] = scopes
    integration = operation.get("x-amazon-apigateway-integration")
    if isinstance(integration, dict):
        props["Integration"] = {"Type": integration.get("type", "aws_proxy").upper(),
                                "IntegrationHttpMethod": integration.get("httpMethod", "POST"),
                                "Uri": integration.get("uri", ""),
                                **_integration_extras(integration)}
        props["MethodResponses"] = _method_responses(operation)
    logical = _id(api, "Method", f"{http} {path}")
    resources[logical] = {"Type": "AWS::ApiGateway::Method", "Properties": props}
    return logical


def _integration_extras(integration: dict[str, Any]) -> dict[str, Any]:
    """Request templates, parameters, passthrough, credentials (an AWS integration's), the VPC
    link of a private integration, the timeout, and integration responses (a MOCK's, e.g.
    SAM's CORS preflight)."""
    extras: dict[str, Any] = {}
    for key in ("requestTemplates", "requestParameters", "passthroughBehavior", "credentials",
                "contentHandling", "connectionType", "connectionId", "timeoutInMillis"):
        if integration.get(key):
            extras[key[0].upper() + key[1:]] = integration[key]
    responses = []
    for pattern, answer in sorted((integration.get("responses") or {}).items()):
        item = {"StatusCode": str(answer.get("statusCode", "200")),
                "ResponseParameters": answer.get("responseParameters") or {},
                "ResponseTemplates": answer.get("responseTemplates") or {}}
        if pattern != "default":
            item["SelectionPattern"] = pattern
        responses.append(item)
    if responses:
        extras["IntegrationResponses"] = responses
    return extras


def _method_responses(operation: dict[str, Any]) -> list[dict[str, Any]]:
    """The OpenAPI operation's responses: status codes and the headers they may carry."""
    return [{"StatusCode": str(status),
             "ResponseParameters": {f"method.response.header.{h}": False
                                    for h in sorted((answer or {}).get("headers") or {})}}
            for status, answer in sorted((operation.get("responses") or {}).items())
            if str(status).isdigit()]
