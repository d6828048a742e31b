"""The Lambda Web Adapter's mapping as ws does it: events to HTTP requests, answers to the
Lambda response of the event's kind."""
from __future__ import annotations

import base64
import json

from ws.local.lambdas import webanswer, webhttp

CONFIG = webhttp.Config.from_env({"PORT": "9000", "AWS_LWA_REMOVE_BASE_PATH": "/api",
                                  "AWS_LWA_READINESS_CHECK_HEALTHY_STATUS": "200-299,404"})


def test_settings_follow_the_adapter_defaults_and_the_port_moves_with_its_check():
    default = webhttp.Config.from_env({})
    assert (default.port, default.check_path, default.pass_through, default.streaming) == \
        (8080, "/", "/events", False)
    assert default.on_port(4000).check_port == 4000
    assert [CONFIG.healthy(s) for s in (200, 302, 404, 500)] == [True, False, True, False]


def test_a_rest_event_becomes_its_request_without_the_base_path():
    event = {"httpMethod": "PUT", "path": "/api/a b", "requestContext": {},
             "multiValueHeaders": {"X-A": ["1", "2"]},
             "multiValueQueryStringParameters": {"q": ["x y", "z"]},
             "body": base64.b64encode(b"\xff\x00").decode(), "isBase64Encoded": True}
    assert webhttp._request(CONFIG, event, "v1") == (
        "PUT", "/a%20b", "q=x+y&q=z", {"x-a": "1, 2"}, b"\xff\x00")


def test_other_events_are_posted_to_the_pass_through_path_and_answer_its_body():
    method, path, _, headers, body = webhttp._request(CONFIG, {"Records": []}, "passthrough")
    assert (method, path, json.loads(body)) == ("POST", "/events", {"Records": []})
    assert webhttp._kind({"Records": []}) == "passthrough"
    assert webanswer._passthrough(b'{"ok": true}') == '{"ok": true}'
    assert webanswer._passthrough(b"done") == '"done"'


def answer(kind: str, headers: list[tuple[str, str]], body: bytes) -> webhttp.Answer:
    return webhttp.Answer(kind, {}, 200, "OK", headers, body)


def test_answers_take_the_shape_of_the_event_kind():
    pairs = [("content-type", "image/png"), ("set-cookie", "a=1"), ("set-cookie", "b=2")]
    v2 = json.loads(webanswer.reply(answer("v2", pairs, b"\x89"), False)["payload"])
    assert v2 == {"statusCode": 200, "headers": {"content-type": "image/png"},
                  "cookies": ["a=1", "b=2"], "body": "iQ==", "isBase64Encoded": True}
    v1 = json.loads(webanswer.reply(answer("v1", pairs[:2] + [("content-type", "text/plain")],
                                           b"hi"), False)["payload"])
    assert v1["multiValueHeaders"]["content-type"] == ["image/png", "text/plain"]
    assert (v1["body"], v1["isBase64Encoded"]) == ("hi", False)


def test_a_python_app_finds_its_code_then_its_layers_then_the_runtimes_sdk():
    env = {"PYTHONPATH": "/task", "_WS_OPT": "/l/opt", "_WS_SDK": "/l/_runtime",
           "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"}
    webhttp.app_paths(env)
    assert env == {"PYTHONPATH": "/task:/l/opt/python/lib/python3.12/site-packages:"
                                 "/l/opt/python:/l/_runtime",
                   "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"}
    node = {"_WS_SDK": "/l/_runtime", "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs20.x"}
    webhttp.app_paths(node)
    assert node == {"AWS_EXECUTION_ENV": "AWS_Lambda_nodejs20.x"}
