"""The worker process on its own: the frame protocol, and HTTP calls to AWS-shaped API
Gateway URLs redirected to the local endpoint (here a stand-in HTTP server)."""
from __future__ import annotations

import dataclasses
import http.server
import json
import textwrap
import threading
import time

import pytest

from ws.local.lambdas.launch import Launcher
from ws.local.lambdas.process import WorkerProcess
from ws.local.lambdas.spec import FunctionSpec

CALLER = textwrap.dedent("""
    import json, urllib.request

    def handler(event, context):
        request = urllib.request.Request(event["url"], data=b'{"x": 1}', method="POST")
        with urllib.request.urlopen(request, timeout=5) as reply:
            return json.loads(reply.read())
""")


@pytest.fixture
def stand_in():
    """A tiny HTTP server that answers with the path and body it received."""
    class Echo(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = json.dumps({"path": self.path, "body": body.decode()}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def spec(timeout: int = 5) -> FunctionSpec:
    return FunctionSpec(name="caller", arn="arn:aws:lambda:us-east-1:123456789012:function:caller",
                        version="$LATEST", runtime="python3.11", handler="app.handler",
                        timeout=timeout, memory=128, env=(), code_sha="x", region="us-east-1",
                        account="123456789012")


def request(event: dict) -> dict:
    return {"request_id": "r-1", "event": json.dumps(event), "handler": "app.handler",
            "deadline_ms": time.time() * 1000 + 5000, "function_name": "caller",
            "version": "$LATEST", "arn": "arn", "memory": 128, "log_group": "g",
            "log_stream": "s"}


@pytest.fixture
def worker(tmp_path, stand_in):
    (tmp_path / "app.py").write_text(CALLER)
    process = WorkerProcess(spec(), tmp_path, stand_in, Launcher(stand_in).launch(spec()))
    yield process
    process.kill()


def test_execute_api_urls_reach_the_local_api_server(worker):
    url = "https://abc123def4.execute-api.us-east-1.amazonaws.com/prod/pay?x=1"
    reply = worker.invoke(request({"url": url}), time.monotonic() + 10)
    assert reply["ok"], reply
    assert json.loads(reply["payload"]) == {"path": "/_ws/api/abc123def4/prod/pay?x=1",
                                            "body": '{"x": 1}'}


def test_node_fetch_of_execute_api_urls_reaches_the_local_api_server(tmp_path, stand_in):
    (tmp_path / "app.mjs").write_text(
        "export const handler = async (e) => { const r = await fetch(e.url,"
        " { method: 'POST', body: '{\"x\": 1}' }); return r.json(); };")
    node = dataclasses.replace(spec(), runtime="nodejs20.x")
    process = WorkerProcess(node, tmp_path, stand_in, Launcher(stand_in).launch(node))
    url = "https://abc123def4.execute-api.us-east-1.amazonaws.com/prod/pay?x=1"
    try:
        reply = process.invoke(request({"url": url}), time.monotonic() + 10)
    finally:
        process.kill()
    assert reply["ok"], reply
    assert json.loads(reply["payload"]) == {"path": "/_ws/api/abc123def4/prod/pay?x=1",
                                            "body": '{"x": 1}'}


def test_other_urls_are_left_alone(worker, stand_in):
    reply = worker.invoke(request({"url": f"{stand_in}/plain"}), time.monotonic() + 10)
    assert json.loads(reply["payload"])["path"] == "/plain"


def test_a_deadline_passing_answers_none(tmp_path, stand_in):
    (tmp_path / "app.py").write_text("import time\ndef handler(e, c):\n    time.sleep(10)\n")
    process = WorkerProcess(spec(), tmp_path, stand_in, Launcher(stand_in).launch(spec()))
    try:
        assert process.invoke(request({}), time.monotonic() + 0.5) is None
    finally:
        process.kill()
    assert not process.alive
