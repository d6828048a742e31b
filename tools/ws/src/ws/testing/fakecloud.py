"""An in-process fake of CloudFormation and S3 with per-stack latency and failure injection.

Used by tests and benchmarks to exercise deploy and scheduling with no endpoint at all.
By default operations are synchronous, like the local endpoint: a create or update returns
after the stack's latency, with the stack in its final state. With `asynchronous=True` they
behave like CloudFormation: the call returns at once and the stack stays *_IN_PROGRESS until
its latency has passed (on `clock`), so the production waiting path is what runs.
"""
from __future__ import annotations

import io
import itertools
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from botocore.exceptions import ClientError

from ws.cloud.backend import Backend, Capabilities
from ws.package.capabilities import required
from ws.testing.fakechangesets import FakeChangeSets


def _error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Fake")


@dataclass
class FakeCloud:
    """Shared state of the fake cloud; `latency`/`fail`/`explode` are keyed by stack name."""

    latency: dict[str, float] = field(default_factory=dict)
    default_latency: float = 0.0
    fail: set[str] = field(default_factory=set)  # create/update ends in *_ROLLBACK_COMPLETE
    explode: set[str] = field(default_factory=set)  # the API call itself raises
    sleep: Callable[[float], None] = time.sleep
    stacks: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: dict[str, dict[str, Any]] = field(default_factory=dict)
    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)  # SSM parameters, by name
    change_sets: dict[str, dict[str, Any]] = field(default_factory=dict)
    replacements: dict[str, str] = field(default_factory=dict)  # logical id -> Replacement
    calls: Counter = field(default_factory=Counter)
    express: Counter = field(default_factory=Counter)  # operations sent in express mode
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: Any = field(default_factory=itertools.count)
    asynchronous: bool = False
    clock: Callable[[], float] = time.monotonic
    pending: dict[str, tuple[float, Callable[[], None]]] = field(default_factory=dict)

    def backend(self, region: str = "us-east-1", change_sets: bool = False) -> Backend:
        """A backend over this cloud: synchronous or not as the cloud is; change sets on
        request (the production path on AWS); no locks (no DynamoDB here)."""
        can = Capabilities(change_sets=change_sets, asynchronous=self.asynchronous, locks=False,
                           cancels_updates=self.asynchronous)
        return Backend("fake", region, "000000000000", self.client, can=can)

    def advance(self) -> None:
        """Finish every asynchronous operation whose time has come."""
        now = self.clock()
        with self.lock:
            due = [name for name, (at, _) in self.pending.items() if at <= now]
            done = [self.pending.pop(name)[1] for name in due]
        for finish in done:
            finish()

    def client(self, service: str) -> Any:
        fake = {"cloudformation": FakeCloudFormation, "s3": FakeS3, "ssm": FakeSSM}.get(service)
        return fake(self) if fake else None  # no fake of it: callers treat it as unknown


class FakeS3:
    """Just enough S3 for artifact uploads."""

    class exceptions:  # noqa: N801 - mirrors boto3's client.exceptions
        ClientError = ClientError

    def __init__(self, cloud: FakeCloud) -> None:
        self.cloud = cloud

    def head_bucket(self, Bucket: str, ExpectedBucketOwner: str = "") -> dict:
        self.cloud.calls["HeadBucket"] += 1
        return {}

    def create_bucket(self, Bucket: str, **_: Any) -> dict:
        self.cloud.calls["CreateBucket"] += 1
        return {}

    def head_object(self, Bucket: str, Key: str, ExpectedBucketOwner: str = "") -> dict:
        if (Bucket, Key) not in self.cloud.objects:
            raise _error("404", "Not Found")
        return {}

    def put_object(self, Bucket: str, Key: str, Body: bytes, ExpectedBucketOwner: str = "",
                   **_: Any) -> dict:
        self.cloud.objects[(Bucket, Key)] = Body
        return {}

    def get_object(self, Bucket: str, Key: str, ExpectedBucketOwner: str = "") -> dict:
        if (Bucket, Key) not in self.cloud.objects:
            raise _error("NoSuchKey", "The specified key does not exist.")
        return {"Body": io.BytesIO(self.cloud.objects[(Bucket, Key)])}

    def delete_object(self, Bucket: str, Key: str, ExpectedBucketOwner: str = "") -> dict:
        self.cloud.objects.pop((Bucket, Key), None)
        return {}

    def get_paginator(self, operation: str) -> Any:
        cloud = self.cloud

        class Paginator:  # list_objects_v2, in one page
            def paginate(self, Bucket: str, Prefix: str = "", **_: Any) -> list[dict]:
                cloud.calls["ListObjectsV2"] += 1
                return [{"Contents": [{"Key": key} for bucket, key in sorted(cloud.objects)
                                      if bucket == Bucket and key.startswith(Prefix)]}]
        return Paginator()


class FakeSSM:
    """get_parameter over `cloud.parameters`; a missing name is ParameterNotFound."""

    def __init__(self, cloud: FakeCloud) -> None:
        self.cloud = cloud

    def get_parameter(self, Name: str, WithDecryption: bool = False) -> dict:
        name, _, version = Name.partition(":")
        if name not in self.cloud.parameters or version not in ("", "1"):
            raise _error("ParameterNotFound", f"Parameter {Name} not found.")
        self.cloud.calls["GetParameter"] += 1
        return {"Parameter": {"Name": name, "Value": self.cloud.parameters[name], "Version": 1}}

    def describe_parameters(self, ParameterFilters: list[dict]) -> dict:
        names = ParameterFilters[0]["Values"]
        return {"Parameters": [{"Name": n, "Version": 1} for n in names
                               if n in self.cloud.parameters]}


class FakeCloudFormation(FakeChangeSets):
    """create/update/delete/describe with the status rules of real CloudFormation."""

    def __init__(self, cloud: FakeCloud) -> None:
        self.cloud = cloud

    def _count(self, action: str) -> None:
        with self.cloud.lock:
            self.cloud.calls[action] += 1

    def _mode(self, action: str, config: dict | None) -> None:
        """Count the operations sent in express mode (DeploymentConfig), by action."""
        if (config or {}).get("Mode") == "EXPRESS":
            with self.cloud.lock:
                self.cloud.express[action] += 1

    def describe_stacks(self, StackName: str | None = None) -> dict:
        self._count("DescribeStacks")
        self.cloud.advance()
        with self.cloud.lock:
            if StackName is None:
                return {"Stacks": [dict(s) for s in self.cloud.stacks.values()]}
            for stack in self.cloud.stacks.values():
                if StackName in (stack["StackName"], stack["StackId"]):
                    return {"Stacks": [dict(stack)]}
            if StackName in self.cloud.deleted:  # like AWS: a deleted stack is found by id
                return {"Stacks": [dict(self.cloud.deleted[StackName])]}
        raise _error("ValidationError", f"Stack with id {StackName} does not exist")

    def get_paginator(self, operation: str) -> Any:
        fake = self

        class Paginator:
            def paginate(self) -> list[dict]:
                return [getattr(fake, operation)()]
        return Paginator()

    def describe_stack_events(self, StackName: str) -> dict:
        self._count("DescribeStackEvents")
        stack = self.describe_stacks(StackName)["Stacks"][0]
        return {"StackEvents": list(reversed(stack["_events"]))}

    def create_stack(self, StackName: str, **args: Any) -> dict:
        self._count("CreateStack")
        self._mode("CreateStack", args.pop("DeploymentConfig", None))
        with self.cloud.lock:
            if StackName in self.cloud.stacks:
                raise _error("AlreadyExistsException", f"Stack [{StackName}] already exists")
            stack_id = f"arn:fake:cloudformation:stack/{StackName}/{next(self.cloud.ids)}"
            review = args.pop("_review", False)  # made by a CREATE change set
            self.cloud.stacks[StackName] = {
                "StackName": StackName, "StackId": stack_id,
                "StackStatus": "REVIEW_IN_PROGRESS" if review else "CREATE_IN_PROGRESS",
                "EnableTerminationProtection": bool(args.pop("EnableTerminationProtection", False)),
                "CreationTime": datetime.now(timezone.utc), "_events": []}
        if review:
            return {"StackId": stack_id}
        return self._operate(StackName, "CREATE", args)

    def update_stack(self, StackName: str, **args: Any) -> dict:
        self._count("UpdateStack")
        self._mode("UpdateStack", args.pop("DeploymentConfig", None))
        status = self.describe_stacks(StackName)["Stacks"][0]["StackStatus"]
        if status.endswith("_IN_PROGRESS"):
            raise _error("ValidationError", f"Stack:{StackName} is in {status} state and can "
                         "not be updated.")
        return self._operate(StackName, "UPDATE", args)

    def update_termination_protection(self, StackName: str,
                                      EnableTerminationProtection: bool) -> dict:
        self._count("UpdateTerminationProtection")
        stack = self.describe_stacks(StackName)["Stacks"][0]
        with self.cloud.lock:
            self.cloud.stacks[stack["StackName"]]["EnableTerminationProtection"] = \
                EnableTerminationProtection
        return {"StackId": stack["StackId"]}

    def delete_stack(self, StackName: str, RetainResources: list[str] | None = None,
                     DeploymentConfig: dict | None = None) -> dict:
        self._count("DeleteStack")
        self._mode("DeleteStack", DeploymentConfig)
        with self.cloud.lock:
            found = [(name, stack) for name, stack in self.cloud.stacks.items()
                     if StackName in (name, stack["StackId"])]
        for name, stack in found:
            if stack["EnableTerminationProtection"]:
                raise _error("ValidationError", f"Stack [{name}] cannot be deleted "
                             "while TerminationProtection is enabled")
            if self.cloud.asynchronous:
                self._later(name, "DELETE", lambda name=name: self._deleted(name))
            else:
                self._deleted(name)
        return {}

    def _deleted(self, name: str) -> None:
        with self.cloud.lock:
            stack = self.cloud.stacks.pop(name)
            stack["StackStatus"] = "DELETE_COMPLETE"
            self.cloud.deleted[stack["StackId"]] = stack

    def _later(self, name: str, verb: str, finish: Callable[[], None]) -> None:
        """Start an asynchronous operation: *_IN_PROGRESS now, `finish` after the latency."""
        with self.cloud.lock:
            stack = self.cloud.stacks[name]
            stack["StackStatus"] = f"{verb}_IN_PROGRESS"
            stack["_events"].append(_event(stack, name, f"{verb}_IN_PROGRESS", ""))
            latency = self.cloud.latency.get(name, self.cloud.default_latency)
            self.cloud.pending[name] = (self.cloud.clock() + latency, finish)

    def continue_update_rollback(self, StackName: str) -> dict:
        self._count("ContinueUpdateRollback")
        self._set(StackName, "UPDATE_ROLLBACK_COMPLETE", None)
        return {}

    def _operate(self, name: str, verb: str, args: dict[str, Any]) -> dict:
        needed = set(required(json.loads(args.get("TemplateBody", "{}"))))
        if not needed <= set(args.get("Capabilities", [])):  # as CloudFormation refuses
            raise _error("InsufficientCapabilitiesException",
                         f"Requires capabilities : [{','.join(sorted(needed))}]")
        if name in self.cloud.explode:
            raise _error("InternalFailure", f"injected failure for {name}")
        if self.cloud.asynchronous:
            self._later(name, verb, lambda: self._complete(name, verb, args))
        else:
            self.cloud.sleep(self.cloud.latency.get(name, self.cloud.default_latency))
            self._complete(name, verb, args)
        return {"StackId": self.cloud.stacks[name]["StackId"]}

    def _complete(self, name: str, verb: str, args: dict[str, Any]) -> None:
        if name in self.cloud.fail:
            final = "ROLLBACK_COMPLETE" if verb == "CREATE" else "UPDATE_ROLLBACK_COMPLETE"
            self._set(name, final, f"{verb}_FAILED", "injected resource failure")
        else:
            self._set(name, f"{verb}_COMPLETE", None, outputs=_outputs({**args, "StackName": name}))
            with self.cloud.lock:
                stack = self.cloud.stacks[name]
                stack["Tags"] = list(args.get("Tags", []))
                stack["_template"] = json.loads(args.get("TemplateBody", "{}"))
                stack["Parameters"] = list(args.get("Parameters", []))
                stack["Capabilities"] = list(args.get("Capabilities", []))
                if verb == "UPDATE":
                    stack["LastUpdatedTime"] = datetime.now(timezone.utc)

    def _set(self, name: str, status: str, event_status: str | None, reason: str = "",
             outputs: list | None = None) -> None:
        with self.cloud.lock:
            stack = self.cloud.stacks[name]
            if event_status:
                stack["_events"].append(_event(stack, "Resource", event_status, reason))
            stack["_events"].append(_event(stack, name, status, ""))
            stack["StackStatus"] = status
            if outputs is not None:
                stack["Outputs"] = outputs


def _event(stack: dict, logical: str, status: str, reason: str) -> dict:
    event = {"EventId": f"{stack['StackId']}-{len(stack['_events'])}",
             "LogicalResourceId": logical, "ResourceStatus": status}
    return {**event, "ResourceStatusReason": reason} if reason else event


def _outputs(args: dict[str, Any]) -> list[dict[str, str]]:
    """Outputs whose Value is a literal or a Ref to a parameter; anything else is named."""
    body = json.loads(args.get("TemplateBody", "{}"))
    params = {p["ParameterKey"]: p["ParameterValue"] for p in args.get("Parameters", [])}
    result = []
    for key, spec in (body.get("Outputs") or {}).items():
        value = spec.get("Value")
        if isinstance(value, dict) and "Ref" in value:
            value = params.get(value["Ref"], f"{args.get('StackName', '')}.{value['Ref']}")
        elif not isinstance(value, str):
            value = f"computed:{key}"
        result.append({"OutputKey": key, "OutputValue": value})
    return result
