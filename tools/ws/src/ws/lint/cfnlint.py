"""Lint every template with cfn-lint, in parallel processes (linting is CPU-bound)."""
from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ws.lint import accepted
from ws.lint.spot import Spot


@dataclass(frozen=True, order=True)
class Finding:
    """One cfn-lint match, reduced to plain data that crosses process boundaries."""

    display: str
    line: int
    rule: str
    level: str
    message: str

    def __str__(self) -> str:
        return f"{self.display}:{self.line}: {self.rule} {self.message}"


def lint_one(path: Path, display: str, region: str) -> list[Finding]:
    """Every cfn-lint finding of one template (cfn-lint is imported here: it costs 0.5 s);
    cfn-lint failing on it is its one finding."""
    from cfnlint.api import ManualArgs, lint_file

    try:
        matches = lint_file(path, config=ManualArgs(regions=[region]))
        duplicates = [m for m in matches if is_duplicate(m.rule.id, m.message)]
        if duplicates and len(duplicates) == len(matches):
            return _as_read(path, display, region, duplicates)
        body = _body(path) if any(m.rule.id.startswith("E") for m in matches) else None
    except Exception as exc:  # noqa: BLE001 - cfn-lint's own failure: this template's finding
        return [crashed(display, exc)]
    return sorted(weighed(display, matches, body, region))


def _body(path: Path) -> Any:
    from cfnlint.decode.decode import decode_str

    return decode_str(path.read_text(encoding="utf-8"))[0]


def weighed(display: str, matches: list, body: Any, region: str, text: str | None = None,
            note: str = "") -> list[Finding]:
    """cfn-lint's matches as findings: an error CloudFormation accepts is a warning saying
    why (ws.lint.accepted); `text`: the template's, when the body read has no lines (each
    finding then names the line of the resource or output it is about)."""
    spot = Spot(body, region, display)
    found = []
    for m in matches:
        rule, path = m.rule.id, accepted.where(m)
        why = accepted.reason(rule, m.message, path, spot) if rule.startswith("E") else ""
        level = "warning" if why else _level(rule)
        message = f"{m.message}: CloudFormation accepts it ({why})" if why else \
            accepted.explained(rule, m.message, path, spot)
        line = m.linenumber if text is None else _line_of(text, path)
        found.append(Finding(display, line, rule, level, message + note))
    return found


def _line_of(text: str, path: tuple) -> int:
    """The line of the entry (a resource, an output...) that `path` is in (1: none)."""
    from ws.config.cfnyaml import line_of_key

    return line_of_key(text, str(path[1])) if len(path) > 1 else 1


def is_duplicate(rule_id: str, message: str) -> bool:
    return rule_id == "E0000" and message.startswith("Duplicate found")


def _as_read(path: Path, display: str, region: str, duplicates: list) -> list[Finding]:
    """A duplicated key stops cfn-lint's parser, but CloudFormation takes it (the last one
    wins), as ws's reader does: a warning each, and the template checked as it is read."""
    import json

    from cfnlint.api import ManualArgs, lint
    from ws.config.cfnyaml import decode

    found = [Finding(display, m.linenumber, "WS003", "warning",
                     f"{m.message}: the last one wins, as CloudFormation reads it")
             for m in duplicates]
    text = path.read_text()
    body = decode(text, display)
    found += weighed(display, lint(json.dumps(body), config=ManualArgs(regions=[region])), body,
                     region, text, note=" (in the template as read, duplicates dropped)")
    return sorted(found)


def crashed(display: str, exc: BaseException) -> Finding:
    """cfn-lint raised on a template: an error naming it (it could not be checked)."""
    what = (str(exc).strip().splitlines() or [""])[0][:200]
    return Finding(display, 1, "WS002", "error",
                   f"cfn-lint failed on this template ({type(exc).__name__}: {what}): check "
                   "that it is well formed (an empty section such as 'Parameters:' is null, "
                   "which CloudFormation refuses)")


def _level(rule_id: str) -> str:
    return {"E": "error", "W": "warning"}.get(rule_id[:1], "info")


def lint_all(templates: dict[str, Path], region: str, workers: int | None = None) -> list[Finding]:
    """Findings for every template (display name -> path), linted `workers` at a time."""
    workers = workers or min(len(templates), os.cpu_count() or 1)
    if workers <= 1 or len(templates) <= 1:
        return sorted(f for d, p in templates.items() for f in lint_one(p, d, region))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {d: pool.submit(lint_one, p, d, region) for d, p in templates.items()}
        return sorted(f for d, future in futures.items() for f in _result(d, future))


def _result(display: str, future: Future[list[Finding]]) -> list[Finding]:
    """A worker's findings; its process dying (a crash in a C extension) is the template's."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - BrokenProcessPool and the like
        return [crashed(display, exc)]
