"""What CloudFormation would reject, refused before a deploy touches any stack.

cfn-lint limited to what CloudFormation enforces on create (E0 template format, the E1 rules
for the template's structure and its references and functions, E3 resource schemas and
required properties, E6 outputs), run only on templates not already
checked: a template that passed is remembered by a hash of its content (with the region, the
rules and the versions of cfn-lint and of the SAM translator) under .ws/precheck/, so a no-op
deploy pays nothing. New templates are linted in parallel processes forked from one that loaded
cfn-lint's rules (which of them the check keeps is recorded in the user's cache: rules_cache)."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

from ws.lint import accepted
from ws.lint.cfnlint import Finding, crashed, is_duplicate, weighed
from ws.statefiles import replace_text

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
    findings = _lint(todo, workers, runner or load_runner(region, rules_cache()))
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


LINTERS = ("cfn-lint", "aws-sam-translator")  # cfn-lint expands SAM templates with the latter


def _salt(region: str) -> bytes:
    """What else a pass depends on: region, rules and the versions of cfn-lint and of what it
    expands SAM templates with (each read once: a version lookup scans the installed
    distributions)."""
    versions = "\0".join(version(name) for name in LINTERS)
    return f"\0{region}\0{','.join(RULES)}\0{versions}\0{accepted.KNOWN}".encode()


def _todo(templates: dict[str, Path], keys: dict[str, str], cache: Path) -> dict[str, Path]:
    return {d: p for d, p in templates.items() if not (cache / keys[d]).exists()}


def _keys(templates: dict[str, Path], region: str) -> dict[str, str]:
    """Each template's record name: a hash of its content, the region, rules and version."""
    salt = _salt(region)
    return {d: hashlib.sha256(p.read_bytes() + salt).hexdigest() for d, p in templates.items()}


def _lint(todo: dict[str, Path], workers: int | None, runner: Any) -> list[Finding]:
    """Lint with `runner` (cfn-lint's rules, loaded once), in workers forked from this process
    that inherit it (each would otherwise pay the import and the rules' loading again)."""
    items = sorted(todo.items())
    workers = workers or min(os.cpu_count() or 1, max(1, len(items) // PER_WORKER))
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


def rules_cache() -> Path:
    """Where the rules the check keeps are recorded: ws's folder in the user's cache
    (XDG_CACHE_HOME honoured). The record depends only on cfn-lint's version and RULES, so a
    new workspace or checkout finds it there, as Python finds its bytecode."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ws" / "cfn-lint"


def load_runner(region: str, cache: Path | None = None) -> Any:
    """cfn-lint's runner with its rules loaded (cfn-lint is imported here, not at start),
    keeping only the rules that can report a family in RULES: those rules and the rules that
    run them (cfn-lint runs every loaded rule and drops ignored findings afterwards, so the
    others would cost a third of each template's time for nothing).

    Which rules those are is known only once every rule is made (a rule names the rules it
    runs, or that run it, when it is made), and making the others costs 0.13 s of the 0.3 s
    (their constructors read data files): with `cache`, the kept ids are recorded there for
    this cfn-lint version, and the next load makes only those."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner.cli import Runner

    record = cache / f"rules-{hashlib.sha256(_salt('')).hexdigest()[:16]}" if cache else None
    known = _recorded(record)
    with _making_only(known) as skipped:
        runner = Runner(ConfigMixIn(regions=[region]))  # findings outside RULES: lint_chunk drops
    needed = with_parents(runner.rules.data, {k for k in runner.rules.data
                                              if k.startswith(RULES)})
    if known is not None and (needed != known or any(i.startswith(RULES) for i in skipped)):
        record.unlink(missing_ok=True)  # not what this version keeps: made again from all
        return load_runner(region, cache)
    for rule_id in set(runner.rules.data) - needed:
        del runner.rules.data[rule_id]
    if record is not None and known is None:
        try:
            replace_text(record, json.dumps(sorted(needed)))
        except OSError:  # a cache that cannot be written: every load makes every rule
            pass
    return runner


def _recorded(record: Path | None) -> set[str] | None:
    try:
        ids = json.loads(record.read_text(encoding="utf-8")) if record else None
    except (OSError, ValueError):  # none yet (or unreadable): every rule is made
        return None
    return set(ids) if isinstance(ids, list) and ids else None


@contextmanager
def _making_only(ids: set[str] | None) -> Iterator[set[str]]:
    """While cfn-lint loads its rules, it makes only the rule classes whose id is in `ids`
    (all of them when None): its loader is handed each rule module without the others, whose
    ids are gathered in the set yielded."""
    import cfnlint.helpers

    make, skipped = cfnlint.helpers.create_rules, set()
    if ids is None:
        yield skipped
        return

    def create_rules(module: Any, *args: Any, **kwargs: Any) -> list[Any]:
        kept = {}
        for key, value in vars(module).items():
            rule_id = getattr(value, "id", None) if isinstance(value, type) else None
            if rule_id is None or rule_id in ids:
                kept[key] = value
            else:
                skipped.add(str(rule_id))
        return make(SimpleNamespace(**kept), *args, **kwargs)
    cfnlint.helpers.create_rules = create_rules
    try:
        yield skipped
    finally:
        cfnlint.helpers.create_rules = make


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

    from ws.config.cfnyaml import decode

    found: list[Finding] = []
    for display, path in items:
        as_read = None
        try:
            text = path.read_text(encoding="utf-8")
            body, matches = decode_str(text)
            if matches and all(is_duplicate(m.rule.id, m.message) for m in matches):
                # CloudFormation takes a key written twice (the last one wins), as ws reads
                # it: check the template as read (ws validate warns of the duplicates)
                body, matches, as_read = decode(text, display), [], text
            if body is not None and not matches:
                matches = list(runner.validate_template(body))
        except Exception as exc:  # noqa: BLE001 - cfn-lint failed on it: its finding
            found.append(crashed(display, exc))
            continue
        found += refused(display, [m for m in matches if m.rule.id.startswith(RULES)], body,
                         runner.config.regions[0], as_read)
    return sorted(found)


def refused(display: str, matches: list, body: Any, region: str,
            text: str | None = None) -> list[Finding]:
    """The errors among cfn-lint's `matches`: not those CloudFormation accepts (ws validate
    prints them as warnings, ws.lint.accepted says why)."""
    return [f for f in weighed(display, matches, body, region, text) if f.level == "error"]
