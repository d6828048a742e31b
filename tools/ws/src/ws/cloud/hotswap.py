"""Hotswap: apply a stack's swappable changes through the service APIs (Lambda, Step
Functions) instead of CloudFormation, and wait for each function's update to end."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ws.cloud.livestate import parameters_of
from ws.cloud.swapvalues import Context, Unresolvable, as_text, evaluate
from ws.errors import DeployError

if TYPE_CHECKING:  # the engine decides what to swap (engine/swapdiff.py); this applies it
    from ws.engine.swapdiff import Swap

FUNCTIONS = ("AWS::Lambda::Function", "AWS::Serverless::Function")
_CONFIG = {"Environment": ("Environment", {"Variables": {}}), "Description": ("Description", ""),
           "Timeout": ("Timeout", 3), "MemorySize": ("MemorySize", 128),
           "Layers": ("Layers", [])}  # AWS's defaults
LAYER = "AWS::Lambda::LayerVersion"
NEW_LAYER = "ws-new-layer-version:"  # stands for a layer version's ARN until it is published
WAIT_LIMIT = 900.0  # seconds a function's update may take before the stack fails


@dataclass
class Hotswapper:
    """The service calls of hotswaps, over clients made by `client(service)`."""

    client: Callable[[str], Any]
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], float] = time.monotonic

    def deployed_template(self, stack_name: str) -> dict[str, Any]:
        """The template CloudFormation holds for the stack, as ws sent it."""
        body = self.client("cloudformation").get_template(
            StackName=stack_name, TemplateStage="Original")["TemplateBody"]
        try:
            return json.loads(body) if isinstance(body, str) else json.loads(json.dumps(body))
        except ValueError:  # YAML: not sent by ws, so not what ws compares with
            raise Unresolvable("the deployed template (not ws's JSON)") from None

    def context(self, live: dict[str, Any], parameters: dict[str, str], region: str,
                account: str, partition: str) -> Context:
        """What references evaluate to in the deployed stack (one paginated read of its
        resources)."""
        physical, types = {}, {}
        pages = self.client("cloudformation").get_paginator("list_stack_resources")
        for page in pages.paginate(StackName=live["StackName"]):
            for item in page["StackResourceSummaries"]:
                physical[item["LogicalResourceId"]] = item.get("PhysicalResourceId", "")
                types[item["LogicalResourceId"]] = item["ResourceType"]
        deployed = {k: v for k, v in parameters_of(live).items() if v != "****"}
        pseudo = {"AWS::Region": region, "AWS::AccountId": account, "AWS::Partition": partition,
                  "AWS::StackName": live["StackName"], "AWS::StackId": live["StackId"],
                  "AWS::URLSuffix": "amazonaws.com.cn" if partition == "aws-cn"
                  else "amazonaws.com", "AWS::NoValue": None}
        return Context({**deployed, **parameters}, physical, types, pseudo)

    def calls(self, swaps: tuple[Swap, ...], ctx: Context) -> list[tuple[str, str, dict]]:
        """(service, operation, arguments) of every call, evaluated before any is made:
        Unresolvable when a value needs CloudFormation."""
        found: list[tuple[str, str, dict]] = []
        for swap in swaps:
            target = ctx.physical.get(swap.logical_id)
            if not target and swap.resource_type != LAYER:  # (a layer may be named instead)
                raise Unresolvable(f"no physical id for {swap.logical_id}")
            if swap.resource_type == LAYER:
                found.append(("lambda", "publish_layer_version", _layer_args(swap, target, ctx)))
                ctx.physical[swap.logical_id] = NEW_LAYER + swap.logical_id
            elif swap.resource_type in FUNCTIONS:
                found += _function_calls(swap, target, ctx)
            else:
                found.append(("stepfunctions", "update_state_machine",
                              {"stateMachineArn": target, "definition": _definition(swap, ctx)}))
        return found

    def apply(self, calls: list[tuple[str, str, dict]], emit: Callable[[str], None]) -> None:
        """New layer versions first; then code (every function at once), waited for; then
        configuration (with the new layers' ARNs), waited for. A function whose update fails
        raises DeployError with Lambda's reason."""
        published: dict[str, str] = {}
        for phase in ("publish_layer_version", "update_function_code",
                      "update_function_configuration", None):
            started = []
            for service, operation, args in calls:
                if operation == phase or (phase is None and service != "lambda"):
                    emit(f"hotswap: {operation} {_name(args)}")
                    answer = getattr(self.client(service), operation)(
                        **_published(args, published))
                    if operation == "publish_layer_version":
                        published[NEW_LAYER + args.pop("_logical")] = answer["LayerVersionArn"]
                    elif service == "lambda":
                        started.append(args["FunctionName"])
            for name in started:
                self.wait(name)

    def wait(self, function: str) -> None:
        """Until the function's LastUpdateStatus is Successful (Failed: DeployError)."""
        lam, started = self.client("lambda"), self.now()
        deadline = started + WAIT_LIMIT
        while True:
            config = lam.get_function_configuration(FunctionName=function)
            status = config.get("LastUpdateStatus", "Successful")
            if status == "Successful":
                return
            if status == "Failed":
                raise DeployError(f"hotswap of function {function} failed: "
                                  f"{config.get('LastUpdateStatusReason', 'no reason given')}",
                                  "fix it and deploy again (ws deploy --changed)")
            if self.now() > deadline:
                raise DeployError(f"function {function} still updating after {WAIT_LIMIT:g} s")
            # every 0.1 s for the first 5 s (most updates take a second or two), then less
            # often (Lambda's control plane allows a few dozen reads a second)
            waited = self.now() - started
            self.sleep(0.1 if waited < 5 else min(1.0, waited / 20))


def _function_calls(swap: Swap, name: str, ctx: Context) -> list[tuple[str, str, dict]]:
    calls = []
    code = swap.changed.get("Code", swap.changed.get("CodeUri"))
    if code is not None:
        calls.append(("lambda", "update_function_code",
                      {"FunctionName": name, **_code_args(evaluate(code, ctx))}))
    config = {}
    for prop, (arg, default) in _CONFIG.items():
        if prop in swap.changed:
            value = evaluate(swap.changed[prop], ctx)
            config[arg] = default if value is None else value
    if "Environment" in config:
        variables = (config["Environment"] or {}).get("Variables") or {}
        config["Environment"] = {"Variables": {k: str(v) for k, v in variables.items()}}
    if config:
        calls.append(("lambda", "update_function_configuration",
                      {"FunctionName": name, **config}))
    return calls


def _code_args(code: Any) -> dict[str, str]:
    """UpdateFunctionCode's arguments from Code ({S3Bucket, S3Key}, ImageUri) or a SAM CodeUri
    ({Bucket, Key} or s3://bucket/key)."""
    if isinstance(code, str) and code.startswith("s3://"):
        bucket, _, key = code[5:].partition("/")
        return {"S3Bucket": bucket, "S3Key": key}
    if isinstance(code, dict):
        names = {"S3Bucket": "S3Bucket", "S3Key": "S3Key", "S3ObjectVersion": "S3ObjectVersion",
                 "Bucket": "S3Bucket", "Key": "S3Key", "Version": "S3ObjectVersion",
                 "ImageUri": "ImageUri"}
        if set(code) <= set(names):
            return {names[k]: str(v) for k, v in code.items()}
    raise Unresolvable("code that is not an S3 object or an image (inline code)")


def _definition(swap: Swap, ctx: Context) -> str:
    props = swap.properties
    text = as_text(evaluate(props.get("Definition", props.get("DefinitionString")), ctx))
    for name, value in (evaluate(props.get("DefinitionSubstitutions") or {}, ctx)).items():
        text = text.replace("${" + name + "}", str(value))
    return text


def _layer_args(swap: Swap, arn: str, ctx: Context) -> dict[str, Any]:
    """PublishLayerVersion's arguments: the layer's name (from its current version's ARN) and
    its properties as the template now has them."""
    props = evaluate(swap.properties, ctx)
    name = props.get("LayerName") or (arn.split(":")[6] if arn.count(":") >= 7 else "")
    if not name:
        raise Unresolvable(f"the name of layer {swap.logical_id}")
    args = {"_logical": swap.logical_id, "LayerName": name,
            "Content": _code_args(props.get("Content"))}
    args["Content"] = {k: v for k, v in args["Content"].items() if k != "ImageUri"}
    for prop in ("Description", "CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo"):
        if props.get(prop) is not None:
            args[prop] = props[prop]
    return args


def _published(args: dict[str, Any], published: dict[str, str]) -> dict[str, Any]:
    """The call's arguments, the new layer versions' ARNs in place (and ws's own key out)."""
    text = json.dumps({k: v for k, v in args.items() if k != "_logical"})
    for token, arn in published.items():
        text = text.replace(json.dumps(token)[1:-1], arn)
    return json.loads(text)


def _name(args: dict) -> str:
    return args.get("FunctionName") or args.get("LayerName") \
        or args.get("stateMachineArn", "").rsplit(":", 1)[-1]
