"""moto's AWS::Lambda::Function from CloudFormation, made as Lambda makes it.

- Inline code (`Code: ZipFile:`) is packaged where Lambda puts it: `index.js` with the
  `cfn-response` module for Node.js runtimes, `index.py` with `cfnresponse` for Python (moto
  wrote `index.py` whatever the runtime, and took an update's text for a base64 zip).
- `Layers` are kept (moto dropped them): those this endpoint holds; another account's layer
  cannot be fetched, the deploy says so (ws.local.lambdas.deploynotes).
"""
from __future__ import annotations

import base64
import contextvars
import io
import zipfile
from typing import Any, Callable

from moto.awslambda.models import LambdaFunction, lambda_backends

_RUNTIME: contextvars.ContextVar[str] = contextvars.ContextVar("inline_runtime", default="")
_moto_plaintext_zip = LambdaFunction._create_zipfile_from_plaintext_code

# The documented interface of the module CloudFormation gives Node.js inline code:
# send(event, context, responseStatus, responseData, physicalResourceId, noEcho).
CFN_RESPONSE_JS = """'use strict';
exports.SUCCESS = 'SUCCESS';
exports.FAILED = 'FAILED';
exports.send = function (event, context, responseStatus, responseData, physicalResourceId,
                         noEcho) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({
      Status: responseStatus,
      Reason: 'See the details in CloudWatch Log Stream: ' + context.logStreamName,
      PhysicalResourceId: physicalResourceId || context.logStreamName,
      StackId: event.StackId, RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId, NoEcho: noEcho || false,
      Data: responseData,
    });
    const url = new URL(event.ResponseURL);
    const client = require(url.protocol === 'https:' ? 'https' : 'http');
    const request = client.request(url, {method: 'PUT', headers: {
      'content-type': '', 'content-length': Buffer.byteLength(body)}}, (response) => {
      response.resume();
      response.on('end', () => { if (context.done) context.done(); resolve(); });
    });
    request.on('error', (error) => {
      console.log('send(..) failed executing https.request(..): ' + error);
      if (context.done) context.done();
      reject(error);
    });
    request.end(body);
  });
};
"""


def inline_zip(code: str, runtime: str) -> bytes:
    """The package Lambda makes of inline code for `runtime`."""
    if not runtime.startswith("nodejs"):
        return _moto_plaintext_zip(code)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.js", code)
        archive.writestr("node_modules/cfn-response/index.js", CFN_RESPONSE_JS)
    return out.getvalue()


def _plaintext_zip(code: str) -> bytes:
    return inline_zip(code, _RUNTIME.get())


def _with_runtime(create: Callable[..., Any]) -> Callable[..., Any]:
    def run(cls: type, name: str, template: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        props = template.get("Properties") or {}
        token = _RUNTIME.set(str(props.get("Runtime") or ""))
        try:
            function = create(name, template, *args, **kwargs)
        finally:
            _RUNTIME.reset(token)
        _set_layers(function, props.get("Layers"))
        return function
    return run


def _held(arns: Any, account: str, region: str) -> list[str]:
    """The layer version ARNs of `arns` this endpoint holds, in order."""
    backend = lambda_backends[account][region]
    return [arn for arn in (arns if isinstance(arns, list) else [])
            if isinstance(arn, str) and backend.layers_versions_by_arn(arn) is not None]


def _set_layers(function: Any, arns: Any) -> None:
    held = _held(arns, function.account_id, function.region)
    function.layers = function._get_layers_data(held) if held else []
    function.ws_unheld_layers = tuple(  # spec.FunctionSpec.unheld_layers
        arn for arn in (arns if isinstance(arns, list) else [])
        if isinstance(arn, str) and arn not in held)


def _zipping_update(update: Callable[..., Any]) -> Callable[..., Any]:
    """moto's update hands inline code to UpdateFunctionCode as if it were a base64 zip."""
    def run(cls: type, original_resource: Any, new_resource_name: str,
            cloudformation_json: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        props = dict(cloudformation_json.get("Properties") or {})
        if "Layers" in props:  # moto's update refuses a layer it does not hold
            props["Layers"] = _held(props["Layers"], original_resource.account_id,
                                    original_resource.region)
        cloudformation_json = {**cloudformation_json, "Properties": props}
        code = props.get("Code") or {}
        if isinstance(code.get("ZipFile"), str):
            runtime = str(props.get("Runtime") or original_resource.run_time or "")
            zipped = base64.b64encode(inline_zip(code["ZipFile"], runtime)).decode()
            cloudformation_json = {**cloudformation_json,
                                   "Properties": {**props, "Code": {**code, "ZipFile": zipped}}}
        function = update(original_resource, new_resource_name, cloudformation_json, *args,
                          **kwargs)
        _set_layers(function, props.get("Layers"))
        return function
    return run


def register() -> None:
    create = LambdaFunction.create_from_cloudformation_json
    update = LambdaFunction.update_from_cloudformation_json
    LambdaFunction.create_from_cloudformation_json = classmethod(_with_runtime(create))
    LambdaFunction.update_from_cloudformation_json = classmethod(_zipping_update(update))
    LambdaFunction._create_zipfile_from_plaintext_code = staticmethod(_plaintext_zip)
