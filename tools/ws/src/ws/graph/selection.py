"""Which stacks a command acts on: --stacks, --since REF, --with-dependencies."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.errors import UsageError
from ws.graph.git import affected, changed_files
from ws.graph.stackgraph import StackGraph
from ws.lazy import lazy

nx = lazy("networkx")  # loaded on first use: after the template check's process has started


@dataclass(frozen=True)
class Selection:
    """What the user asked for; `resolve` turns it into stack names (None: all)."""

    stacks: tuple[str, ...] | None = None
    since: str | None = None
    with_dependencies: bool = False

    def pinned(self, ws: Workspace, env: Environment, graph: StackGraph) -> "Selection":
        """This selection with --since turned into the stacks it names: a run that resolves
        its selection more than once asks git once, and every resolution sees the same
        change."""
        if self.stacks is not None and self.since:
            raise UsageError("use --stacks or --since, not both")
        if not self.since:
            return self
        names = affected(ws, graph, env.name, changed_files(ws.root, self.since))
        return replace(self, stacks=tuple(names), since=None)

    def resolve(self, ws: Workspace, env: Environment, graph: StackGraph,
                deployed: Callable[[], set[str]]) -> tuple[str, ...] | None:
        """`deployed` reads the environment's deployed stack names (only when needed)."""
        chosen = self.pinned(ws, env, graph).stacks
        if not self.with_dependencies or chosen is None:
            return chosen
        live = deployed()
        missing = {up for name in chosen if name in graph.dag
                   for up in nx.ancestors(graph.dag, name) if env.stack_name(up) not in live}
        return tuple(n for n in graph.order() if n in set(chosen) | missing)


def select(graph: StackGraph, names: tuple[str, ...] | None) -> list[str]:
    """The stacks to act on: all of the graph (None), or the named ones (which must be in it)."""
    if names is None:
        return graph.order()
    left_out = graph.left_out()
    for name in names:
        if name in left_out:
            raise UsageError(f"stack {name!r} is not deployed in this environment ({left_out[name]})")
        if name not in graph.dag:
            raise UsageError(f"unknown stack {name!r}",
                             f"known stacks: {', '.join(sorted(graph.dag))}")
    return [n for n in graph.order() if n in names]
