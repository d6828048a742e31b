"""A function's own dead-letter queue (DeadLetterConfig, SAM's DeadLetterQueue): moto drops it;
here it is kept on the function, shown by GetFunctionConfiguration, and an asynchronous event
the function could not process is sent there (SQS or SNS) with Lambda's attributes."""
from __future__ import annotations

import json
from typing import Any

from moto.awslambda.models import LambdaFunction
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends


def _target(config: Any) -> str | None:
    return (config or {}).get("TargetArn") or None


def send(fn: Any, payload: str, request_id: str, error: str) -> str | None:
    """Send `payload` to `fn`'s dead-letter queue or topic; its ARN, or None if it has none."""
    arn = getattr(fn, "ws_dead_letter", None)
    if not arn:
        return None
    _, _, service, region, account, name = arn.split(":", 5)
    attributes = {"RequestID": request_id, "ErrorCode": "200", "ErrorMessage": error[:256]}
    if service == "sqs":
        sqs_backends[account][region].send_message(name, payload, message_attributes={
            key: {"DataType": "String", "StringValue": value}
            for key, value in attributes.items()})
    else:
        sns_backends[account][region].publish(payload, arn=arn, message_attributes={
            key: {"Type": "String", "Value": value} for key, value in attributes.items()})
    return arn


def install() -> None:
    """Keep DeadLetterConfig on moto's functions (API and CloudFormation)."""
    made, update, configuration = (LambdaFunction.__init__, LambdaFunction.update_configuration,
                                   LambdaFunction.get_configuration)
    from_template = LambdaFunction.create_from_cloudformation_json

    def init(self: LambdaFunction, account_id: str, spec: dict[str, Any], *args: Any,
             **kwargs: Any) -> None:
        made(self, account_id, spec, *args, **kwargs)
        self.ws_dead_letter = _target(spec.get("DeadLetterConfig"))

    def update_configuration(self: LambdaFunction, updates: dict[str, Any]) -> dict[str, Any]:
        if "DeadLetterConfig" in updates:
            self.ws_dead_letter = _target(updates["DeadLetterConfig"])
        return update(self, updates)

    def get_configuration(self: LambdaFunction, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config = configuration(self, *args, **kwargs)
        if getattr(self, "ws_dead_letter", None):
            config["DeadLetterConfig"] = {"TargetArn": self.ws_dead_letter}
        return config

    def create(cls: Any, name: str, template: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        fn = from_template(name, template, *args, **kwargs)
        fn.ws_dead_letter = _target(template.get("Properties", {}).get("DeadLetterConfig"))
        return fn

    LambdaFunction.__init__ = init  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
    LambdaFunction.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign,assignment]
