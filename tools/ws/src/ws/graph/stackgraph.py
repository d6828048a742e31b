"""The dependency graph of an environment's stacks: explicit, output references, imports."""
from __future__ import annotations

from dataclasses import dataclass, field

from ws.config import refs
from ws.config.assets import upstream_stacks
from ws.config.environment import Environment, SharedStack
from ws.config.templates import static_value
from ws.config.workspace import Workspace
from ws.errors import ConfigError
from ws.graph import ssmwiring
from ws.lazy import lazy

nx = lazy("networkx")  # loaded on first use: after the template check's process has started


@dataclass(frozen=True, eq=False)
class StackGraph:
    """Stacks of one environment as a DAG (edge upstream -> downstream, attribute `reasons`)."""

    dag: nx.DiGraph
    params: dict[str, dict[str, str]]
    skipped: dict[str, str] = field(default_factory=dict)  # mocks left out, and why
    shared: dict[str, SharedStack] = field(default_factory=dict)  # read from another env
    assets_use: dict[str, frozenset[str]] = field(default_factory=dict)  # stacks assets read
    # SSM parameters: consumer -> {name it reads: the stack that creates it, "" if none does}
    ssm_reads: dict[str, dict[str, str]] = field(default_factory=dict)
    # CDK context that uses references: stack -> {key: value, ${ws.*} filled in}
    context: dict[str, dict[str, str]] = field(default_factory=dict)

    def order(self) -> list[str]:
        """A deterministic dependency order."""
        return list(nx.lexicographical_topological_sort(self.dag))

    def upstream(self, stack: str) -> list[str]:
        return sorted(self.dag.predecessors(stack))

    def left_out(self) -> dict[str, str]:
        """Stacks of the workspace this environment does not deploy, with the reason."""
        shared = {name: f"shared: uses {s.stack_name} from environment {s.env}"
                  for name, s in self.shared.items()}
        return dict(sorted({**self.skipped, **shared}.items()))


def builtin_values(ws: Workspace, env: Environment) -> dict[str, str]:
    return {"prefix": env.prefix, "env": env.name, "workspace": ws.name, "region": env.region,
            "owner": env.owner or "",
            "cognito_endpoint": f"https://cognito-idp.{env.region}.amazonaws.com/"}


def parameter_values(ws: Workspace, env: Environment, stack: str) -> dict[str, str]:
    """stack.yaml parameters overlaid by the environment's, with ${ws.*} filled in."""
    builtins = builtin_values(ws, env)
    merged = {**ws.stacks[stack].parameters, **env.parameters.get(stack, {})}
    return _with_builtins(merged, builtins)


def context_values(ws: Workspace, env: Environment, stack: str) -> dict[str, str]:
    """A CDK stack's context values that use references, with ${ws.*} filled in."""
    late = ws.stacks[stack].late
    return _with_builtins(late.written, builtin_values(ws, env)) if late else {}


def _with_builtins(values: dict[str, str], builtins: dict[str, str]) -> dict[str, str]:
    return {key: refs.substitute(value, lambda r: builtins[r.output] if r.is_builtin else str(r))
            for key, value in values.items()}


def build_graph(ws: Workspace, env: Environment) -> StackGraph:
    """Build and check the graph; mocks are left out where the environment turns them off."""
    skipped = {name: "mock: skipped in this environment" for name, s in ws.stacks.items()
               if s.mock and not env.mocks}
    active = [name for name in sorted(ws.stacks) if name not in skipped and name not in env.shared]
    dag = nx.DiGraph()
    dag.add_nodes_from(active)
    params = {name: parameter_values(ws, env, name) for name in active}
    context = {name: context_values(ws, env, name) for name in active}
    missing: list[str] = []
    for name in active:
        _add_explicit(dag, ws, name, {*skipped, *env.shared})
        _add_references(dag, env, name, params[name], skipped, missing)
        _add_references(dag, env, name, context[name], skipped, missing, "CDK context")
        _add_asset_references(dag, ws, env, name, skipped, missing)
    _add_imports(dag, ws, env, params, skipped, missing)
    ssm_reads = _add_ssm(dag, ws, env, params)
    if missing:
        raise ConfigError(f"{env.file}: values a mock provided are missing with mocks off:\n  "
                          + "\n  ".join(missing),
                          f"set them under 'parameters:' in {env.file}")
    _check_acyclic(dag)
    excluded = _leave_out(dag, env, skipped)
    skipped.update(excluded)
    kept = [name for name in active if name not in excluded]
    uses = {name: frozenset(upstream_stacks(ws.stacks[name].assets)) for name in kept
            if ws.stacks[name].assets}
    return StackGraph(dag=dag, params={n: params[n] for n in kept}, skipped=skipped,
                      shared=dict(env.shared), assets_use=uses,
                      ssm_reads={n: r for n, r in ssm_reads.items() if n not in excluded},
                      context={n: context[n] for n in kept if context[n]})


def _leave_out(dag: nx.DiGraph, env: Environment, skipped: dict[str, str]) -> dict[str, str]:
    """Take out the stacks the environment's `stacks:` leaves out, with the reason; a stack it
    keeps that needs one of them is an error naming both (and why it needs it)."""
    excluded = {name for name in env.left_out if name in dag}
    needed = [f"{b} needs {a} ({'; '.join(d['reasons'])})" for a, b, d in
              sorted(dag.edges(data=True)) if a in excluded and b not in excluded]
    if needed:
        raise ConfigError(f"{env.file} leaves out stacks that stacks it deploys need:\n  "
                          + "\n  ".join(needed),
                          f"in {env.file}'s 'stacks:', leave those stacks out too or keep "
                          "what they need")
    dag.remove_nodes_from(excluded)
    return {name: f"left out by {env.file}" for name in sorted(excluded)}


def _add_edge(dag: nx.DiGraph, upstream: str, downstream: str, reason: str) -> None:
    if dag.has_edge(upstream, downstream):
        dag.edges[upstream, downstream]["reasons"].append(reason)
    else:
        dag.add_edge(upstream, downstream, reasons=[reason])


def _add_explicit(dag: nx.DiGraph, ws: Workspace, name: str, left_out: set[str]) -> None:
    for dep in ws.stacks[name].depends_on:
        # a mock stands in for something that exists where it is off; a shared stack exists
        if dep not in left_out:
            _add_edge(dag, dep, name, "depends_on")


def _add_references(dag: nx.DiGraph, env: Environment, name: str, params: dict[str, str],
                    skipped: dict[str, str], missing: list[str], what: str = "parameter") -> None:
    for key, value in sorted(params.items()):
        for ref in refs.parse(value):
            if ref.stack in env.shared:
                continue  # its outputs are read from the shared stack when deploying
            if ref.stack in skipped:
                missing.append(f"{name}: {what} {key} (was {ref} from mock stack {ref.stack})")
            else:
                _add_edge(dag, ref.stack, name, f"{what} {key} uses {ref}")


def _add_asset_references(dag: nx.DiGraph, ws: Workspace, env: Environment, name: str,
                          skipped: dict[str, str], missing: list[str]) -> None:
    """A stack's published assets use other stacks' outputs: it deploys after them."""
    for up in sorted(upstream_stacks(ws.stacks[name].assets)):
        if up in env.shared:
            continue
        if up in skipped:
            missing.append(f"{name}: assets use outputs of mock stack {up}")
        else:
            _add_edge(dag, up, name, f"assets use {up}'s outputs")


def static_variables(ws: Workspace, env: Environment, name: str,
                      params: dict[str, str]) -> dict[str, str]:
    template = ws.stacks[name].template
    values = {k: str(v["Default"]) for k, v in template.parameters.items() if "Default" in v}
    values.update({k: v for k, v in params.items() if not refs.parse(v)})
    values.update({"AWS::StackName": env.stack_name(name), "AWS::Region": env.region,
                   "AWS::Partition": _partition(env.region), "AWS::URLSuffix":
                   "amazonaws.com.cn" if env.region.startswith("cn-") else "amazonaws.com"})
    account = "123456789012" if env.target == "local" else env.account_id
    if account:
        values["AWS::AccountId"] = account
    return values


def _partition(region: str) -> str:
    return "aws-cn" if region.startswith("cn-") else \
        "aws-us-gov" if region.startswith("us-gov-") else "aws"


def _add_ssm(dag: nx.DiGraph, ws: Workspace, env: Environment,
             params: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """SSM parameters one deployed stack creates and another reads are edges (ssmwiring)."""
    variables = {name: static_variables(ws, env, name, params[name]) for name in params}
    edges, reads = ssmwiring.wiring({name: ws.stacks[name].template for name in params},
                                    variables, params)
    for maker, reader, reason in edges:
        _add_edge(dag, maker, reader, reason)
    return reads


def _add_imports(dag: nx.DiGraph, ws: Workspace, env: Environment,
                 params: dict[str, dict[str, str]], skipped: dict[str, str],
                 missing: list[str]) -> None:
    exporters: dict[str, str] = {}
    for name in ws.stacks:
        variables = static_variables(ws, env, name, parameter_values(ws, env, name))
        for expr in ws.stacks[name].template.exports().values():
            export = static_value(expr, variables)
            if export is not None:
                exporters[export] = name
    for name in params:
        variables = static_variables(ws, env, name, params[name])
        for expr in ws.stacks[name].template.imports():
            source = exporters.get(static_value(expr, variables) or "")
            if source in skipped:
                missing.append(f"{name}: Fn::ImportValue of an export of mock stack {source}")
            elif source in env.shared:
                raise ConfigError(f"{name} imports an export of {source}, which {env.file} "
                                  f"shares from environment {env.shared[source].env}",
                                  f"pass the value as a ${{{source}.Output}} parameter instead, "
                                  f"or do not share {source}")
            elif source and source != name:
                _add_edge(dag, source, name, f"imports {static_value(expr, variables)}")


def _check_acyclic(dag: nx.DiGraph) -> None:
    try:
        cycle = nx.find_cycle(dag)
    except nx.NetworkXNoCycle:
        return
    path = " -> ".join([edge[0] for edge in cycle] + [cycle[0][0]])
    raise ConfigError(f"dependency cycle: {path}",
                      "remove one of these dependencies (depends_on, a ${stack.Output} "
                      "reference or an Fn::ImportValue)")
