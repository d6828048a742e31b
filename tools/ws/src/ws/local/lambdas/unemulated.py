"""A custom resource whose function failed only because it called a service the local endpoint
does not have becomes a placeholder: created, nothing run, its `Fn::GetAtt`s answered as
placeholders answer theirs (ws.local.providers.placeholder).

Recognised without guessing: the failure quotes the endpoint's own refusal
(ws.local.unknownservices: 501 NotImplementedException, "The local endpoint has no X API"),
and the endpoint refused a call to X while the function ran. Any other failure fails the stack.
The resource's CREATE_COMPLETE event says so (`NOTE`): the deploy names it
(ws.local.lambdas.deploynotes.standin_line). A template prepared under `placeholders: error`
marks its custom resources (`STRICT`): there, the failure stands, with a word on why.
"""
from __future__ import annotations

from typing import Any

from moto.cloudformation.custom_model import CustomModel
from moto.cloudformation.models import Stack

from ws.local.lambdas.deploynotes import STRICT
from ws.local.providers.naming import arn, random_id
from ws.local.providers.placeholder import generic_attribute
from ws.local.rollback import add_event
from ws.local.unknownservices import Refusals, named_service

NOTE = "placeholder, created but not run locally: its function needs {}, which the " \
    "local endpoint does not have"


class StandIn(CustomModel):
    """The custom resource as a placeholder (not a CloudFormationModel of its own: moto's
    type map never lists it)."""

    def __init__(self, made: CustomModel, kind: str, service: str, account_id: str) -> None:
        super().__init__(made.region_name, made.request_id, made.logical_id, made.resource_name)
        self.kind, self.service = kind, service
        self.values = {"name": made.resource_name, "id": random_id(),
                       "region": made.region_name,
                       "arn": arn(service, made.region_name, account_id, "")}
        self.set_data({})

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name not in self.data:
            self.data[attribute_name] = generic_attribute(
                attribute_name, self.kind, self.service, self.values)
        return self.data[attribute_name]


def needed_service(reason: str, refusals: Refusals, before: dict[str, int]) -> str | None:
    """The service the failure (`reason`) was the endpoint's refusal of, if the endpoint did
    refuse a call to it since `before` (`refusals`' counts as the function started)."""
    service = named_service(reason)
    now = refusals.counts()
    return service if service and now.get(service, 0) > before.get(service, 0) else None


def strict(resource_json: dict[str, Any]) -> bool:
    return ((resource_json.get("Metadata") or {}).get(STRICT)) == "error"


def stand_in(made: CustomModel, kind: str, service: str, account_id: str,
             stack: Stack) -> StandIn:
    """`made` replaced by its placeholder in `stack`, with the event the deploy reads."""
    placeholder = StandIn(made, kind, service, account_id)
    stack.add_custom_resource(placeholder)
    add_event(stack, made.logical_id, "CREATE_COMPLETE", NOTE.format(service))
    return placeholder
