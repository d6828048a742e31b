"""One stack through ws: deployed, tried, destroyed, and where it stopped (for bench_corpus.py)."""
from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

from corpus_probe import try_functions, try_http_apis, try_rest_apis
from corpus_result import StackResult, fail
from corpus_ws import clients, endpoint_info, resources_of, stack_exists, ws


def first_error(done: subprocess.CompletedProcess, report: dict | None, name: str) -> str:
    for stack in (report or {}).get("stacks", []):
        if stack.get("stack") == name and stack.get("reason") and stack.get("status") not in (
                "DEPLOYED", "UNCHANGED", "SKIPPED"):
            return " ".join(stack["reason"].split())[:600]
    if report and report.get("error"):
        return " ".join(report["error"].split())[:600]
    lines = [ln.strip() for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
    if any(ln.startswith("Traceback") for ln in lines):
        return "traceback: " + lines[-1][:580]  # a bug of ws: the exception, not the frames
    picked = [ln for ln in lines if re.search(r"error|failed|Traceback|cannot|refused", ln, re.I)]
    return ((picked or lines or ["(no output)"])[0])[:600]


def deploy_one(root: Path, result: StackResult) -> str | None:
    """Deploy one stack; its CloudFormation stack name when it reached the endpoint."""
    report_path = root.parent / "reports" / f"{result.name}.json"
    report_path.parent.mkdir(exist_ok=True)
    start = time.perf_counter()
    done = ws(root, "deploy", "--env", "local", "--stacks", result.name, "--yes",
              "--report", str(report_path))
    result.seconds = round(time.perf_counter() - start, 2)
    report = json.loads(report_path.read_text()) if report_path.is_file() else None
    stack = next((s for s in (report or {}).get("stacks", []) if s.get("stack") == result.name),
                 None)
    result.placeholders = [ln.strip()[:200] for ln in (done.stdout + done.stderr).splitlines()
                           if "placeholder" in ln.lower()][:5]
    if done.returncode == 0 and stack is not None:
        result.deployed = result.packaged = True
        return stack.get("stack_name")
    result.error = first_error(done, report, result.name)
    result.stage = stage_of(done.returncode, result.error)
    result.packaged = result.stage == "deploy"
    return (stack or {}).get("stack_name") if result.packaged else None


# Where a failed deploy stopped: ws refuses bad input with exit 2 before building; a build
# failure names its builder; the rest happened on the endpoint, after packaging.
BUILDING = re.compile(r"sam build failed|esbuild failed|npm (install|ci)|pip install|"
                      r"build failed|no wheel|yarn|makefile", re.I)


def stage_of(returncode: int, error: str) -> str:
    if BUILDING.search(error):
        return "build"
    if returncode == 2:
        return "check"
    return "deploy"


def destroy_one(root: Path, result: StackResult, stack_name: str, aws) -> None:
    """Destroy the stack through ws, as its author would after trying it; check it is gone."""
    done = ws(root, "destroy", "--env", "local", "--stacks", result.name, "--yes")
    gone = done.returncode == 0 and not stack_exists(aws("cloudformation"), stack_name)
    result.destroyed = gone
    if not gone:
        fail(result, "destroy", {"LogicalResourceId": result.name},
             "destroy: " + (first_error(done, None, result.name) if done.returncode
                            else "the stack is still there"))


def try_stack(root: Path, result: StackResult, pids: set[int],
              destroy: bool = True) -> str | None:
    """Deploy one stack, invoke its functions, call its routes, then destroy it (unless
    `destroy` is false); its stack name once it reached the endpoint."""
    stack_name = deploy_one(root, result)
    info = endpoint_info(root)
    if not (stack_name and info):
        return None
    pids.add(info.get("pid", 0))
    aws = clients(info["url"])
    if result.deployed:
        resources = resources_of(aws("cloudformation"), stack_name)
        try_functions(aws, resources, result)
        try_rest_apis(aws, info["url"], resources, result)
        try_http_apis(aws, info["url"], resources, result)
    if destroy:
        destroy_one(root, result, stack_name, aws)
    return stack_name
