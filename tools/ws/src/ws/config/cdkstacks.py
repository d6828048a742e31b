"""A stack folder holding a CDK app: synthesized (when its files or context changed), each
stack of its cloud assembly one workspace stack, stack.yaml's parameters wired in."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ws.cdk.app import CDK_FILE
from ws.cdk.assembly import AssemblyStack, read_assembly
from ws.cdk.late import LateContext, guess_of, keep_guess
from ws.cdk.synth import Synth, synthesize
from ws.cdk.target import CdkTarget
from ws.config import fields as schema
from ws.config import refs
from ws.errors import ConfigError


@dataclass(frozen=True)
class CdkPart:
    """One stack of the app: its workspace name, parameters and what the assembly says."""

    name: str
    parameters: dict[str, str]
    depends_on: tuple[str, ...]
    stack: AssemblyStack
    late: LateContext | None = None  # context values with references, if any


@dataclass(frozen=True)
class CdkApp:
    """Where a CDK app is and what it is synthesized for."""

    root: Path
    folder: Path
    name: str  # the workspace stack's name (the folder's)
    display: str  # its stack.yaml
    target: CdkTarget | None
    default_region: str
    env: str | None = None


def cdk_parts(app: CdkApp, parameters: dict[str, str], data: object) -> list[CdkPart]:
    """Synthesize the app (when needed) and split it into workspace stacks: named after the
    folder, or `<folder>-<stack id>` when the app has several. A parameter its template
    declares (CfnParameter) is passed as a CloudFormation parameter; any other is CDK context
    (`-c key=value`), a literal one also. Context that uses references is synthesized with a
    guess here (cdk/late.py) and again once its values are known; a secret is never context."""
    app_display = f"{app.folder.relative_to(app.root).as_posix()}/{CDK_FILE}"
    _check_syntax(parameters, app.display, data)
    secret = {k for k, v in parameters.items() if refs.secret_of(v) is not None}
    literal = {k: v for k, v in parameters.items() if k not in secret and not refs.parse(v)}
    written = {k: v for k, v in parameters.items() if k not in secret and k not in literal}
    cache = app.root / ".ws" / "cdk" / app.name
    job = Synth(app.folder, cache, app_display, literal, app.target, app.default_region)
    guess = guess_of(cache, app.env)
    late = guess.of(written, guess.declared)
    stacks = _synth(job, late, app.root, written)
    declared = {p for s in stacks for p in s.template.parameters}
    if set(late) != set(written) - declared:  # a CfnParameter added or taken away since
        late = guess.of(written, declared)
        stacks = _synth(job, late, app.root, written)
    keep_guess(cache, app.env, {k: written[k] for k in late}, late, set(written) & declared)
    names = {s.stack_id: app.name if len(stacks) == 1 else f"{app.name}-{_slug(s.stack_id)}"
             for s in stacks}
    _check(parameters, secret - declared, late, set(names.values()), app.display, data)
    return [CdkPart(names[s.stack_id],
                    {k: v for k, v in parameters.items() if k in s.template.parameters},
                    tuple(names[d] for d in s.depends_on), s,
                    LateContext(job, s.stack_id, {k: written[k] for k in late}, late, app.env,
                                tuple(sorted(set(written) & declared))) if late else None)
            for s in stacks]


def _synth(job: Synth, late: dict[str, str], root: Path,
           written: dict[str, str]) -> list[AssemblyStack]:
    """The app's stacks, synthesized with its literal context and `late`; a failure while a
    value is still the text as written says so."""
    try:
        assembly, _ = synthesize(replace(job, context={**job.context, **late}))
    except ConfigError as exc:
        unknown = sorted(k for k, v in late.items() if v == written[k])
        if unknown:
            got = ", ".join(f"{k}={late[k]}" for k in unknown)
            exc.hint = (f"the app got context {got}, the text as written: a value is known "
                        "once the stacks it names have deployed. Let the app take that text "
                        "until then (skip a value starting with '${')")
        raise
    return read_assembly(assembly, root, job.display)


def _check(parameters: dict[str, str], secrets: set[str], late: dict[str, str],
           own: set[str], display: str, data: object) -> None:
    """A secret goes to a NoEcho CfnParameter only (context is written into the assembly);
    context cannot wait for the app's own outputs."""
    if secrets:
        key = min(secrets)
        raise ConfigError(f"parameter {key!r} takes a secret, but no stack of the CDK app "
                          "declares it: it would be CDK context, written in clear into the "
                          "cloud assembly",
                          f"declare it in the app: new CfnParameter(this, '{key}', "
                          "{ noEcho: true }) and use its value", path=display,
                          line=_line(data, key))
    for key in sorted(late):
        mine = sorted(r.stack for r in refs.parse(parameters[key]) if r.stack in own)
        if mine:
            raise ConfigError(f"CDK context {key!r} uses an output of {mine[0]}, a stack of "
                              "the app itself: its own context cannot wait for it",
                              "pass the value inside the app (a construct's property)",
                              path=display, line=_line(data, key))


def _check_syntax(parameters: dict[str, str], display: str, data: object) -> None:
    for key, value in parameters.items():
        try:
            refs.parse(value)
        except ValueError as exc:
            raise ConfigError(str(exc), path=display, line=_line(data, key)) from None


def _line(data: object, key: str) -> int | None:
    params = data.get("parameters") if isinstance(data, dict) else None
    return schema.line_of(params, key) or schema.line_of(data, "parameters")


def _slug(stack_id: str) -> str:
    """A CDK stack id as a stack name part: NotesStack -> notesstack, My_Api -> my-api."""
    return re.sub(r"[^a-z0-9]+", "-", stack_id.lower()).strip("-")
