"""Run one GraphQL request against a deployed API's schema with graphql-core, each field with
a resolver through it, and answer in AppSync's shape ({"data", "errors"})."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from graphql import (GraphQLError, GraphQLResolveInfo, GraphQLSchema, build_schema,
                     default_field_resolver, graphql_sync, print_ast)

from ws.local.apigw.vtl import TemplateError
from ws.local.appsync import resolvers, templates
from ws.local.appsync.dynamodb import DataSourceError

_SCALARS = ("AWSDate", "AWSTime", "AWSDateTime", "AWSTimestamp", "AWSEmail", "AWSJSON", "AWSURL",
            "AWSPhone", "AWSIPAddress")


@lru_cache(maxsize=32)
def schema_of(definition: str) -> GraphQLSchema:
    """The executable schema of an AppSync definition (its AWS scalars declared; its @aws_*
    directives kept without checks)."""
    added = "\n".join(f"scalar {name}" for name in _SCALARS if f"scalar {name}" not in definition)
    return build_schema(f"{added}\n{definition}", assume_valid_sdl=True)


def execute(api: resolvers.Api, schema: GraphQLSchema, body: dict[str, Any],
            headers: dict[str, str]) -> dict[str, Any]:
    """The answer to one GraphQL request body ({query, variables, operationName})."""
    def field(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        resolver = api.resolvers.get((info.parent_type.name, info.field_name))
        if resolver is None:
            return default_field_resolver(source, info, **args)
        context = _context(source, info, args, headers, body.get("variables") or {})
        return resolvers.resolve(api, resolver, context)

    result = graphql_sync(schema, body.get("query") or "", variable_values=body.get("variables"),
                          operation_name=body.get("operationName"), field_resolver=field)
    answer: dict[str, Any] = {"data": result.data}
    if result.errors:
        answer["errors"] = [_error(e) for e in result.errors]
    return answer


def _context(source: Any, info: GraphQLResolveInfo, args: dict[str, Any],
             headers: dict[str, str], variables: dict[str, Any]) -> dict[str, Any]:
    """AppSync's context: the direct Lambda event, and $ctx in templates."""
    selections = info.field_nodes[0].selection_set
    names = [s.name.value for s in selections.selections if hasattr(s, "name")] \
        if selections else []
    return {"arguments": args, "identity": None, "source": source,
            "request": {"headers": headers, "domainName": None},
            "info": {"fieldName": info.field_name, "parentTypeName": info.parent_type.name,
                     "variables": variables, "selectionSetList": names,
                     "selectionSetGraphQL": print_ast(selections) if selections else ""},
            "prev": None, "stash": {}}


def _error(error: GraphQLError) -> dict[str, Any]:
    cause = error.original_error
    kind = getattr(cause, "error_type", None)
    if isinstance(cause, TemplateError):
        kind = "MappingTemplate"
    elif cause is not None and kind is None:
        kind = "Unknown"
    return {"path": error.path, "data": getattr(cause, "data", None), "errorType": kind,
            "errorInfo": None, "locations": [{"line": loc.line, "column": loc.column,
                                              "sourceName": None}
                                             for loc in error.locations or []],
            "message": str(cause) if cause is not None else error.message}


__all__ = ["DataSourceError", "execute", "schema_of", "templates"]
