"""bench_corpus.py's verdicts and figures: each failure's class, per-stack lines, the totals."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from corpus_classify import CLASSES, Context, classify, export_pattern, legend
from corpus_templates import failed_type, read_facts

FILE = re.compile(r"(?:^|error: )(\S+\.ya?ml):\d+:")
STATES = {"": "DEPLOYED", "read": "READ    ", "check": "CHECK   ", "build": "BUILD   ",
          "deploy": "FAILED  "}


def run_exports(templates: list[Path]) -> tuple[re.Pattern, ...]:
    """What every export of the run's templates can be named, whatever their stack's name."""
    patterns = []
    for path in templates:
        facts = read_facts(path)
        defaults = {k: v.get("Default") for k, v in facts.parameters.items()
                    if isinstance(v, dict) and "Default" in v}
        patterns += [export_pattern(name, defaults) for name in facts.exports]
    return tuple(p for p in patterns if p is not None)


def judge(result, exports: tuple) -> None:
    """Give the stack's failure, and each of its functions' and routes', a class and reason."""
    facts = read_facts(Path(result.template)) if result.template else None
    params = facts.parameters if facts else {}
    ctx = Context(Path(result.template).parent if result.template else None, result.filled,
                  {k: v["Default"] for k, v in params.items()
                   if isinstance(v, dict) and isinstance(v.get("Default"), (str, int))},
                  exports)
    if result.error:
        result.cls, result.reason = classify(result.stage, result.error, ctx)
        named = named_file(result)
        result.type = failed_type(result.error, read_facts(named) if named else facts) \
            if facts else "(no type named)"
    for failure in sorted(result.failures, key=lambda f: f["stage"] == "route"):
        one = Context(ctx.folder, ctx.filled, ctx.defaults, exports, failure.get("runtime", ""),
                      placeholders=_all_placeholders(result))
        failure["cls"], failure["reason"] = classify(failure["stage"], failure["error"], one)
        if failure["stage"] == "destroy" and facts:
            failure["type"] = failed_type(failure["error"], facts)


def _all_placeholders(result) -> bool:
    """Every function of the stack that was tried has placeholder code (its runtime does not
    run here): what its routes call cannot answer either. Function failures are judged first."""
    invoked = [f for f in result.failures if f["stage"] == "invoke"]
    return bool(invoked) and result.ran == 0 and all(f.get("cls") == "toolchain"
                                                     for f in invoked)


def named_file(result) -> Path | None:
    """The corpus file an error names when it is another than the stack's template (a nested
    stack's), so its line is looked up there."""
    found = FILE.search(result.error)
    folder = Path(*Path(result.folder).parts[1:])
    if not (found and result.template) or len(Path(result.template).parents) <= len(folder.parts):
        return None
    inside = Path(*Path(found.group(1)).parts[1:])  # the error's path starts with the label
    root = Path(result.template).parents[len(folder.parts)]  # the corpus folder
    named = root / inside
    return named if named.is_file() and named != Path(result.template) else None


def line_of(r) -> str:
    destroyed = {None: "", True: " destroyed", False: " NOT DESTROYED"}[r.destroyed]
    text = (f"{STATES.get(r.stage, r.stage)} {r.name:24} fn {r.ran}/{r.functions} "
            f"routes {r.answered}/{r.routes} {r.seconds:5.1f}s{destroyed}")
    if r.wired:
        text += f"\n         import_prefixes: {r.wired} (written by the adoption)"
    if r.error:
        text += f"\n         [{r.cls}: {r.reason}] {r.type}\n         {r.error[:400]}"
    for line in r.placeholders:
        text += f"\n         placeholder: {line}"
    for failure in r.failures[:6]:
        text += f"\n         - [{failure['cls']}] {failure['error'][:150]}"
    return text


def summary(folders: list[dict]) -> dict:
    stacks = [s for f in folders for s in f["stacks"]]
    failed = [s for s in stacks if s["error"]]
    own = sum(s["cls"] == "template" for s in failed)
    reached = [s for s in stacks if s["destroyed"] is not None]
    deployed = sum(s["deployed"] for s in stacks)
    pids = {p for f in folders for p in f.get("endpoint_pids", [])}
    return {
        "templates": len(stacks), "packaged": sum(s["packaged"] for s in stacks),
        "deployed": deployed,
        "deployed with placeholders": sum(bool(s["deployed"] and s["placeholders"])
                                          for s in stacks),
        "deploy rate, all templates": _rate(deployed, len(stacks)),
        "deploy rate, templates not at fault": _rate(deployed, len(stacks) - own),
        "destroyed": f"{sum(bool(s['destroyed']) for s in reached)} of {len(reached)} "
                     "that reached the endpoint",
        "functions ran": f"{sum(s['ran'] for s in stacks)} of "
                         f"{sum(s['functions'] for s in stacks)}",
        "routes answered": f"{sum(s['answered'] for s in stacks)} of "
                           f"{sum(s['routes'] for s in stacks)}",
        "endpoint alive at the end": all(f["endpoint_alive"] for f in folders),
        "endpoint processes": len(pids),
        "failed stacks by class": _by_class(failed),
        "failed functions by class": _by_class(_parts(stacks, "invoke")),
        "failed routes by class": _by_class(_parts(stacks, "route")),
        "failed destroys by class": _by_class(_parts(stacks, "destroy")),
        "failures by resource type": _by_type(failed + _parts(stacks, "")),
    }


def _by_type(items: list[dict]) -> dict:
    """Per resource type: how many failures, and of which classes."""
    types = Counter(i["type"] or "(no type named)" for i in items)
    return {kind: {"failures": count, **{c: n for c, n in _by_class(
        [i for i in items if (i["type"] or "(no type named)") == kind]).items() if n}}
        for kind, count in types.most_common()}


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else "n/a"


def _parts(stacks: list[dict], stage: str) -> list[dict]:
    return [f for s in stacks for f in s["failures"] if not stage or f["stage"] == stage]


def _by_class(items: list[dict]) -> dict:
    return {c: sum(i["cls"] == c for i in items) for c in CLASSES}


def print_report(folders: list[dict], totals: dict) -> None:
    print("\n== whose failure it is (the first rule that holds, in this order)")
    print("\n".join(legend()))
    stacks = [s for f in folders for s in f["stacks"]]
    for cls in CLASSES:
        failed = [s for s in stacks if s["error"] and s["cls"] == cls]
        parts = [(s, f) for s in stacks for f in s["failures"] if f["cls"] == cls]
        print(f"\n== {cls}: {len(failed)} stacks, {len(parts)} functions or routes")
        for s in failed:
            print(f"  {s['name']:24} {s['stage']:6} {s['type']}: {s['reason']}\n"
                  f"  {'':24} {s['error'][:160]}")
        for s, f in parts:
            print(f"  {s['name']:24} {f['stage']:6} {f['what']}: {f['reason']}\n"
                  f"  {'':24} {f['error'][:160]}")
    print("\n== totals")
    for key, value in totals.items():
        if not isinstance(value, dict):
            print(f"{key:38} {value}")
    for key in ("failed stacks by class", "failed functions by class", "failed routes by class",
                "failed destroys by class"):
        print(f"{key:38} " + ", ".join(f"{c} {n}" for c, n in totals[key].items()))
    print("failures by resource type (stacks, functions, routes and destroys):")
    for kind, counts in totals["failures by resource type"].items():
        classes = ", ".join(f"{c} {n}" for c, n in counts.items() if c != "failures")
        print(f"  {counts['failures']:3}  {kind:44} {classes}")
