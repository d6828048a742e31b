"""`ws validate`: configuration, graph and cfn-lint over every template."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ws.config.crosscheck import is_no_echo
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.graph.stackgraph import StackGraph, build_graph
from ws.lint import handlers, limits, localpaths
from ws.lint.importcheck import import_warnings
from ws.lint.cfnlint import Finding, lint_all

# Parameter names that usually carry a secret; such a parameter should be NoEcho (so ws makes
# its value a ${ssm:...} or ${secretsmanager:...} reference, never plaintext in the repo).
SECRET_NAME = re.compile(r"(password|passwd|secret|token|api_?key|private_?key)", re.IGNORECASE)


@dataclass(frozen=True)
class Validation:
    """The graph that loading produced and what cfn-lint found."""

    graph: StackGraph
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]


def validate(ws: Workspace, env: Environment) -> Validation:
    """Loading `ws` and `env` already checked the config; add the graph and the linter."""
    graph = build_graph(ws, env)
    templates = localpaths.templates(ws, list(ws.stacks))  # nested templates too
    return Validation(graph, build_errors(ws) + lint_all(templates, env.region)
                      + secret_warnings(ws) + quota_errors(ws, env, graph)
                      + handlers.warnings(ws, graph.order())
                      + [Finding(p.path, p.line or 1, "WS005", "warning", p.message)
                         for p in import_warnings(ws, env, graph.order())])


def build_errors(ws: Workspace) -> list[Finding]:
    """Stacks whose before_deploy targets failed: their templates could not be checked."""
    return [Finding(stack.config_file, stack.line_of("before_deploy") or 1, "WS002", "error",
                    stack.build_failure)
            for stack in ws.stacks.values() if stack.build_failure]


def quota_errors(ws: Workspace, env: Environment, graph: StackGraph) -> list[Finding]:
    """CloudFormation's quotas and rules that deploy checks too (ws/lint/limits.py)."""
    found = limits.check(ws, env, graph.order()) + localpaths.check(ws, graph.order())
    return [Finding(p.path, p.line or 1, "WS100", "error", p.message)
            for p in sorted(set(found))]


def secret_warnings(ws: Workspace) -> list[Finding]:
    """Template parameters named like secrets that are not NoEcho."""
    return [Finding(stack.template.display, _line_of(stack.template.path, name), "WS001",
                    "warning",
                    f"parameter {name} looks like a secret but is not NoEcho: make it NoEcho "
                    "and give it a ${ssm:...} or ${secretsmanager:...} reference")
            for stack in ws.stacks.values()
            for name, spec in sorted(stack.template.parameters.items())
            if SECRET_NAME.search(name) and not is_no_echo(spec)]


def _line_of(path: Path, name: str) -> int:
    """The first line that names `name` (templates keep no line numbers once parsed)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if re.search(rf"(^|[\s\"']){re.escape(name)}[\"']?\s*:", line):
            return number
    return 1
