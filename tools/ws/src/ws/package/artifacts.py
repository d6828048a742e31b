"""Template properties that name local files besides code, as `sam package` knows them.

The table is sam-cli's (samcli/lib/utils/resources.py RESOURCES_WITH_LOCAL_PATHS, and
AWS::Include from packageable_resources.py), written out here with the form each property
takes once uploaded; code is package/code.py's. ws uploads through its own uploader, by
content hash and only when the stack deploys, so it takes sam's list, not sam's exporters.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ws.errors import ConfigError

BUCKET_KEY, URI, TEMPLATE, INCLUDE = "bucket-key", "s3-uri", "template", "include"
_APPSYNC = {"RequestMappingTemplateS3Location": URI, "ResponseMappingTemplateS3Location": URI,
            "CodeS3Location": URI}
FILE_PROPERTIES: dict[str, dict[str, str]] = {
    "AWS::Serverless::Api": {"DefinitionUri": BUCKET_KEY},
    "AWS::Serverless::HttpApi": {"DefinitionUri": BUCKET_KEY},
    "AWS::Serverless::StateMachine": {"DefinitionUri": BUCKET_KEY},
    # "*": every key at that level (sam's GraphQLApiCodeResource walks them the same way)
    "AWS::Serverless::GraphQLApi": {"SchemaUri": URI, "Resolvers.*.*.CodeUri": URI,
                                    "Functions.*.CodeUri": URI},
    "AWS::ApiGateway::RestApi": {"BodyS3Location": BUCKET_KEY},
    "AWS::ApiGatewayV2::Api": {"BodyS3Location": BUCKET_KEY},
    "AWS::StepFunctions::StateMachine": {"DefinitionS3Location": BUCKET_KEY},
    "AWS::AppSync::GraphQLSchema": {"DefinitionS3Location": URI},
    "AWS::AppSync::Resolver": _APPSYNC,
    "AWS::AppSync::FunctionConfiguration": _APPSYNC,
    "AWS::Glue::Job": {"Command.ScriptLocation": URI},
    "AWS::CloudFormation::Stack": {"TemplateURL": TEMPLATE},
    "AWS::Serverless::Application": {"Location": TEMPLATE},
}
HINT = "give a path relative to the template's folder, inside the workspace"


@dataclass(frozen=True)
class LocalFile:
    """A property (or an AWS::Include) that names a local file."""

    keys: tuple[str | int, ...]  # where: the property, or the node holding the Fn::Transform
    value: str  # as written
    path: Path
    form: str  # BUCKET_KEY, URI, TEMPLATE or INCLUDE

    @property
    def where(self) -> str:
        return ".".join(str(k) for k in self.keys)


def local_files(body: dict[str, Any], base: Path, root: Path, display: str,
                source: Path) -> list[LocalFile]:
    """Every property and AWS::Include of `body` that names a local file (relative to `base`,
    the template's folder), each checked to be a file inside `root` (ConfigError otherwise,
    naming `display` and the line where `source` writes it)."""
    return [LocalFile(keys, value, _checked(value, keys, form, base, root, display, source), form)
            for keys, value, form in _candidates(body)]


def is_local(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and \
        not value.startswith(("s3://", "http://", "https://"))


def _candidates(body: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    for logical_id, resource in sorted((body.get("Resources") or {}).items()):
        if not isinstance(resource, dict):
            continue
        for prop, form in FILE_PROPERTIES.get(resource.get("Type", ""), {}).items():
            for keys in _expanded(body, ("Resources", logical_id, "Properties"),
                                  tuple(prop.split("."))):
                value = _at(body, keys)
                if is_local(value):
                    yield keys, value, form
    for keys, location in _includes(body, ()):
        yield keys, location, INCLUDE


def _includes(node: Any, keys: tuple[str | int, ...]) -> Iterator[tuple[tuple, str]]:
    """Fn::Transform AWS::Include nodes anywhere whose Location is local (as sam finds them)."""
    if isinstance(node, dict):
        transform = node.get("Fn::Transform")
        if isinstance(transform, dict) and transform.get("Name") == "AWS::Include":
            location = (transform.get("Parameters") or {}).get("Location")
            if is_local(location):
                yield keys, location
        for key, value in node.items():
            yield from _includes(value, (*keys, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _includes(value, (*keys, index))


def _expanded(body: Any, done: tuple[str | int, ...],
              rest: tuple[str, ...]) -> Iterator[tuple[str | int, ...]]:
    """The key paths `done` + `rest` names, a "*" in `rest` standing for each key there."""
    if not rest:
        yield done
    elif rest[0] == "*":
        node = _at(body, done)
        for key in sorted(node) if isinstance(node, dict) else ():
            yield from _expanded(body, (*done, key), rest[1:])
    else:
        yield from _expanded(body, (*done, rest[0]), rest[1:])


def _at(body: Any, keys: tuple[str | int, ...]) -> Any:
    for key in keys:
        if not isinstance(body, (dict, list)):
            return None
        try:
            body = body[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return body


def set_at(body: Any, keys: tuple[str | int, ...], value: Any) -> None:
    """Replace the value at `keys` (which exists) in `body`."""
    for key in keys[:-1]:
        body = body[key]
    body[keys[-1]] = value


def _checked(value: str, keys: tuple, form: str, base: Path, root: Path, display: str,
             source: Path) -> Path:
    path = base / value
    real = path.resolve()
    problem = None
    if not real.is_relative_to(root.resolve()):
        problem = "is outside the workspace"
    elif not real.exists():
        problem = "does not exist"
    elif not real.is_file():
        problem = "is not a file"
    if problem:
        label = ".".join(str(k) for k in keys[1:] if k != "Properties") or "template"
        if form == INCLUDE:
            label += " (AWS::Include)"
        raise ConfigError(f"{label}: {value!r} {problem}", HINT, path=display,
                          line=line_of_value(source, value))
    return path


def line_of_value(source: Path, value: str) -> int | None:
    """The first line of `source` that writes `value` (templates keep no lines once parsed)."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, line in enumerate(lines, start=1) if value in line), None)


def relative(path: Path, root: Path) -> str:
    return os.path.relpath(path, root)
