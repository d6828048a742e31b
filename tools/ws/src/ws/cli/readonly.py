"""ws commands that change no stack: graph, validate, plan, diff (change sets made and
discarded), drift, outputs, report."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ws.cli.options import (Settings, env_option, lock_timeout_option, owner_option,
                            selection_options, stacks_option)
from ws.cli.outputfiles import check_writable, write_output
from ws.cli.run import lock_take_over, lock_wait, write_job_summary
from ws.errors import EXIT_BAD_INPUT
from ws.lazy import lazy

api = lazy("ws.api")  # loaded by the command that runs, not by `ws --help`
consoles = lazy("ws.cli.consoles")
planning = lazy("ws.engine.plan")
selections = lazy("ws.graph.selection")
render = lazy("ws.report.console")
ci = lazy("ws.report.ci")
html = lazy("ws.report.html")
requests = lazy("ws.engine.request")
GRAPH_FORMATS = ("text", "dot", "mermaid", "json")  # ws.graph.views.FORMATS (a test checks)


@click.command()
@click.option("--env", "-e", "env_name", default="local", show_default=True, metavar="ENV",
              help="Environment: a file environments/ENV.yaml (its mocks, left-out stacks).")
@owner_option
@click.option("--format", "fmt", type=click.Choice(GRAPH_FORMATS), default="text", show_default=True,
              help="text: each stack and what it needs; dot says why each edge is there.")
@click.pass_obj
def graph(settings: Settings, env_name: str, owner: str | None, fmt: str) -> None:
    """Show the stacks' dependency graph."""
    click.echo(api.graph_text(settings.start, env_name, fmt, owner))


@click.command()
@click.option("--env", "-e", "env_name", default="local", show_default=True, metavar="ENV",
              help="Environment: a file environments/ENV.yaml (its mocks, left-out stacks).")
@owner_option
@click.pass_obj
def validate(settings: Settings, env_name: str, owner: str | None) -> None:
    """Check configuration, graph and every template (cfn-lint)."""
    result = api.validate(settings.start, env_name, owner)
    for finding in result.findings:
        click.echo(f"{finding.level}: {finding}", err=finding.level == "error")
    stacks = len(result.graph.dag)
    if result.errors:
        click.echo(f"{len(result.errors)} template error(s); fix them and run ws validate again",
                   err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"ok: {stacks} stacks, {result.graph.dag.number_of_edges()} dependencies, "
               f"{len(result.findings)} warning(s)")


EXPRESS_LINE = ("deployment: express (each stack's operation ends once its resources are "
                "configured; they may still be settling when dependents start)")


@click.command("plan")
@env_option
@selection_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "matrix"]),
              default="table", show_default=True,
              help="matrix: groups with no edge between them, as a CI matrix (JSON).")
@click.option("--hotswap", is_flag=True, help="What `ws deploy --changed --hotswap` would do.")
@click.pass_obj
def plan_command(settings: Settings, env_name: str, owner: str | None,
                 stacks: tuple[str, ...] | None, allow_empty: bool, since: str | None,
                 with_dependencies: bool, fmt: str, hotswap: bool) -> None:
    """Show what `ws deploy --changed` would do to each stack, and why."""
    plan = api.plan(settings.start, env_name, selections.Selection(stacks, since, with_dependencies),
                    owner, hotswap)
    items = list(plan.items)
    if fmt == "json":
        click.echo(json.dumps(planning.as_dicts(items), indent=2))
    elif fmt == "matrix":
        groups = ci.matrix(api.graph(settings.start, env_name, owner).dag, items)
        click.echo(json.dumps(groups, separators=(",", ":")))  # compact: one line for CI
    elif fmt == "markdown":
        click.echo(ci.markdown_plan(env_name, items))
    else:
        if plan.express:
            click.echo(EXPRESS_LINE)
        consoles.console().print(render.plan_table(items))
    write_job_summary(ci.markdown_plan(env_name, items))


@click.command("diff")
@env_option
@stacks_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@lock_timeout_option
@click.pass_obj
def diff_command(settings: Settings, env_name: str, owner: str | None,
                 stacks: tuple[str, ...] | None, allow_empty: bool, as_json: bool,
                 lock_timeout: float) -> None:
    """Show the resource changes a deploy would make (change sets, discarded after; holds the
    stacks' locks meanwhile, as a deploy would)."""
    found = api.diff(settings.start, env_name, stacks, owner, lock_timeout,
                     requests.Observer(on_lock_wait=lock_wait, on_lock_take_over=lock_take_over))
    if as_json:
        click.echo(json.dumps([d.as_dict() for d in found], indent=2))
    else:
        consoles.console().print(render.diff_table(found))
    loss = [f"{d.stack}: {item}" for d in found for item in d.data_loss]
    if loss:
        click.echo("would lose data (deploy stops unless --allow-replace): " + "; ".join(loss),
                   err=True)


@click.command("drift")
@env_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--check", is_flag=True, help="Exit 1 when a stack has drifted.")
@click.pass_obj
def drift_command(settings: Settings, env_name: str, owner: str | None, as_json: bool,
                  check: bool) -> None:
    """Detect drift on every deployed stack of the environment."""
    found = api.drift(settings.start, env_name, owner)
    if as_json:
        click.echo(json.dumps([d.as_dict() for d in found], indent=2))
    else:
        consoles.console().print(render.drift_table(found))
    if check and any(d.status == "DRIFTED" for d in found):
        sys.exit(1)


@click.command("report")
@click.argument("report_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--html", "html_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Write the page here.")
def report_command(report_json: Path, html_file: Path) -> None:
    """Turn a JSON run report (deploy --report) into a self-contained timeline page."""
    check_writable(html_file)
    write_output(html_file, html.render_html(api.load_report(report_json)))
    click.echo(f"wrote {html_file}")


@click.command()
@env_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def outputs(settings: Settings, env_name: str, owner: str | None, as_json: bool) -> None:
    """Print every deployed stack's outputs."""
    values = api.outputs(settings.start, env_name, owner)
    if as_json:
        click.echo(json.dumps(values, indent=2, sort_keys=True))
    else:
        links = api.local_links(settings.start, env_name, values, owner)
        consoles.console().print(render.outputs_table(values, links))


COMMANDS = (graph, validate, plan_command, diff_command, drift_command, report_command,
            outputs)
