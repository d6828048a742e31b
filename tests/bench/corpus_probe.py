"""Trying what a deployed stack holds: its functions invoked with `{}`, its REST and HTTP API
routes called through the local gateway (for bench_corpus.py)."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

from corpus_result import StackResult, fail

GATEWAY_REFUSALS = {"MissingAuthenticationTokenException"}
# An HTTP API's own answers: no route for the request, the integration failed.
HTTP_API_REFUSALS = {'{"message":"NotFound"}', '{"message":"InternalServerError"}'}
RUNTIME_FAILURES = ("Runtime.", "Sandbox.")


def try_functions(aws, resources: list[dict], result: StackResult) -> None:
    lam = aws("lambda")
    for res in resources:
        if res.get("ResourceType") != "AWS::Lambda::Function":
            continue
        result.functions += 1
        try:
            answer = lam.invoke(FunctionName=res["PhysicalResourceId"], Payload=b"{}")
            body = answer["Payload"].read().decode(errors="replace")
        except Exception as exc:
            fail(result, "invoke", res, f"invoke {res['LogicalResourceId']}: {str(exc)[:300]}",
                 runtime_of(lam, res))
            continue
        kind = ""
        if answer.get("FunctionError"):
            try:
                kind = str(json.loads(body).get("errorType", ""))
            except (ValueError, AttributeError):
                kind = body[:60]
        if kind.startswith(RUNTIME_FAILURES):
            fail(result, "invoke", res, f"{res['LogicalResourceId']} did not run: {body[:600]}",
                 runtime_of(lam, res))
        else:
            result.ran += 1


def runtime_of(lam, res: dict) -> str:
    try:
        return lam.get_function_configuration(
            FunctionName=res["PhysicalResourceId"]).get("Runtime", "")
    except Exception:  # the runtime only helps classify; without it the rule is skipped
        return ""


def signed(url: str, method: str, data: bytes | None, json: bool = True) -> dict[str, str]:
    """SigV4 headers for an AWS_IAM route, as a client with the endpoint's credentials sends
    them (any access key, the shared secret `testing`); `json`: with its Content-Type (signed
    too, so a request sent without it, a WebSocket upgrade, is signed without)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method, url, data=data or b"",
                         headers={"Content-Type": "application/json"} if json else {})
    SigV4Auth(Credentials("AKIDCORPUSBENCH", "testing"), "execute-api",
              "us-east-1").add_auth(request)
    return dict(request.headers.items())


def call(url: str, method: str, iam: bool = False) -> tuple[int, dict, str]:
    data = b"{}" if method in ("POST", "PUT", "PATCH") else None
    headers = signed(url, method, data) if iam else {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read(300).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read(300).decode(errors="replace")
    except Exception as exc:
        return 0, {}, str(exc)[:150]


def refused(status: int, headers: dict, body: str) -> bool:
    """The local gateway's own refusal (not an answer of the API's integration)."""
    kind = headers.get("x-amzn-ErrorType", headers.get("X-Amzn-Errortype", ""))
    return status == 0 or kind in GATEWAY_REFUSALS or (status in (404, 500) and (
        "local endpoint" in body or "not served locally" in body or status == 500
        and '"Internal server error"' in body)) or (status == 503 and (
            "does not run locally" in body or "not on the local endpoint" in body)) or (
        status in (404, 500) and body.replace(" ", "") in HTTP_API_REFUSALS)


def fill_path(path: str) -> str:
    return re.sub(r"\{[^}]+\+\}", "x/y", re.sub(r"\{[^}+]+\}", "1", path))


def try_rest_apis(aws, endpoint: str, resources: list[dict], result: StackResult) -> None:
    apigw = aws("apigateway")
    for res in resources:
        if res.get("ResourceType") != "AWS::ApiGateway::RestApi":
            continue
        api_id = res["PhysicalResourceId"]
        try:
            stages = [s["stageName"] for s in apigw.get_stages(restApiId=api_id)["item"]]
            items = apigw.get_resources(restApiId=api_id, limit=500)["items"]
        except Exception as exc:
            fail(result, "route", res, f"API {api_id}: {str(exc)[:200]}")
            continue
        routes = [(item["path"], m, (item["resourceMethods"][m] or {}).get("authorizationType"))
                  for item in items for m in (item.get("resourceMethods") or {}) if m != "OPTIONS"]
        if not stages:
            result.routes += len(routes)
            fail(result, "route", res, f"API {res['LogicalResourceId']}: no stage, "
                 f"{len(routes)} routes not tried")
            continue
        for path, method, auth in routes:
            result.routes += 1
            status, headers, body = call(
                f"{endpoint}/_ws/api/{api_id}/{stages[0]}{fill_path(path)}",
                "GET" if method == "ANY" else method, iam=auth == "AWS_IAM")
            if refused(status, headers, body):
                fail(result, "route", res, f"{method} {path}: {status} {body[:200]}")
            else:
                result.answered += 1


def try_http_apis(aws, endpoint: str, resources: list[dict], result: StackResult) -> None:
    v2 = aws("apigatewayv2")
    for res in resources:
        if res.get("ResourceType") != "AWS::ApiGatewayV2::Api":
            continue
        api_id = res["PhysicalResourceId"]
        if res.get("ProtocolType") == "WEBSOCKET" or _websocket(v2, api_id):
            try_websocket_api(v2, endpoint, api_id, res, result)
            continue
        try:
            found = v2.get_routes(ApiId=api_id)["Items"]
            routes = [r["RouteKey"] for r in found]
            iam = {r["RouteKey"] for r in found if r.get("AuthorizationType") == "AWS_IAM"}
            stage = http_stage([s["StageName"] for s in v2.get_stages(ApiId=api_id)["Items"]])
        except Exception as exc:
            fail(result, "route", res, f"HTTP API {api_id}: {str(exc)[:200]}")
            continue
        for key in routes:
            result.routes += 1
            method, _, path = key.partition(" ")
            if key == "$default":
                method, path = "GET", "/"
            status, headers, body = call(f"{endpoint}/_ws/api/{api_id}{stage}{fill_path(path)}",
                                         "GET" if method == "ANY" else method, iam=key in iam)
            if refused(status, headers, body):
                fail(result, "route", res, f"{key}: {status} {body[:200]}")
            else:
                result.answered += 1


def http_stage(stages: list[str]) -> str:
    """The stage part of an HTTP API's URL: none for `$default` (as on AWS, where /$default/x
    is the path /$default/x), else its first stage (an API whose only stage is `prod` answers
    at /prod/...)."""
    return "" if "$default" in stages or not stages else f"/{stages[0]}"


def _websocket(v2, api_id: str) -> bool:
    try:
        return v2.get_api(ApiId=api_id).get("ProtocolType") == "WEBSOCKET"
    except Exception:  # noqa: BLE001 - the HTTP probe then reports what is wrong
        return False


def try_websocket_api(v2, endpoint: str, api_id: str, res: dict, result: StackResult) -> None:
    """A WebSocket API is one route here: a connection to its first stage opens ($connect ran
    and let it in). Its other routes need messages the template's clients know."""
    import websocket  # websocket-client, in ws's test extras

    result.routes += 1
    stages = [s["StageName"] for s in v2.get_stages(ApiId=api_id)["Items"]]
    url = endpoint.replace("http", "ws", 1) + f"/_ws/api/{api_id}/{(stages or ['none'])[0]}"
    connect = [r for r in v2.get_routes(ApiId=api_id)["Items"] if r["RouteKey"] == "$connect"]
    iam = bool(connect) and connect[0].get("AuthorizationType") == "AWS_IAM"
    headers = signed(url.replace("ws", "http", 1), "GET", None, json=False) if iam else {}
    try:
        websocket.create_connection(url, timeout=10, header=[
            f"{k}: {v}" for k, v in headers.items()]).close()
        result.answered += 1
    except Exception as exc:  # noqa: BLE001 - a refused handshake is the finding
        fail(result, "route", res, f"$connect: {str(exc)[:200]}")
