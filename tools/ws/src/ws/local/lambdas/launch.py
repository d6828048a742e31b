"""How a function's worker starts: the command for its runtime, or why it cannot run here.

Python functions run on the server's own interpreter without its site-packages (worker.py,
pythonpath.py); Node.js functions on the ``node`` found on PATH (node/bootstrap.mjs), which
must be at least Node 18. Either kind, behind the Lambda Web Adapter, runs its web app instead
(webadapter.py). A function that declares a newer Node than the one installed still runs, with
a warning (logged once). A Node.js worker also gets the AWS SDK Lambda bundles when its code
uses it (sdkenv.py).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from ws.local import urls
from ws.local.lambdas import webadapter, worker
from ws.local.lambdas.runtimesdk import ensure, runtime_dir
from ws.local.lambdas.sdkenv import BundledSdk
from ws.local.lambdas.spec import FunctionSpec, language

WORKER_SCRIPT = Path(worker.__file__)
NODE_BOOTSTRAP = WORKER_SCRIPT.parent / "node" / "bootstrap.mjs"
SHEPHERD_SCRIPT = WORKER_SCRIPT.parent / "shepherd.py"
URLS_MODULE = Path(urls.__file__)
OLDEST_NODE = 18
HEADROOM_MB = 128  # the interpreter itself, thread stacks: RLIMIT_DATA counts more than RSS


@dataclass(frozen=True)
class Launch:
    """A worker's command line (confinement included), variables to add to its environment,
    and a warning to log (given once per server)."""

    argv: tuple[str, ...]
    warning: str | None = None
    env: tuple[tuple[str, str], ...] = ()


class CannotRun(Exception):
    """The function's runtime does not run on this machine (the message says why)."""


def data_limit(spec: FunctionSpec) -> int:
    """The worker's RLIMIT_DATA in bytes: the function's MemorySize and some headroom."""
    return (spec.memory + HEADROOM_MB) * 1024 * 1024


class Launcher:
    """Commands for workers; finds node once per server."""

    def __init__(self, endpoint: str, sdk: BundledSdk | None = None) -> None:
        self.endpoint = endpoint
        self.sdk = sdk or BundledSdk.default()
        self._lock = threading.Lock()
        self._node: tuple[str, int] | None = None
        self._warned: set[str] = set()

    def launch(self, spec: FunctionSpec, task_root: Path | None = None) -> Launch:
        """The command for `spec`'s worker (its code in `task_root`, scanned for the AWS SDK
        when given); CannotRun when its runtime cannot run here."""
        kind = language(spec.runtime) if spec.package_type == "Zip" else None
        limits = (str(data_limit(spec)), str(spec.memory))
        if kind is not None and task_root is not None:
            ensure(runtime_dir(task_root))  # LAMBDA_RUNTIME_DIR (process.py)
        if kind is not None and task_root is not None and webadapter.applies(spec):
            env = webadapter.app_env(spec, task_root)
            sdk, warning = self.sdk.env(spec.runtime, task_root) if kind == "node" else ({}, None)
            return Launch(webadapter.worker_argv(SHEPHERD_SCRIPT, limits, self.endpoint),
                          self._once(warning), tuple(sorted({**env, **sdk}.items())))
        if kind == "python":  # confines itself (shepherd.confine): one interpreter start
            return Launch((sys.executable, "-S", str(WORKER_SCRIPT), "--endpoint", self.endpoint,
                           "--urls", str(URLS_MODULE), "--confine", *limits))
        if kind == "node":
            node, major = self.node()
            env, sdk_warning = self.sdk.env(spec.runtime, task_root) if task_root else ({}, None)
            warnings = [self._once(w) for w in (node_warning(spec.runtime, major), sdk_warning)]
            return Launch((sys.executable, "-I", "-S", str(SHEPHERD_SCRIPT), *limits, "--",
                           node, f"--max-old-space-size={spec.memory}", str(NODE_BOOTSTRAP)),
                          "; ".join(w for w in warnings if w) or None, tuple(sorted(env.items())))
        what = spec.runtime or f"a {spec.package_type} package"
        raise CannotRun(f"the local endpoint runs Python and Node.js functions; {spec.name} "
                        f"uses {what}: test it on AWS")

    def _once(self, warning: str | None) -> str | None:
        with self._lock:
            if warning is None or warning in self._warned:
                return None
            self._warned.add(warning)
            return warning

    def node(self) -> tuple[str, int]:
        """The node on PATH and its major version."""
        with self._lock:
            if self._node is None:
                self._node = find_node()
            return self._node


def find_node() -> tuple[str, int]:
    path = shutil.which("node")
    if path is None:
        raise CannotRun("Node.js functions need node on PATH: install Node.js "
                        f"{OLDEST_NODE} or later, then restart the endpoint (ws local down)")
    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True,
                                 timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        raise CannotRun(f"{path} --version failed: {exc}") from None
    major = int(m[1]) if (m := re.match(r"v(\d+)\.", version)) else 0
    if major < OLDEST_NODE:
        raise CannotRun(f"{path} is Node.js {version or 'of an unknown version'}; Node.js "
                        f"functions need {OLDEST_NODE} or later")
    return path, major


def node_warning(runtime: str, installed: int) -> str | None:
    """The warning for a function declaring a newer Node than the one installed."""
    declared = int(m[1]) if (m := re.match(r"nodejs(\d+)", runtime)) else 0
    if declared <= installed:
        return None
    return (f"{runtime} functions run on the installed Node.js {installed} "
            f"(features newer than Node.js {installed} fail locally)")
