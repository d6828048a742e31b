"""`ws validate`: configuration, graph and cfn-lint over every template."""
from __future__ import annotations

from dataclasses import dataclass

from .environment import Environment
from .graph import StackGraph, build_graph
from .lint import Finding, lint_all
from .workspace import Workspace


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
    templates = {s.template.display: s.template.path for s in ws.stacks.values()}
    return Validation(graph, lint_all(templates, env.region))
