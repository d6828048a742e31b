"""A stand-in for the endpoint's Lambda runner, until functions run in worker processes:
runs a function's inline (ZipFile) Python code in this process.

It replaces `LambdaFunction._invoke_lambda`, moto's Docker runner, so everything above it
(LambdaBackend.invoke, the gateway's seam) runs as it will with the real runner.
"""
from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import threading
import traceback
import zipfile
from typing import Any, Iterator

import pytest
from moto.awslambda.models import LambdaFunction
from moto.server import MotoRequestHandler
from werkzeug.serving import make_server

from ws.local import endpoint as lifecycle
from ws.local.server import build_app


def _source(code: bytes, module: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(code))
    except zipfile.BadZipFile:
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(code)))
    return archive.read(f"{module}.py").decode()


def run_inline(function: Any, event: Any = None) -> tuple[str, bool, str]:
    """(result JSON, errored, logs), as moto's `_invoke_lambda` returns them."""
    module, handler = function.handler.rsplit(".", 1)
    namespace: dict[str, Any] = {"__name__": module}
    exec(compile(_source(function.code_bytes, module), f"{module}.py", "exec"), namespace)
    try:
        return json.dumps(namespace[handler](event, None)), False, ""
    except Exception as exc:  # the function's own error, reported as Lambda does
        return json.dumps({"errorMessage": str(exc), "errorType": type(exc).__name__,
                           "stackTrace": traceback.format_exc().splitlines()}), True, ""


class InProcessEndpoint:
    """The endpoint's app (ws.local.server.build_app) served from a thread of this process,
    so a test can replace the Lambda runner in the server."""

    def __init__(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise
        self.server = make_server("127.0.0.1", 0, build_app(), threaded=True,
                                  request_handler=MotoRequestHandler)
        self.url = f"http://localhost:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def standin_endpoint() -> Iterator[str]:
    """An emptied in-process endpoint whose functions run inline (run_inline); its URL."""
    server = InProcessEndpoint()
    lifecycle.reset(server.url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LambdaFunction, "_invoke_lambda", run_inline)
        yield server.url
    server.close()


# A module whose tests each want the stand-in endpoint emptied imports these two fixtures:
# `from lambda_standin import moto_url, served`.
@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The module's in-process endpoint with the stand-in runner."""
    with standin_endpoint() as url:
        yield url


@pytest.fixture
def moto_url(served: str) -> str:
    """Overrides the shared fixture: the module's stand-in endpoint, emptied for each test."""
    lifecycle.reset(served)
    return served
