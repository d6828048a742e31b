"""A stack folder holding a CDK app: synthesized (when its files changed), each stack of its
cloud assembly one workspace stack, stack.yaml's parameters wired in."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ws.cdk.app import CDK_FILE
from ws.cdk.assembly import AssemblyStack, read_assembly
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


def cdk_parts(root: Path, folder: Path, name: str, parameters: dict[str, str], data: object,
              display: str, target: CdkTarget | None, default_region: str) -> list[CdkPart]:
    """Synthesize the app in `folder` (when needed) and split it into workspace stacks: named
    `name`, or `name-<stack id>` when the app has several. A parameter its template declares
    (CfnParameter) is passed as a CloudFormation parameter; a literal one is also CDK context
    (`-c key=value`)."""
    app_display = f"{folder.relative_to(root).as_posix()}/{CDK_FILE}"
    context = {k: v for k, v in parameters.items() if not refs.parse(v)}
    job = Synth(folder, root / ".ws" / "cdk" / name, app_display, context, target, default_region)
    assembly, _ = synthesize(job)
    stacks = read_assembly(assembly, root, app_display)
    names = {s.stack_id: name if len(stacks) == 1 else f"{name}-{_slug(s.stack_id)}"
             for s in stacks}
    declared = {p for s in stacks for p in s.template.parameters}
    for key, value in parameters.items():
        if key not in declared and key not in context:
            raise ConfigError(f"parameter {key!r} takes a reference, but no stack of the CDK app "
                              "declares it", f"declare it in the app: new CfnParameter(this, "
                              f"'{key}') and use its value", path=display,
                              line=_line(data, key))
    return [CdkPart(names[s.stack_id],
                    {k: v for k, v in parameters.items() if k in s.template.parameters},
                    tuple(names[d] for d in s.depends_on), s) for s in stacks]


def _line(data: object, key: str) -> int | None:
    params = data.get("parameters") if isinstance(data, dict) else None
    return schema.line_of(params, key) or schema.line_of(data, "parameters")


def _slug(stack_id: str) -> str:
    """A CDK stack id as a stack name part: NotesStack -> notesstack, My_Api -> my-api."""
    return re.sub(r"[^a-z0-9]+", "-", stack_id.lower()).strip("-")
