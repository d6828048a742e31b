"""What a Node.js worker's environment says of the AWS SDK Lambda bundles (nodesdk.py).

CommonJS finds the installed packages through NODE_PATH, which Node searches after every
node_modules above the module, so the function's own copy wins as on Lambda; ES modules ignore
NODE_PATH, so node/sdkresolve.mjs, registered by the bootstrap when WS_NODE_SDK is set, resolves
the SDK's names there once the usual resolution has failed. When the install failed,
WS_NODE_SDK_ERROR carries the reason for the bootstrap's Runtime.ImportModuleError.
"""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from ws.local.lambdas import nodesdk, sdkscan

RETRY_SECONDS = 60  # a failed install (offline, npm missing) is tried again after this


class BundledSdk:
    """Installs for one server: code scans remembered per code folder, failures for a while."""

    def __init__(self, cache: Path, npm: str | None) -> None:
        self.cache = cache
        self.npm = npm
        self._lock = threading.Lock()
        self._wanted: dict[tuple[Path, str], tuple[str, ...]] = {}
        self._failed: dict[tuple[str, ...], tuple[float, str]] = {}

    @classmethod
    def default(cls) -> BundledSdk:
        """The user's cache and the npm on PATH."""
        return cls(nodesdk.default_cache(), shutil.which("npm"))

    def env(self, runtime: str, task_root: Path) -> tuple[dict[str, str], str | None]:
        """The worker's variables for the SDK its code uses, and a warning if it could not be
        installed."""
        packages = self._packages(runtime, task_root)
        if not packages:
            return {}, None
        try:
            folder = self._install(packages)
        except nodesdk.Unavailable as exc:
            reason = str(exc)
            return ({"WS_NODE_SDK_ERROR": reason},
                    f"the AWS SDK that Lambda bundles could not be installed ({reason}); "
                    "functions that import it fail with Runtime.ImportModuleError")
        variables = {"WS_NODE_SDK": str(folder), "NODE_PATH": str(folder / "node_modules")}
        if not sdkscan.bundles_v3(runtime):
            variables["WS_NODE_SDK_V2"] = "1"
        return variables, None

    def _packages(self, runtime: str, task_root: Path) -> tuple[str, ...]:
        key = (task_root, runtime)
        with self._lock:
            if key in self._wanted:
                return self._wanted[key]
        packages = sdkscan.wanted(task_root, runtime)
        with self._lock:
            self._wanted[key] = packages
        return packages

    def _install(self, packages: tuple[str, ...]) -> Path:
        with self._lock:
            failed = self._failed.get(packages)
        if failed and time.monotonic() - failed[0] < RETRY_SECONDS:
            raise nodesdk.Unavailable(failed[1])
        try:
            return nodesdk.install(packages, self.cache, self.npm)
        except nodesdk.Unavailable as exc:
            with self._lock:
                self._failed[packages] = (time.monotonic(), str(exc))
            raise
