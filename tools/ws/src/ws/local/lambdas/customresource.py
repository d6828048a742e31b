"""Lambda-backed custom resources (``Custom::X``, ``AWS::CloudFormation::CustomResource``)
created synchronously, as ws expects every local stack operation to be.

moto invokes the function in a background thread with a ResponseURL on Docker's host name,
and completes the stack when the response arrives, so CreateStack would answer while the
stack is still CREATE_IN_PROGRESS. Here the function runs before CreateStack answers, its
cfn-response PUT reaches this endpoint (``ResponseURL`` on 127.0.0.1), and a FAILED
response, a function error or no response at all fails the stack operation with the reason;
but a failure that was only the endpoint refusing a service it lacks makes the resource a
placeholder (unemulated.py).
Like moto, only the ``Create`` request is sent (no Update or Delete).
"""
from __future__ import annotations

import json
import urllib.parse
import uuid
from typing import Any

from moto.awslambda.utils import get_backend as lambda_backend
from moto.cloudformation.custom_model import CustomModel
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import cloudformation_backends
from moto.cloudformation import urls as cfn_urls
from moto.cloudformation.responses import CloudFormationResponse

from ws.local.lambdas import unemulated
from ws.local.lambdas.runtime import Runtime
from ws.local.unknownservices import Refusals


def response_url(endpoint: str, region: str, stack_id: str) -> str:
    """Where the function PUTs its answer: moto's cfnresponse route on this endpoint."""
    return (f"{endpoint}/cloudformation_{region}/cfnresponse"
            f"?stack={urllib.parse.quote(stack_id, safe='')}")


def create_event(resource: CustomModel, stack_id: str, resource_type: str,
                 properties: dict[str, Any], url: str) -> dict[str, Any]:
    """The Create request CloudFormation sends to the function."""
    return {"RequestType": "Create", "ServiceToken": properties["ServiceToken"],
            "ResponseURL": url, "StackId": stack_id, "RequestId": resource.request_id,
            "LogicalResourceId": resource.logical_id, "ResourceType": resource_type,
            "ResourceProperties": properties}


def make_create(runtime: Runtime, endpoint: str, refusals: Refusals) -> Any:
    """The replacement for CustomModel.create_from_cloudformation_json (`refusals`: the
    endpoint's count of calls to services it lacks)."""

    def create(cls: type, resource_name: str, cloudformation_json: dict[str, Any],
               account_id: str, region_name: str, **kwargs: Any) -> CustomModel:
        properties = cloudformation_json["Properties"]
        stack_id, logical_id = kwargs["StackId"], kwargs["LogicalId"]
        fn = lambda_backend(account_id, region_name).get_function(properties["ServiceToken"])
        resource = CustomModel(region_name, str(uuid.uuid4()), logical_id, resource_name)
        stack = cloudformation_backends[account_id][region_name].get_stack(stack_id)
        stack.add_custom_resource(resource)
        event = create_event(resource, stack_id, kwargs["ResourceType"], properties,
                             response_url(endpoint, region_name, stack_id))
        before = refusals.counts()
        outcome = runtime.invoke(fn, json.dumps(event))
        if resource.is_created():
            return resource
        reason = _reason(resource, outcome.payload, outcome.error)
        service = unemulated.needed_service(reason, refusals, before)
        if service is None or unemulated.strict(cloudformation_json):
            refused = "" if service is None else \
                f" (`placeholders: error`: no placeholder for a function that needs {service})"
            raise ValidationError(message=f"custom resource {logical_id} failed{refused}: "
                                  + reason)
        return unemulated.stand_in(resource, kwargs["ResourceType"], service, account_id, stack)

    return classmethod(create)


def _reason(resource: CustomModel, payload: bytes, error: bool) -> str:
    failure = getattr(resource, "ws_failure", None)
    if failure is not None:
        return failure or "the function answered FAILED"
    if error:
        return f"the function failed: {payload.decode(errors='replace')[:500]}"
    return "the function returned without sending a response to the ResponseURL"


def cfnresponse(cls: type, request: Any, full_url: str, headers: Any) -> Any:
    """The cfn-response PUT: record SUCCESS (with Data) or FAILED (with Reason) on the
    resource; the stack operation waiting for it decides the stack's status.

    Read here rather than through moto's dispatch, which answers 404 or 500 unless the
    Content-Type is empty (urllib sends a form type, others JSON)."""
    body = json.loads(request.get_data(cache=True) or b"{}")
    region = full_url.split("/cloudformation_", 1)[1].split("/", 1)[0]
    try:
        account = str(body["StackId"]).split(":")[4]
        stack = cloudformation_backends[account][region].get_stack(body["StackId"])
        resource = stack.get_custom_resource(body["LogicalResourceId"])
    except (KeyError, ValidationError, IndexError):
        return 404, {}, json.dumps({"message": "no such stack or custom resource"})
    if body.get("Status") == "SUCCESS":
        resource.set_data(body.get("Data") or {})
    else:
        resource.ws_failure = str(body.get("Reason") or "")
    return 200, {}, "{}"


def install(runtime: Runtime, endpoint: str, refusals: Refusals) -> None:
    """Patch moto's custom resources in this process."""
    CustomModel.create_from_cloudformation_json = make_create(  # type: ignore
        runtime, endpoint, refusals)
    CloudFormationResponse.cfnresponse = classmethod(cfnresponse)  # type: ignore
    for pattern in list(cfn_urls.url_paths):  # the route holds the method it was given
        if pattern.endswith("/cfnresponse$"):
            cfn_urls.url_paths[pattern] = CloudFormationResponse.cfnresponse
