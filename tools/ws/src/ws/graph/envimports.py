"""A workspace as one environment deploys it: each stack's imports written for another naming
(stack.yaml `import_prefixes`) renamed in its template, so that the graph, the plan, the
fingerprint and what is sent all see the names the exporting stacks have there."""
from __future__ import annotations

from dataclasses import replace

from ws.config.environment import Environment
from ws.config.importnames import FIELD, prefix_line, rename_imports
from ws.config.stack import Stack
from ws.config.workspace import Workspace
from ws.errors import ConfigError
from ws.graph.stackgraph import parameter_values, static_variables


def for_environment(ws: Workspace, env: Environment) -> Workspace:
    """`ws` with the templates of stacks that set `import_prefixes` rewritten for `env` (the
    same `ws` when none does). A prefix no import of the template (nor of its nested
    templates) starts with is a ConfigError naming its line in stack.yaml."""
    if not any(s.import_prefixes and not s.build_failure for s in ws.stacks.values()):
        return ws
    stacks = {name: _renamed(ws, env, stack) if stack.import_prefixes and not
              stack.build_failure else stack for name, stack in ws.stacks.items()}
    return replace(ws, stacks=stacks)


def _renamed(ws: Workspace, env: Environment, stack: Stack) -> Stack:
    names = {prefix: _stack_name(env, target) for prefix, target in stack.import_prefixes.items()}
    variables = static_variables(ws, env, stack.name, parameter_values(ws, env, stack.name))
    body, used = rename_imports(stack.template.body, names, variables)
    unused = [p for p in stack.import_prefixes if p not in used]
    if unused:
        unused = [p for p in unused if not _nested_use(ws, stack, p, names)]
    if unused:
        raise ConfigError(f"{FIELD}: no Fn::ImportValue of {stack.template.display} starts "
                          f"with {unused[0]!r}",
                          "write the name the template's imports give the exporting stack "
                          "(as in `serverless-api-cognito` for serverless-api-cognito-UserPool)"
                          ", or remove the line", path=stack.config_file,
                          line=prefix_line(stack, unused[0]))
    template = replace(stack.template, body=body)
    return replace(stack, template=template, import_names=names)


def _stack_name(env: Environment, stack: str) -> str:
    """The stack's name in `env`: one it shares from another environment keeps that one's."""
    return env.shared[stack].stack_name if stack in env.shared else env.stack_name(stack)


def _nested_use(ws: Workspace, stack: Stack, prefix: str, names: dict[str, str]) -> bool:
    """Whether an import of one of the stack's nested templates uses `prefix` (those are
    renamed when the stack is packaged: ws.package.prepare)."""
    from ws.package.nested import stack_inventory  # only for a prefix the template lacks

    pending = list(stack_inventory(stack, ws.root).nested)
    while pending:
        _, child = pending.pop()
        if prefix in rename_imports(child.template.body, names, {})[1]:
            return True
        pending.extend(child.nested)
    return False
