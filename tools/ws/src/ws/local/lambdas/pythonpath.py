"""A local Python function's import path, as Lambda's Python runtime makes it (standard library
only, loaded by worker.py by its file): the function's code, its layers in /opt, its own
PYTHONPATH, the standard library, then the runtime's SDK in $LAMBDA_RUNTIME_DIR (boto3 and what
it requires, runtimesdk.py). Nothing of ws's environment: the worker runs with -S, so no
site-packages (and none of their .pth hooks) is there, and a package the function does not
bundle fails to import as it would on AWS."""
from __future__ import annotations

import site
from typing import MutableMapping

OPT_VARIABLE = "_WS_OPT"  # layers.OPT_VARIABLE: where the layers are; removed here


def lambda_path(started: list[str], task_root: str, env: MutableMapping[str, str]) -> list[str]:
    """The function's sys.path, from the one a ``python -S worker.py`` starts with (the
    worker's folder, then the function's PYTHONPATH and the standard library)."""
    opt = env.pop(OPT_VARIABLE, "")
    version = env.get("AWS_EXECUTION_ENV", "").removeprefix("AWS_Lambda_python")
    layers = [f"{opt}/python/lib/python{version}/site-packages", f"{opt}/python"] if opt else []
    sdk = [env["LAMBDA_RUNTIME_DIR"]] if env.get("LAMBDA_RUNTIME_DIR") else []
    return [task_root, *layers, *started[1:], *sdk]


def site_builtins() -> None:
    """exit(), quit(), help() and the like, which Lambda's interpreter has and -S leaves out
    (importing site under -S adds no path)."""
    site.setquit()
    site.setcopyright()
    site.sethelper()
