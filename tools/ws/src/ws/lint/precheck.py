"""What CloudFormation would reject, refused before a deploy touches any stack.

cfn-lint limited to what CloudFormation enforces on create (E0 template format, the E1 rules
for the template's structure and its references and functions, E3 resource schemas and
required properties, E6 outputs), run only on templates not already
checked: a template that passed is remembered by a hash of its content (with the region, the
rules and cfn-lint's version) under .ws/precheck/, so a no-op deploy pays nothing. New
templates are linted in parallel processes, each loading cfn-lint's rules once."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ws.lint.cfnlint import Finding

# What CloudFormation itself refuses when it reads a template, among cfn-lint's E1 rules: the
# template's structure, a Ref, GetAtt or Sub to nothing, a malformed intrinsic function. Not
# E1029 (a literal ${X} outside Fn::Sub is legal) nor the value-format guesses (E1040-E1164).
TEMPLATE_RULES = ("E1001", "E1010", "E1011", "E1015", "E1016", "E1017", "E1018", "E1019",
                  "E1020", "E1021", "E1022", "E1024", "E1028")
# Those, and template format (E0), resource schemas (E3) and outputs (E6): what CloudFormation
# refuses; warnings and style are left out.
RULES = ("E0", "E3", "E6", *TEMPLATE_RULES)
PER_WORKER = 4  # below this many templates per process, a process costs more than it saves


def unchecked(templates: dict[str, Path], region: str, cache: Path) -> dict[str, Path]:
    """The templates (display -> path) with no record of passing under `cache`."""
    return _todo(templates, _keys(templates, region), cache)


def check(templates: dict[str, Path], region: str, cache: Path,
          workers: int | None = None, runner: Any = None) -> list[Finding]:
    """Errors CloudFormation would raise, for the templates not known to pass; passes are
    recorded so the next run skips them (`runner`: cfn-lint's, already loaded)."""
    keys = _keys(templates, region)  # each template read and hashed once
    todo = _todo(templates, keys, cache)
    if not todo:
        return []
    findings = _lint(todo, region, workers, runner)
    bad = {f.display for f in findings}
    cache.mkdir(parents=True, exist_ok=True)
    for display in todo:
        if display not in bad:
            (cache / keys[display]).touch()
    forget(cache, set(keys.values()))
    return findings


KEEP_DAYS = 30  # a pass not seen for this long is forgotten (its template changed since)


def forget(cache: Path, current: set[str], now: float | None = None) -> int:
    """Delete the records of passes older than KEEP_DAYS, except the `current` templates'
    (one empty file per template version would otherwise pile up); how many went."""
    limit = (time.time() if now is None else now) - KEEP_DAYS * 86400
    gone = 0
    for entry in cache.iterdir():
        try:
            if entry.name not in current and entry.stat().st_mtime < limit:
                entry.unlink()
                gone += 1
        except OSError:  # another run removed it first
            continue
    return gone


def _salt(region: str) -> bytes:
    """What else a pass depends on: region, rules and cfn-lint's version (read once: looking
    a version up scans the installed distributions)."""
    return f"\0{region}\0{','.join(RULES)}\0{version('cfn-lint')}".encode()


def _todo(templates: dict[str, Path], keys: dict[str, str], cache: Path) -> dict[str, Path]:
    return {d: p for d, p in templates.items() if not (cache / keys[d]).exists()}


def _keys(templates: dict[str, Path], region: str) -> dict[str, str]:
    """Each template's record name: a hash of its content, the region, rules and version."""
    salt = _salt(region)
    return {d: hashlib.sha256(p.read_bytes() + salt).hexdigest() for d, p in templates.items()}


def _lint(todo: dict[str, Path], region: str, workers: int | None,
          runner: Any = None) -> list[Finding]:
    """Load cfn-lint's rules once here, then fork workers that inherit them (each would
    otherwise pay the 0.6 s import and rule loading again, on a machine with two cores)."""
    items = sorted(todo.items())
    workers = workers or min(os.cpu_count() or 1, max(1, len(items) // PER_WORKER))
    runner = runner or load_runner(region)
    if workers <= 1:
        return lint_chunk(runner, items)
    _WARM[:] = [runner]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(_lint_forked, items[n::workers]) for n in range(workers)]
            return sorted(f for future in futures for f in future.result())
    finally:
        _WARM.clear()


# The runner a forked worker inherits: set only while a pool of forked workers runs (a
# Runner cannot be pickled, and passing it by fork is what saves each worker the import).
_WARM: list[Any] = []


def _lint_forked(items: list[tuple[str, Path]]) -> list[Finding]:
    return lint_chunk(_WARM[0], items)


def load_runner(region: str) -> Any:
    """cfn-lint's runner with its rules loaded (cfn-lint is imported here, not at start),
    keeping only the rules that can report a family in RULES: those rules and the rules that
    run them (cfn-lint runs every loaded rule and drops ignored findings afterwards, so the
    others would cost a third of each template's time for nothing)."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner.cli import Runner

    runner = Runner(ConfigMixIn(regions=[region]))  # findings outside RULES: lint_chunk drops
    needed = with_parents(runner.rules.data, {k for k in runner.rules.data
                                              if k.startswith(RULES)})
    for rule_id in set(runner.rules.data) - needed:
        del runner.rules.data[rule_id]
    return runner


def with_parents(rules: dict[str, Any], wanted: set[str]) -> set[str]:
    """`wanted` rule ids and every rule that runs one of them, transitively (a rule runs its
    `child_rules`; a rule names those that run it in `parent_rules`)."""
    parents: dict[str, set[str]] = {rule_id: set() for rule_id in rules}
    for rule_id, rule in rules.items():
        for child in rule.child_rules:
            parents.setdefault(child, set()).add(rule_id)
        parents[rule_id].update(p for p in rule.parent_rules if p in rules)
    needed, todo = set(wanted), list(wanted)
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in needed:
                needed.add(parent)
                todo.append(parent)
    return needed


def lint_chunk(runner: Any, items: list[tuple[str, Path]]) -> list[Finding]:
    """Lint templates with one cfn-lint runner; only the families in RULES are kept."""
    from cfnlint.decode.decode import decode_str

    found: list[Finding] = []
    for display, path in items:
        body, matches = decode_str(path.read_text(encoding="utf-8"))
        if body is not None and not matches:
            matches = list(runner.validate_template(body))
        found += [Finding(display, m.linenumber, m.rule.id, "error", m.message)
                  for m in matches if m.rule.id.startswith(RULES)]
    return sorted(found)
