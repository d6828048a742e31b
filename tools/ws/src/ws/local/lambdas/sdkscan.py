"""Which packages of the AWS SDK Lambda bundles a Node.js function uses and does not bring.

nodejs18.x and later bundle the SDK for JavaScript v3 (``@aws-sdk/*``), older runtimes v2
(``aws-sdk``). The function's code (its node_modules aside) is scanned, once per code version,
for those names in string literals: require(), import and import() all name them so.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

_NAMES = re.compile(rb"""['"`](@aws-sdk/[a-z0-9][a-z0-9._-]*|aws-sdk)(?:/[^'"`\s]*)?['"`]""")
_SOURCES = (".js", ".mjs", ".cjs")
_LARGEST = 20 * 1024 * 1024


def bundles_v3(runtime: str) -> bool:
    """Whether `runtime` bundles v3 (nodejs18.x and later) rather than v2."""
    major = int(m[1]) if (m := re.match(r"nodejs(\d+)", runtime)) else 0
    return major >= 18


def named_packages(task_root: Path) -> set[str]:
    """The SDK packages the function's own code names (its node_modules aside)."""
    found: set[str] = set()
    for folder, subfolders, files in os.walk(task_root):
        subfolders[:] = [d for d in subfolders if d != "node_modules"]
        for name in files:
            path = Path(folder, name)
            if (name.endswith(_SOURCES) and path.is_file()
                    and path.stat().st_size <= _LARGEST):
                found.update(m.decode() for m in _NAMES.findall(path.read_bytes()))
    return found


def wanted(task_root: Path, runtime: str) -> tuple[str, ...]:
    """The packages to provide: those the runtime bundles that the code names and does not
    bring in its own node_modules (at its root or one folder down)."""
    v3 = bundles_v3(runtime)
    names = {n for n in named_packages(task_root) if n.startswith("@aws-sdk/") == v3}
    return tuple(sorted(n for n in names if not _brought(task_root, n)))


def _brought(task_root: Path, package: str) -> bool:
    return (task_root / "node_modules" / package).is_dir() or any(
        task_root.glob(f"*/node_modules/{package}"))
