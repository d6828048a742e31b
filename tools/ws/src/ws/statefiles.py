"""Files ws keeps under .ws/ (durations, the template check's records), which several runs may
write at once."""
from __future__ import annotations

import os
from pathlib import Path


def replace_text(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: into a scratch file of this process, then
    renamed over it, so a reader sees the old content or the new, and of two runs writing at
    once the last one wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    scratch.write_text(text, encoding="utf-8")
    scratch.replace(path)
