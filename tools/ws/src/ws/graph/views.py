"""Render a StackGraph as text, Graphviz dot, Mermaid or JSON."""
from __future__ import annotations

import json

from ws.graph.stackgraph import StackGraph

FORMATS = ("text", "dot", "mermaid", "json")


def render(graph: StackGraph, fmt: str) -> str:
    return {"text": _text, "dot": _dot, "mermaid": _mermaid, "json": _json}[fmt](graph)


def _edges(graph: StackGraph) -> list[tuple[str, str, list[str]]]:
    return sorted((a, b, data["reasons"]) for a, b, data in graph.dag.edges(data=True))


def _text(graph: StackGraph) -> str:
    lines = []
    for name in graph.order():
        ups = graph.upstream(name)
        lines.append(f"{name}" + (f"  <- {', '.join(ups)}" if ups else ""))
    lines += [f"{name}  (skipped: {why})" for name, why in sorted(graph.skipped.items())]
    return "\n".join(lines)


def _dot(graph: StackGraph) -> str:
    lines = ["digraph stacks {", "  rankdir=LR;"]
    lines += [f'  "{name}";' for name in graph.order()]
    lines += [f'  "{a}" -> "{b}" [label="{"; ".join(r)}"];' for a, b, r in _edges(graph)]
    return "\n".join(lines + ["}"])


def _mermaid(graph: StackGraph) -> str:
    ident = {name: name.replace("-", "_") for name in graph.dag.nodes}
    lines = ["graph LR"]
    lines += [f"  {ident[n]}[{n}]" for n in graph.order()]
    lines += [f"  {ident[a]} --> {ident[b]}" for a, b, _ in _edges(graph)]
    return "\n".join(lines)


def _json(graph: StackGraph) -> str:
    data = {
        "stacks": graph.order(),
        "edges": [{"from": a, "to": b, "reasons": r} for a, b, r in _edges(graph)],
        "skipped": graph.skipped,
    }
    return json.dumps(data, indent=2)
