"""Which stacks a command acts on: --stacks, --since REF, --with-dependencies."""
from __future__ import annotations

from dataclasses import dataclass
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

    def resolve(self, ws: Workspace, env: Environment, graph: StackGraph,
                deployed: Callable[[], set[str]]) -> tuple[str, ...] | None:
        """`deployed` reads the environment's deployed stack names (only when needed)."""
        if self.stacks is not None and self.since:
            raise UsageError("use --stacks or --since, not both")
        chosen = self.stacks
        if self.since:
            chosen = tuple(affected(ws, graph, env.name, changed_files(ws.root, self.since)))
        if not self.with_dependencies or chosen is None:
            return chosen
        live = deployed()
        missing = {up for name in chosen if name in graph.dag
                   for up in nx.ancestors(graph.dag, name) if env.stack_name(up) not in live}
        return tuple(n for n in graph.order() if n in set(chosen) | missing)
