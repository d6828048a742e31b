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
