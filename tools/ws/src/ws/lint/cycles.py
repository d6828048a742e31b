"""Circular dependencies between resources, found in the template CloudFormation receives: a
SAM template after its transform (before it, an API whose body names its function and the
function whose event names the API point at each other; the transformed resources do not).
A template found free of cycles is remembered by its content, so a re-deploy pays nothing."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

from ws.config.templates import Template
from ws.errors import ConfigError
from ws.lint.limits import Problem, circular_dependencies


def cycle_problems(template: Template, region: str, cache: Path | None) -> list[Problem]:
    """The cycle in the template as sent (a SAM one translated), or why it cannot be sent."""
    if not template.is_sam:
        return list(circular_dependencies(template))
    record = _record(template, region, cache)
    if record is not None and record.exists():
        return []
    from ws.package.sam import as_sent  # samtranslator: only for a SAM template not known yet

    try:
        body = as_sent(template.body, region, template.display)
    except ConfigError as exc:  # (its message begins with the place: the Problem's own)
        where = exc.path if exc.line is None else f"{exc.path}:{exc.line}"
        return [Problem(template.display, exc.line, exc.message.removeprefix(f"{where}: "))]
    found = list(circular_dependencies(replace(template, body=body), template.body))
    if not found and record is not None:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.touch()
    return found


def _record(template: Template, region: str, cache: Path | None) -> Path | None:
    if cache is None:
        return None
    try:
        content = template.path.read_bytes()
    except OSError:
        return None
    salt = f"\0cycles\0{region}\0{version('aws-sam-translator')}".encode()
    return cache / f"cycles-{hashlib.sha256(content + salt).hexdigest()}"
