"""What CloudFormation would reject, refused before a deploy touches any stack.

cfn-lint limited to the rule families CloudFormation enforces on create (E0 template format,
E3 resource schemas and required properties, E6 outputs), run only on templates not already
checked: a template that passed is remembered by a hash of its content (with the region, the
rules and cfn-lint's version) under .ws/precheck/, so a no-op deploy pays nothing. New
templates are linted in parallel processes, each loading cfn-lint's rules once."""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

from ws.lint.cfnlint import Finding

RULES = ("E0", "E3", "E6")  # what CloudFormation itself refuses; warnings and style are left out
_IGNORED = ["W", "I", "E1", "E2", "E4", "E5", "E7", "E8", "E9"]
PER_WORKER = 4  # below this many templates per process, a process costs more than it saves


def unchecked(templates: dict[str, Path], region: str, cache: Path) -> dict[str, Path]:
    """The templates (display -> path) with no record of passing under `cache`."""
    return {d: p for d, p in templates.items() if not (cache / _key(p, region)).exists()}


def check(templates: dict[str, Path], region: str, cache: Path,
          workers: int | None = None) -> list[Finding]:
    """Errors CloudFormation would raise, for the templates not known to pass; passes are
    recorded so the next run skips them."""
    todo = unchecked(templates, region, cache)
    if not todo:
        return []
    findings = _lint(todo, region, workers)
    bad = {f.display for f in findings}
    cache.mkdir(parents=True, exist_ok=True)
    for display, path in todo.items():
        if display not in bad:
            (cache / _key(path, region)).touch()
    return findings


def _key(path: Path, region: str) -> str:
    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"\0{region}\0{','.join(RULES)}\0{version('cfn-lint')}".encode())
    return digest.hexdigest()


def _lint(todo: dict[str, Path], region: str, workers: int | None) -> list[Finding]:
    items = sorted(todo.items())
    workers = workers or min(os.cpu_count() or 1, max(1, len(items) // PER_WORKER))
    if workers <= 1:
        return lint_chunk(items, region)
    chunks = [items[n::workers] for n in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(lint_chunk, chunk, region) for chunk in chunks]
        return sorted(f for future in futures for f in future.result())


def lint_chunk(items: list[tuple[str, Path]], region: str) -> list[Finding]:
    """Lint templates with one cfn-lint runner (its rules load once: 0.3 s)."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.decode.decode import decode_str
    from cfnlint.runner.cli import Runner

    runner = Runner(ConfigMixIn(regions=[region], ignore_checks=_IGNORED))
    found: list[Finding] = []
    for display, path in items:
        body, matches = decode_str(path.read_text(encoding="utf-8"))
        if body is not None and not matches:
            matches = list(runner.validate_template(body))
        found += [Finding(display, m.linenumber, m.rule.id, "error", m.message)
                  for m in matches if m.rule.id.startswith(RULES)]
    return sorted(found)
