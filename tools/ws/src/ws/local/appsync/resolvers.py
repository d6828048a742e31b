"""One field through its UNIT resolver: the request template (or AppSync's direct Lambda
event), the data source (AWS_LAMBDA, AMAZON_DYNAMODB, NONE), the response template."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ws.local.apigw.awsintegration import ServiceCaller
from ws.local.apigw.lambdas import Invoker, UnknownFunction
from ws.local.appsync import dynamodb, templates
from ws.local.appsync.dynamodb import DataSourceError


@dataclass(frozen=True)
class Api:
    """What resolving needs of one deployed API."""

    region: str
    sources: dict[str, dict[str, Any]]
    resolvers: dict[tuple[str, str], dict[str, Any]]
    invoker: Invoker
    services: ServiceCaller


def resolve(api: Api, resolver: dict[str, Any], context: dict[str, Any]) -> Any:
    """The field's value; raises DataSourceError or templates.TemplateRaised for its error."""
    where = f"{resolver['TypeName']}.{resolver['FieldName']}"
    if resolver.get("Kind") == "PIPELINE" or resolver.get("Runtime") or resolver.get("Code"):
        kind = "APPSYNC_JS" if resolver.get("Runtime") or resolver.get("Code") else "PIPELINE"
        raise DataSourceError(f"{where}: {kind} resolvers are not served by ws's local endpoint"
                              " (UNIT resolvers with VTL templates, or direct Lambda, are)",
                              "UnsupportedResolver")
    source = api.sources.get(resolver.get("DataSourceName") or "")
    if source is None:
        raise DataSourceError(f"{where}: no data source {resolver.get('DataSourceName')!r}",
                              "DataSourceNotFound")
    request_template = resolver.get("RequestMappingTemplate")
    request = _json(templates.evaluate(request_template, context), "request", where) \
        if request_template else None
    result = _run(api, source, request, context)
    response_template = resolver.get("ResponseMappingTemplate")
    if not response_template:
        return result
    return _json(templates.evaluate(response_template, {**context, "result": result}),
                 "response", where)


def _json(rendered: str, which: str, where: str) -> Any:
    if not rendered.strip():
        return None
    try:
        return json.loads(rendered)
    except ValueError as exc:
        raise DataSourceError(f"{where}: the {which} mapping template's output is not JSON "
                              f"({exc}): {rendered.strip()[:200]}", "MappingTemplate") from None


def _run(api: Api, source: dict[str, Any], request: Any, context: dict[str, Any]) -> Any:
    kind = source.get("Type")
    if kind == "NONE":
        return (request or {}).get("payload")
    if kind == "AWS_LAMBDA":
        event = context if request is None else request.get("payload")
        return _invoke(api, source["LambdaConfig"]["LambdaFunctionArn"], event)
    if kind == "AMAZON_DYNAMODB":
        if request is None:
            raise DataSourceError("a DynamoDB resolver needs a request mapping template",
                                  "MappingTemplate")
        return dynamodb.run(request, source["DynamoDBConfig"], api.region, api.services)
    raise DataSourceError(f"{kind} data sources are not served by ws's local endpoint "
                          "(AWS_LAMBDA, AMAZON_DYNAMODB and NONE are)", "UnsupportedDataSource")


def _invoke(api: Api, arn: str, event: Any) -> Any:
    try:
        answer = api.invoker(arn, json.dumps(event).encode())
    except UnknownFunction as exc:
        raise DataSourceError(str(exc), "Lambda:ResourceNotFoundException") from None
    payload = json.loads(answer.payload) if answer.payload.strip() else None
    if answer.error:
        payload = payload if isinstance(payload, dict) else {}
        raise DataSourceError(str(payload.get("errorMessage", "the function failed")),
                              str(payload.get("errorType", "Lambda:Unhandled")))
    return payload
