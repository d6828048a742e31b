"""Checks across a workspace's stacks: the stacks, outputs and parameters each names exist,
and secrets go only to NoEcho parameters."""
from __future__ import annotations

from ws.config import fields as schema
from ws.config import refs
from ws.config.assets import check_references
from ws.config.importnames import check_prefixes
from ws.config.stack import Stack
from ws.config.stackfile import STACK_FILE
from ws.errors import ConfigError


def check_stack(stack: Stack, stacks: dict[str, Stack]) -> None:
    """Cross-stack checks: dependencies exist, parameters exist, references resolve (not
    a stand-in's, nor references to a stand-in's outputs: its template is not known)."""
    for dep in stack.depends_on:
        if dep not in stacks:
            raise ConfigError(f"depends_on names unknown stack {dep!r}",
                              f"known stacks: {', '.join(sorted(stacks))}",
                              path=stack.config_file, line=stack.line_of("depends_on"))
    check_prefixes(stack, stacks)
    if stack.build_failure:
        return
    params_line = stack.lines.get("parameters")
    for key, value in stack.parameters.items():
        line = schema.line_of(params_line, key)
        check_parameter(stack, key, value, stacks, stack.config_file, line)
    for key, value in (stack.late.written if stack.late else {}).items():
        check_refs(refs.parse(value), stacks, stack.config_file, schema.line_of(params_line, key))
    if not any(s.build_failure for s in stacks.values()):
        check_references(stack.assets, stack.template.outputs,
                         {name: s.template.outputs for name, s in stacks.items()},
                         stack.config_file)
    missing = [p for p, spec in stack.template.parameters.items()
               if "Default" not in spec and p not in stack.parameters]
    if missing:
        raise ConfigError(f"template parameter(s) {', '.join(missing)} have no Default and "
                          "no value",
                          f"set them under 'parameters:' in {STACK_FILE}", path=stack.config_file)


def check_parameter(stack: Stack, key: str, value: str, stacks: dict[str, Stack],
                    path: str, line: int | None) -> None:
    """A parameter value must name a template parameter and reference only real outputs."""
    if key not in stack.template.parameters:
        known = ", ".join(sorted(stack.template.parameters)) or "none"
        raise ConfigError(f"parameter {key!r} is not declared in {stack.template.display}",
                          f"declared parameters: {known}", path=path, line=line)
    try:
        found = refs.parse(value)
    except ValueError as exc:
        raise ConfigError(str(exc), path=path, line=line) from None
    _check_secret(stack, key, value, path, line)
    check_refs(found, stacks, path, line)


def check_refs(found: list[refs.Ref], stacks: dict[str, Stack], path: str,
               line: int | None) -> None:
    """The stacks and outputs that references name exist."""
    for ref in found:
        if ref.is_builtin:
            continue
        if ref.stack not in stacks:
            raise ConfigError(f"{ref} references unknown stack {ref.stack!r}", path=path, line=line)
        if stacks[ref.stack].build_failure:
            continue
        if ref.output not in stacks[ref.stack].template.outputs:
            outputs = ", ".join(sorted(stacks[ref.stack].template.outputs)) or "none"
            raise ConfigError(f"{ref}: stack {ref.stack!r} declares no output {ref.output!r}",
                              f"its outputs: {outputs}", path=path, line=line)


def is_no_echo(spec: dict) -> bool:
    """Whether a template parameter (its spec) is NoEcho: its value is a secret."""
    return str(spec.get("NoEcho", "false")).lower() == "true"


def _check_secret(stack: Stack, key: str, value: str, path: str, line: int | None) -> None:
    """NoEcho parameters take secret references only, and secret references go to NoEcho."""
    no_echo = is_no_echo(stack.template.parameters[key])
    if no_echo and refs.secret_of(value) is None:
        raise ConfigError(f"parameter {key!r} is NoEcho in {stack.template.display}: its value "
                          "must not be written in the repository",
                          "write ${ssm:/parameter/name} or ${secretsmanager:secret-id}; "
                          "ws reads it at deploy time", path=path, line=line)
    if not no_echo and refs.secret_of(value) is not None:
        raise ConfigError(f"parameter {key!r} takes a secret, but {stack.template.display} "
                          "does not declare it NoEcho", "add 'NoEcho: true' to the parameter",
                          path=path, line=line)
