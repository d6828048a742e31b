"""Real-AWS tests: opt-in only (WS_AWS_TESTS=1 and credentials for a sandbox account); CI never
runs them. See README: "Testing against real AWS"."""
from __future__ import annotations

import os

import pytest

OPT_IN = "WS_AWS_TESTS"


def pytest_collection_modifyitems(config, items):
    if os.environ.get(OPT_IN) == "1":
        return
    skip = pytest.mark.skip(reason=f"real AWS: set {OPT_IN}=1 with sandbox credentials")
    for item in items:
        if "tests/aws/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(skip)
