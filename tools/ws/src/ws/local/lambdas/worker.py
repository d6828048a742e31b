"""A Lambda worker: runs one function's Python handler for the local endpoint, warm.

Started by the server as ``python -S worker.py --endpoint URL --urls PATH --confine LIMIT MB``
in the function's extracted code folder, with the function's environment; it first confines
itself (shepherd.py: a fork whose parent shepherds it). Standard library only, and not
imported as part of ``ws``: what the handler sees on ``sys.path`` is what Lambda's would be
(pythonpath.py), its own code first; the worker's modules are loaded by their files under
private names, so a module of the function's named like one of them wins. The parent speaks
over stdin/stdout in frames: a 4-byte big-endian length, then UTF-8 JSON. Each request frame is
one invocation; each reply carries the result (or the error, shaped as Lambda shapes it) and
what the handler printed or logged.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import io
import json
import logging
import os
import struct
import sys
import time
import traceback
import urllib.request
from typing import Any, BinaryIO, Callable

_HEADER = struct.Struct(">I")


def write_frame(stream: BinaryIO, message: dict[str, Any]) -> None:
    """Send one length-prefixed JSON frame."""
    data = json.dumps(message).encode()
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: BinaryIO) -> dict[str, Any] | None:
    """Read one frame; None at end of stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    return json.loads(stream.read(_HEADER.unpack(header)[0]))


class LambdaContext:
    """The context object a Python handler receives on Lambda."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.function_name = request["function_name"]
        self.function_version = request["version"]
        self.invoked_function_arn = request["arn"]
        self.memory_limit_in_mb = int(request["memory"])
        self.aws_request_id = request["request_id"]
        self.log_group_name = request["log_group"]
        self.log_stream_name = request["log_stream"]
        self.identity = None
        self.client_context = None
        self._deadline_ms = request["deadline_ms"]

    def get_remaining_time_in_millis(self) -> int:
        return max(int(self._deadline_ms - time.time() * 1000), 0)


def _load(name: str, path: str) -> Any:
    """A module of ws's by its file, without ws on sys.path."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def install_url_hook(endpoint: str, urls_path: str) -> None:
    """Make urllib reach the local endpoint for AWS-shaped API URLs (ws.local.urls.to_local)
    and for moto's own callback host (custom resource ResponseURLs)."""
    urls = _load("_ws_local_urls", urls_path)
    original = urllib.request.OpenerDirector.open

    def open_local(self: Any, fullurl: Any, data: Any = None, *args: Any, **kwargs: Any) -> Any:
        url = fullurl.full_url if isinstance(fullurl, urllib.request.Request) else fullurl
        local = urls.to_local(url, endpoint) if isinstance(url, str) else None
        if local is not None:
            if isinstance(fullurl, urllib.request.Request):
                fullurl.full_url = local
            else:
                fullurl = local
        return original(self, fullurl, data, *args, **kwargs)

    urllib.request.OpenerDirector.open = open_local


class _Capture(io.TextIOBase):
    """sys.stdout and sys.stderr during an invocation: everything goes to one buffer."""

    def __init__(self) -> None:
        self.buffer_ = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer_.write(text)

    def writable(self) -> bool:
        return True


class _RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


class _StdoutHandler(logging.Handler):
    """Writes to whatever sys.stdout is at the time: the invocation's capture."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stdout.write(self.format(record) + "\n")


def _setup_logging() -> _RequestIdFilter:
    """A root handler in Lambda's format (root level stays WARNING, as on Lambda)."""
    ids = _RequestIdFilter()
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
        "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler = _StdoutHandler()
    handler.setFormatter(formatter)
    handler.addFilter(ids)
    logging.getLogger().addHandler(handler)
    return ids


def _error(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    return {"errorMessage": str(exc), "errorType": error_type or type(exc).__name__,
            "requestId": "", "stackTrace": [line.rstrip("\n")
                                            for line in traceback.format_list(frames)]}


class _Handlers:
    """The handler, imported on first use (import errors answer that invocation)."""

    def __init__(self) -> None:
        self.loaded: dict[str, Callable[..., Any]] = {}

    def get(self, name: str) -> Callable[..., Any]:
        if name not in self.loaded:
            module_name, _, function = name.rpartition(".")
            try:
                module = importlib.import_module(module_name.replace("/", "."))
            except Exception as exc:  # noqa: BLE001 - reported as Lambda reports it
                raise _InitError(f"Unable to import module '{module_name}': {exc}",
                                 "Runtime.ImportModuleError") from exc
            if not callable(getattr(module, function, None)):
                raise _InitError(f"Handler '{function}' missing on module '{module_name}'",
                                 "Runtime.HandlerNotFound")
            self.loaded[name] = getattr(module, function)
        return self.loaded[name]


class _InitError(Exception):
    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def invoke(request: dict[str, Any], handlers: _Handlers, ids: _RequestIdFilter) -> dict[str, Any]:
    """Run one invocation; the reply frame."""
    capture = _Capture()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = capture
    ids.request_id = request["request_id"]
    try:
        handler = handlers.get(request["handler"])
        result = handler(json.loads(request["event"]), LambdaContext(request))
        reply = {"ok": True, "payload": json.dumps(result)}
    except _InitError as exc:
        reply = {"ok": False, "payload": json.dumps(_error(exc, exc.error_type))}
        print(f"[ERROR] {exc.error_type}: {exc}")
    except MemoryError:  # beyond the function's MemorySize: Lambda ends the runtime
        message = f"RequestId: {request['request_id']} Error: Runtime exited with error: " \
                  "signal: killed"
        reply = {"ok": False, "exit": True, "payload": json.dumps(
            {"errorType": "Runtime.OutOfMemory", "errorMessage": message})}
    except Exception as exc:  # noqa: BLE001 - the handler's failure is the answer
        error = _error(exc)
        error["requestId"] = request["request_id"]
        reply = {"ok": False, "payload": _dumps_error(error)}
        print(f"[ERROR] {error['errorType']}: {exc}\nTraceback (most recent call last):\n"
              + "\n".join(error["stackTrace"]))
    finally:
        sys.stdout, sys.stderr = saved
    reply["log"] = capture.buffer_.getvalue()
    return reply


def _dumps_error(error: dict[str, Any]) -> str:
    try:
        return json.dumps(error)
    except (TypeError, ValueError):
        return json.dumps({**error, "errorMessage": repr(error["errorMessage"])})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--urls", required=True)
    parser.add_argument("--confine", nargs=2, type=int, metavar=("DATA_LIMIT", "MEMORY_MB"))
    args = parser.parse_args()
    if args.confine:  # from here on, this process is the shepherd's confined child
        _load("_ws_shepherd", os.path.join(os.path.dirname(__file__), "shepherd.py")).confine(
            *args.confine)
    # The frames own the original stdin/stdout; stray writes to fd 1 go to the server log.
    frames_in = os.fdopen(os.dup(0), "rb")
    frames_out = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)
    paths = _load("_ws_pythonpath", os.path.join(os.path.dirname(__file__), "pythonpath.py"))
    sys.path[:] = paths.lambda_path(sys.path, os.getcwd(), os.environ)  # cwd: the task root
    paths.site_builtins()
    install_url_hook(args.endpoint, args.urls)
    ids, handlers = _setup_logging(), _Handlers()
    while (request := read_frame(frames_in)) is not None:
        try:
            reply = invoke(request, handlers, ids)
        except BaseException as exc:  # noqa: BLE001 - SystemExit in a handler, and the like
            reply = {"ok": False, "payload": _dumps_error(_error(exc)), "log": "",
                     "exit": True}
        write_frame(frames_out, reply)
        if reply.get("exit"):
            break


if __name__ == "__main__":
    main()
