"""Functions behind the Lambda Web Adapter (awslabs/aws-lambda-web-adapter) run as the adapter
runs them: their handler script starts a web app, each event becomes an HTTP request to it.

A function is one when its environment sets ``AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap``, the
adapter's wrapper: that variable alone decides, since its layer (``LambdaAdapterLayerX86`` or
``Arm64`` of AWS's account, or the adapter copied into an image) is another account's, which
the endpoint deploys without; the deploy does not name that layer missing (:func:`stands_in`).
Its worker is webworker.py under the shepherd.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ws.local.lambdas.runtimesdk import runtime_dir
from ws.local.lambdas.spec import FunctionSpec

WRAPPER = "/opt/bootstrap"
LAYER_NAME = "LambdaAdapterLayer"  # LambdaAdapterLayerX86, LambdaAdapterLayerArm64
WEB_WORKER = Path(__file__).parent / "webworker.py"
PYTHONS = ("python", "python3")
SDK_VARIABLE = "_WS_SDK"  # webhttp.app_paths: the runtime's SDK, last on the app's PYTHONPATH


def applies(spec: FunctionSpec) -> bool:
    """Whether `spec` runs behind the Lambda Web Adapter."""
    return dict(spec.env).get("AWS_LAMBDA_EXEC_WRAPPER") == WRAPPER


def stands_in(props: dict[str, Any], arn: str) -> bool:
    """Whether ws stands in for layer `arn` of a function (its template Properties): the
    adapter's layer, in a function using its wrapper."""
    env = props.get("Environment")
    variables = env.get("Variables") if isinstance(env, dict) else None
    parts = arn.split(":")
    return isinstance(variables, dict) and len(parts) > 6 and \
        variables.get("AWS_LAMBDA_EXEC_WRAPPER") == WRAPPER and parts[6].startswith(LAYER_NAME)


def worker_argv(shepherd: Path, limits: tuple[str, str], endpoint: str) -> tuple[str, ...]:
    """The worker's command: the shepherd confining webworker.py (standard library only)."""
    return (sys.executable, "-I", "-S", str(shepherd), *limits, "--",
            sys.executable, "-I", str(WEB_WORKER), "--endpoint", endpoint)


def python_bin(root: Path) -> Path:
    """A folder whose ``python`` and ``python3`` run the server's interpreter (Lambda's
    python on PATH) without its site-packages (ws's environment: the app imports what
    PYTHONPATH names, as on Lambda), written under `root`."""
    folder = root / "_bin"
    folder.mkdir(parents=True, exist_ok=True)
    script = f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n'
    for name in PYTHONS:
        target = folder / name
        if not target.is_file() or target.read_text() != script:
            scratch = folder / f".{name}.{os.getpid()}"
            scratch.write_text(script)
            scratch.chmod(0o755)
            os.replace(scratch, target)
    return folder


def app_env(spec: FunctionSpec, task_root: Path) -> dict[str, str]:
    """Variables for the app: ws's Python first on PATH for Python runtimes, the task root on
    PYTHONPATH (the function's dependencies are there), then its layers and the runtime's
    SDK (webhttp.app_paths)."""
    path = os.environ.get("PATH", "")
    if not spec.runtime.startswith("python"):
        return {"PATH": path}
    own = dict(spec.env).get("PYTHONPATH")
    return {"PATH": os.pathsep.join([str(python_bin(task_root.parents[1])), path]),
            "PYTHONPATH": os.pathsep.join(filter(None, [own, str(task_root)])),
            SDK_VARIABLE: str(runtime_dir(task_root))}
