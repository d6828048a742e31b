"""The `ws` command line: parse options, call the library, print the result. Here the group,
`deploy` and `destroy`; the commands that change no stack: readonly.py; environments, locks
and the local endpoint: admin.py."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ws.cli import admin as cliadmin
from ws.cli import targets as clitargets
from ws.cli import lifetime, readonly
from ws.cli.watch import watch_command
from ws.cli.logs import configure_logging
from ws.cli.options import (
    Settings,
    env_option,
    junit_option,
    lock_timeout_option,
    selection_options,
    stacks_option,
)
from ws.cli.outputfiles import check_writable
from ws.cli.prog import named, prog
from ws.cli.run import CHANGED, confirm, finish, lock_take_over, lock_wait, observed
from ws.errors import EXIT_INTERRUPTED, DeployError, WsError
from ws.lazy import hide_unused, lazy

if TYPE_CHECKING:
    from rich.console import Console

    from ws.engine.plan import Plan

express_option = click.option(
    "--express", is_flag=True,
    help="CloudFormation's express mode: each operation ends once the resources are configured, "
         "not when they are ready (a protected environment needs 'deployment: express' in its "
         "file instead).")

# Loaded by the command that uses them: `ws --help` and `ws graph` load no boto3, rich or moto.
api = lazy("ws.api")
adminapi = lazy("ws.adminapi")
consoles = lazy("ws.cli.consoles")
awserrors = lazy("ws.cloud.awserrors")
requests = lazy("ws.engine.request")
selections = lazy("ws.graph.selection")
render = lazy("ws.report.console")


class WsGroup(click.Group):
    """Maps WsError to a short message and its exit code; --debug keeps the traceback. A
    stdout closed by its reader ends a command quietly (deploy and destroy go on to their own
    exit code: see run.finish)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WsError as exc:
            if ctx.obj is not None and ctx.obj.debug:
                raise
            click.echo(named(f"error: {exc}"), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # `ws outputs | head -1`: the reader has what it wanted
            if not lifetime.reader_gone():
                raise
            lifetime.stdout_closed()
            ctx.exit(0)
        except Exception as exc:  # an AWS error that is not ws's own: one clear line
            problem = awserrors.aws_problem(exc)
            if problem is None or (ctx.obj is not None and ctx.obj.debug):
                raise
            click.echo(named(f"error: {problem}"), err=True)
            ctx.exit(problem.exit_code)


@click.group(cls=WsGroup)
@click.option("--workspace", "-w", type=click.Path(file_okay=False, path_type=Path),
              help="Workspace folder (default: the nearest folder with workspace.yaml).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--verbose", "-v", count=True,
              help="Log what ws does: -v every AWS call and decision, -vv also botocore's.")
@click.option("--quiet", "-q", is_flag=True, help="No per-stack lines: the summary and errors.")
@click.version_option(package_name="ws-stacks")
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None, debug: bool, verbose: int,
        quiet: bool) -> None:
    """Deploy a monorepo of CloudFormation/SAM stacks as one service."""
    configure_logging(verbose, quiet)
    ctx.obj = Settings(workspace or Path.cwd(), debug, quiet)


@cli.command()
@env_option
@selection_options
@click.option("--concurrency", type=click.IntRange(1, 64), help="Stacks deployed at once.")
@click.option("--fail-fast", is_flag=True, help="Start no new stack after a failure.")
@click.option("--changed", is_flag=True,
              help="Only stacks whose fingerprint differs from the deployed one.")
@click.option("--prune", is_flag=True,
              help="Then delete stacks no longer in the workspace (asks first).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (needed when not a terminal).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON run report here.")
@click.option("--allow-replace", "allow_replace", multiple=True, metavar="STACK.LOGICAL_ID",
              help="Let this stateful resource be replaced or removed (AWS; repeatable).")
@click.option("--recreate", "recreate", multiple=True, metavar="STACK",
              help="Delete and create again this stack if an earlier run left it DELETE_FAILED, "
                   "ROLLBACK_FAILED or REVIEW_IN_PROGRESS (keeps the resources that failed to "
                   "delete; turns its termination protection off; repeatable).")
@click.option("--outputs", "all_outputs", is_flag=True,
              help="Also print a table of every stack's outputs.")
@click.option("--hotswap", is_flag=True,
              help="Apply code and configuration changes of functions and state machines "
                   "through their APIs when nothing else changed (not in protected "
                   "environments); the rest through CloudFormation.")
@express_option
@click.option("--no-template-check", "skip_check", is_flag=True,
              help="Skip cfn-lint's check of the templates before deploying (quotas and "
                   "circular dependencies are still checked).")
@click.option("--retry-builds", is_flag=True,
              help="Run again the builds that failed before with the same code and build "
                   "tools (else their failure is remembered and said again), in the stacks "
                   "this run deploys (with --changed, only those that changed).")
@junit_option
@lock_timeout_option
@click.pass_obj
def deploy(settings: Settings, env_name: str, owner: str | None, stacks: tuple[str, ...] | None,
           allow_empty: bool, since: str | None, with_dependencies: bool,
           concurrency: int | None, fail_fast: bool, changed: bool, prune: bool, yes: bool,
           report_file: Path | None, allow_replace: tuple[str, ...], recreate: tuple[str, ...],
           all_outputs: bool, hotswap: bool, express: bool, skip_check: bool,
           retry_builds: bool, junit_file: Path | None, lock_timeout: float) -> None:
    """Deploy the environment's stacks in dependency order, then list the sites and APIs to
    open (every output with --outputs; ws outputs prints them any time)."""
    check_writable(report_file, junit_file)
    console = consoles.console()
    request = requests.RunRequest(
        selections.Selection(stacks, since, with_dependencies), changed, concurrency, fail_fast,
        frozenset(allow_replace), frozenset(recreate), lock_timeout,
        check_templates=not skip_check, hotswap=hotswap, express=express,
        retry_builds=retry_builds)

    def ask(plan: Plan) -> None:  # protected environments: the very plan that runs, first
        if plan.express:
            click.echo(readonly.EXPRESS_LINE)
        console.print(render.plan_table(list(plan.items)))
        confirm(f"deploy to protected environment {env_name}?", yes, "deploying to " + env_name)
    def started(url: str) -> None:  # the first deploy: where the endpoint is, and its log
        click.echo(named(f"started the local endpoint at {url} (logs: "
                         f"{adminapi.local_log(settings.start)}; stop it with ws local down)"),
                   err=True)
    report = observed(console, lambda observer: api.deploy(
        settings.start, env_name, request, replace(observer, on_endpoint_start=started), owner),
        ask, settings.quiet)
    if prune and report.ok:
        _prune(console, settings, env_name, owner, yes, lock_timeout)
    finish(console, report, report_file, show_outputs=True if all_outputs else CHANGED,
           junit_file=junit_file, debug=settings.debug,
           links=lambda shown: api.local_links(settings.start, env_name, shown, owner)
           if report.target == "local" else [])  # (not the workspace loaded again for AWS)


def _prune(console: Console, settings: Settings, env_name: str, owner: str | None,
           yes: bool, lock_timeout: float) -> None:
    items = api.orphans(settings.start, env_name, owner)
    if not items:
        click.echo("prune: no orphaned stacks")
        return
    click.echo("orphaned stacks (newest first): " + ", ".join(i.stack_name for i in items))
    confirm(f"delete {len(items)} stack(s)?", yes, "--prune")
    results = api.prune(settings.start, env_name, items, render.event_printer(console), owner,
                        requests.RunRequest(lock_timeout=lock_timeout),
                        requests.Observer(on_lock_wait=lock_wait,
                                          on_lock_take_over=lock_take_over))
    failed = [f"{name}: {r.reason}" for name, r in results.items() if not r.ok]
    if failed:
        raise DeployError("prune failed: " + "; ".join(failed))


@cli.command()
@env_option
@stacks_option
@click.option("--concurrency", type=click.IntRange(1, 64), help="Stacks deleted at once.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (protected environments).")
@click.option("--disable-termination-protection", "unprotect", is_flag=True,
              help="Turn termination protection off, then delete.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON run report here.")
@express_option
@junit_option
@lock_timeout_option
@click.pass_obj
def destroy(settings: Settings, env_name: str, owner: str | None, stacks: tuple[str, ...] | None,
            allow_empty: bool, concurrency: int | None, yes: bool, unprotect: bool,
            report_file: Path | None, express: bool, junit_file: Path | None,
            lock_timeout: float) -> None:
    """Delete the environment's stacks (one owner's, in a per-developer one), dependents first."""
    check_writable(report_file, junit_file)
    console = consoles.console()
    env = api.environment(settings.start, env_name, owner)
    if env.protected:
        names = api.deployed_names(settings.start, env_name, stacks, owner)
        click.echo(f"would delete from {env_name}: " + (", ".join(names) or "nothing deployed"))
        confirm(f"destroy protected environment {env_name}?", yes, "destroying " + env_name)
    request = requests.RunRequest(selections.Selection(stacks), concurrency=concurrency, unprotect=unprotect,
                         lock_timeout=lock_timeout, express=express)
    report = observed(console, lambda observer: api.destroy(
        settings.start, env_name, request, observer, owner), quiet=settings.quiet)
    finish(console, report, report_file, show_outputs=False, junit_file=junit_file,
           debug=settings.debug)


for command in (*readonly.COMMANDS, watch_command, cliadmin.bootstrap, cliadmin.unlock,
                cliadmin.env_group, cliadmin.local, clitargets.run_command):
    cli.add_command(command)


def main() -> None:
    lifetime.start()
    hide_unused()
    try:
        cli(prog_name=prog())
    except SystemExit as done:  # every command ends so (click); a bug keeps its traceback
        lifetime.end(done.code)
