"""Modules loaded on first use, so that `ws --help` or `ws graph` never pay for boto3, rich,
moto or cfn-lint: `backend = lazy("ws.cloud.backend")`, then `backend.connect(...)` loads it."""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The module `name`, executed when one of its attributes is first read (the module
    itself if already imported). Its parent packages are imported now (ws's are empty)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


# Optional modules botocore imports whenever they are installed, though ws uses neither:
# awscrt (SigV4a and the CRT S3 client; 45 ms) and pyOpenSSL through urllib3 (50 ms; botocore
# takes the standard ssl module's SSLContext either way). aws-sam-cli's dependencies install
# both. The CLI hides them (sam and the local endpoint run in processes of their own).
UNUSED_BY_WS = ("awscrt", "urllib3.contrib.pyopenssl")


def hide_unused() -> None:
    """Make `import awscrt` and `import urllib3.contrib.pyopenssl` fail in this process, so
    botocore takes its fallbacks; no effect on modules already imported."""
    for name in UNUSED_BY_WS:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
