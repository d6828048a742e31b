"""Expand the SAM transform locally with samtranslator, as sam-cli does (moto has no transform)."""
from __future__ import annotations

import copy
import logging
from typing import Any, Callable

from ws.errors import ConfigError

# samtranslator warns about metrics nobody publishes on every translation: noise for ws users.
logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)

APPLICATION = "AWS::Serverless::Application"
_PLACEHOLDER_URL = "https://placeholder.invalid/template.yaml"
_CODE = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri",
         "AWS::Serverless::Api": "DefinitionUri", "AWS::Serverless::HttpApi": "DefinitionUri",
         "AWS::Serverless::StateMachine": "DefinitionUri"}


def translate_sam(body: dict[str, Any], region: str, display: str,
                  sar_client: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Plain CloudFormation for a SAM template; SAM's own validation errors name the file.

    Serverless Application Repository apps (`AWS::Serverless::Application` with an
    ApplicationId) are looked up through `sar_client` (the target's own client); without one
    (the local endpoint, which has no such repository) they are refused, never looked up with
    whatever credentials are around.

    samtranslator (0.4 s to import) and boto3 (which it wants a session of) are imported here:
    only a stack that deploys a SAM template to a target without the transform pays for them,
    not every deploy."""
    import boto3
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.plugins.application.serverless_app_plugin import ServerlessAppPlugin
    from samtranslator.translator.translator import Translator

    apps = repository_apps(body)
    if apps and sar_client is None:
        raise ConfigError("the local endpoint cannot deploy Serverless Application Repository "
                          f"apps: {', '.join(apps)}", "deploy this stack to AWS, or put the "
                          "app's template in a stack of its own", path=display)
    session = boto3.Session(region_name=region, aws_access_key_id="offline",
                            aws_secret_access_key="offline")
    values = {"AWS::Region": region, "AWS::Partition": "aws"}
    plugins = [ServerlessAppPlugin(sar_client_creator=sar_client, parameters=values)] \
        if apps else None
    translator = Translator(None, Parser(), plugins=plugins, boto_session=session)
    try:
        return translator.translate(copy.deepcopy(body), parameter_values=values,
                                    get_managed_policy_map=lambda: {})
    except InvalidDocumentException as exc:
        causes = "; ".join(cause.message for cause in exc.causes) or str(exc)
        raise ConfigError(f"invalid SAM template: {causes}", path=display) from None


def repository_apps(body: dict[str, Any]) -> list[str]:
    """Logical ids of the Serverless Application Repository apps the template uses."""
    return sorted(name for name, spec in _resources(body).items()
                  if spec.get("Type") == APPLICATION
                  and isinstance((spec.get("Properties") or {}).get("Location"), dict))


def as_sent(body: dict[str, Any], region: str, display: str) -> dict[str, Any]:
    """What CloudFormation's transform makes of a SAM template, for checks: code folders and
    repository apps replaced by placeholders first (nothing is read, nothing is looked up)."""
    body = copy.deepcopy(body)
    globals_fn = (body.get("Globals") or {}).get("Function") or {}
    if isinstance(globals_fn, dict) and isinstance(globals_fn.get("CodeUri"), str):
        globals_fn["CodeUri"] = "s3://placeholder/code.zip"
    for spec in _resources(body).values():
        props = spec.get("Properties")
        if not isinstance(props, dict):
            continue
        key = _CODE.get(spec.get("Type", ""))
        if key and isinstance(props.get(key), str) and not props[key].startswith("s3://"):
            props[key] = f"s3://placeholder/{key.lower()}"
        elif key == "CodeUri" and props.get(key) is None and "CodeUri" not in globals_fn and \
                not {"InlineCode", "ImageUri"} & set(props):  # sam's default: the folder
            props[key] = "s3://placeholder/codeuri"
        if _included(props.get("DefinitionBody")):  # read by CloudFormation before SAM runs
            props["DefinitionBody"] = dict(_PLACEHOLDER_API.get(spec.get("Type", ""), {}))
        if spec.get("Type") == APPLICATION and isinstance(props.get("Location"), dict):
            spec["Type"] = "AWS::CloudFormation::Stack"
            props.pop("Location")
            props["TemplateURL"] = _PLACEHOLDER_URL
    return translate_sam(body, region, display)


_PLACEHOLDER_API = {
    "AWS::Serverless::Api": {"swagger": "2.0", "info": {"title": "ws", "version": "1"},
                             "paths": {}},
    "AWS::Serverless::HttpApi": {"openapi": "3.0.1", "info": {"title": "ws", "version": "1"},
                                 "paths": {}}}


def _included(value: Any) -> bool:
    """A definition pulled in by `Fn::Transform: AWS::Include` (a file ws has not read here)."""
    return isinstance(value, dict) and isinstance(value.get("Fn::Transform"), dict) and \
        value["Fn::Transform"].get("Name") == "AWS::Include"


def _resources(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    resources = body.get("Resources") or {}
    return {k: v for k, v in resources.items() if isinstance(v, dict)}
