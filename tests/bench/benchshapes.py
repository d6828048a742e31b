"""The benchmark's stack graphs and the ws workspaces made from them (one SSM parameter per
stack; a dependent takes each upstream's `Out` through a `${stack.Out}` parameter)."""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

ENV = "bench"
STORE_EDGES = [("payments-mock", "orders"), ("orders", "api"), ("auth", "api"),
               ("catalog", "api"), ("api", "ui"), ("auth", "ui")]


@dataclass(frozen=True)
class Shape:
    """A named DAG of stacks (edges point from a stack to what depends on it)."""

    name: str
    dag: nx.DiGraph

    @property
    def leaf(self) -> str:
        """The stack the "one leaf changed" phase edits: the last one nothing depends on."""
        return [n for n in nx.topological_sort(self.dag) if self.dag.out_degree(n) == 0][-1]

    def stack_name(self, stack: str) -> str:
        """The CloudFormation name ws gives the stack (default naming)."""
        return f"{self.name}-{ENV}-{stack}"


def store() -> Shape:
    return Shape("store", nx.DiGraph(STORE_EDGES))


def layers(rng: random.Random, count: int = 5, width: int = 10) -> Shape:
    """`count` layers of `width`; each stack depends on 1-3 stacks of the layer above."""
    dag = nx.DiGraph()
    for layer in range(count):
        for i in range(width):
            dag.add_node(f"l{layer}s{i}")
            if layer:
                for up in rng.sample(range(width), rng.randint(1, 3)):
                    dag.add_edge(f"l{layer - 1}s{up}", f"l{layer}s{i}")
    return Shape("layers", dag)


def independent(count: int = 50) -> Shape:
    dag = nx.DiGraph()
    dag.add_nodes_from(f"s{i}" for i in range(count))
    return Shape("indep", dag)


def chain(count: int = 20) -> Shape:
    return Shape("chain", nx.relabel_nodes(nx.path_graph(count, create_using=nx.DiGraph),
                                           lambda i: f"c{i}"))


def shapes(seed: int) -> dict[str, Shape]:
    """Every shape by name, the layered one drawn from `seed`."""
    return {s.name: s for s in (store(), layers(random.Random(seed)), independent(), chain())}


def template(stack: str, upstreams: list[str], version: int = 0) -> str:
    """An SSM parameter whose value joins the upstreams' outputs; `Out` names the version."""
    params = {f"Up{i}": {"Type": "String"} for i in range(len(upstreams))}
    value = "|".join([f"{stack}-v{version}"] + [f"${{Up{i}}}" for i in range(len(upstreams))])
    body = {"Resources": {"Param": {"Type": "AWS::SSM::Parameter", "Properties": {
                "Name": {"Fn::Sub": "/bench/${AWS::StackName}"}, "Type": "String",
                "Value": {"Fn::Sub": value}}}},
            "Outputs": {"Out": {"Value": f"{stack}-v{version}"}}}
    if params:
        body = {"Parameters": params, **body}
    return json.dumps(body, indent=1)


def stack_config(upstreams: list[str]) -> dict:
    return {"parameters": {f"Up{i}": f"${{{up}.Out}}" for i, up in enumerate(upstreams)}}


def write_workspace(root: Path, shape: Shape) -> Path:
    """workspace.yaml, environments/bench.yaml (target aws) and every stack, under `root`."""
    files: dict[str, str] = {
        "workspace.yaml": json.dumps({"name": shape.name, "stacks": ["stacks/*"],
                                      "defaults": {"region": "us-east-1"}}),
        f"environments/{ENV}.yaml": json.dumps({"target": "aws", "region": "us-east-1",
                                                "account_id": "123456789012"}),
    }
    for stack in shape.dag:
        upstreams = sorted(shape.dag.predecessors(stack))
        files[f"stacks/{stack}/stack.yaml"] = json.dumps(stack_config(upstreams))
        files[f"stacks/{stack}/template.yaml"] = template(stack, upstreams)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
    return root


def change_leaf(root: Path, shape: Shape) -> str:
    """Edit the leaf's template (a new version of its value and output); the leaf's name."""
    leaf = shape.leaf
    upstreams = sorted(shape.dag.predecessors(leaf))
    (root / f"stacks/{leaf}/template.yaml").write_text(template(leaf, upstreams, 1) + "\n")
    return leaf


def critical_path(dag: nx.DiGraph, durations: dict[str, float]) -> float:
    """The longest sum of durations along a path of `dag` (0 for an empty graph)."""
    longest: dict[str, float] = {}
    for node in nx.topological_sort(dag):
        longest[node] = durations[node] + max((longest[p] for p in dag.predecessors(node)),
                                              default=0.0)
    return max(longest.values(), default=0.0)
