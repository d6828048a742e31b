"""A local Python function's sys.path is Lambda's: its code, its layers, what the interpreter
started with (its own PYTHONPATH, the standard library), then the runtime's SDK."""
from __future__ import annotations

from ws.local.lambdas.pythonpath import lambda_path


def test_code_then_layers_then_its_pythonpath_and_the_stdlib_then_the_sdk():
    env = {"_WS_OPT": "/l/opt", "LAMBDA_RUNTIME_DIR": "/l/_runtime",
           "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"}
    started = ["/ws/local/lambdas", "/own", "/usr/lib/python311.zip", "/usr/lib/python3.11"]
    assert lambda_path(started, "/task", env) == [
        "/task", "/l/opt/python/lib/python3.12/site-packages", "/l/opt/python", "/own",
        "/usr/lib/python311.zip", "/usr/lib/python3.11", "/l/_runtime"]
    assert "_WS_OPT" not in env  # not the handler's to see


def test_without_layers_or_a_runtime_dir_only_the_code_is_added():
    assert lambda_path(["/w", "/usr/lib/python3.11"], "/task", {}) == \
        ["/task", "/usr/lib/python3.11"]
