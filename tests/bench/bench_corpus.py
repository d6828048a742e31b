"""Benchmark: real templates deployed to the local endpoint, one stack at a time (prints figures).

Run: python tests/bench/bench_corpus.py DIR [DIR ...] [--json FILE] [--match TEXT] [--limit N] [--project] [--cdk]
(`--again FILE` classes an earlier run's --json again, deploying nothing.)

DIR is a ws workspace (it has a workspace.yaml) or any folder of real SAM/CloudFormation
projects (a public repository, a collection of patterns). Plain folders are adopted as a user
would, on a copy (DIR is never touched): one workspace for all of them, a `stack.yaml` in each
folder that holds a `template.yaml`/`template.yml` (or, with `--cdk`, a CDK app) giving the
stack a short name, as authors name theirs (`sam deploy --stack-name orders`: the project's
folder, at most 24 characters, with ws's "-local"), and a value to each parameter without a
default (printed). One endpoint serves the whole run.

Each template is an independent project its author would deploy alone into an account of its
own, so each is tried alone: the workspace lists only that stack, `ws deploy --env local
--stacks NAME --yes`, its functions invoked with `{}` (a function's own error counts as ran; a
runtime that could not start it does not), its REST/HTTP API routes called (a function's or
authorizer's answer counts; the local gateway's refusal does not), then `ws destroy` and a
check that the stack is gone. Per stack it prints where it stopped (READ, CHECK, BUILD,
FAILED on the endpoint, DEPLOYED), whether it was destroyed, the placeholders the deploy
reported, and each failure with its class and reason (corpus_classify.py: the template's, a
missing toolchain's, ws's or the endpoint's; the rules are printed as a legend). It ends with
the failures listed per class, the totals, the deploy rate over all templates and over those
not at fault, failures counted by resource type, and whether the endpoint is still alive and
was one process throughout.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools/ws/src"))

from corpus_report import judge, line_of, print_report, run_exports, summary  # noqa: E402
TEMPLATE_NAMES = ("template.yaml", "template.yml")
SKIP = {".git", "node_modules", ".aws-sam", "cdk.out", "__pycache__", ".venv", ".ws"}
GATEWAY_REFUSALS = {"MissingAuthenticationTokenException"}
RUNTIME_FAILURES = ("Runtime.", "Sandbox.")


@dataclass
class StackResult:
    name: str
    folder: str
    filled: dict = field(default_factory=dict)
    template: str = ""  # its path in the corpus
    stage: str = ""  # where it stopped: read, check, build, deploy ("" when deployed)
    packaged: bool = False
    deployed: bool = False
    placeholders: list = field(default_factory=list)
    destroyed: bool | None = None  # None: nothing on the endpoint to destroy
    cls: str = ""
    reason: str = ""
    type: str = ""
    failures: list = field(default_factory=list)  # functions and routes: stage, what, error
    functions: int = 0
    ran: int = 0
    routes: int = 0
    answered: int = 0
    error: str = ""
    notes: list = field(default_factory=list)
    seconds: float = 0.0


def ws(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WS_LOCAL_ENDPOINT"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "tools/ws/src"),
                                                      env.get("PYTHONPATH")]))
    env.setdefault("WS_LOCAL_SQS_RETRY_SECONDS", "1")
    try:
        return subprocess.run([sys.executable, "-m", "ws", *args], cwd=root, env=env,
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(exc.cmd, 124, "", f"timed out after {timeout:.0f} s")


# --- adopting a folder as a workspace ------------------------------------------------------

def find_templates(source: Path) -> list[Path]:
    found = []
    for path in sorted(source.rglob("template.y*ml")):
        rel = path.relative_to(source)
        if path.name in TEMPLATE_NAMES and not SKIP.intersection(rel.parts) \
                and path.parent != source:
            if not any(p.parent == path.parent for p in found):
                found.append(path)
    return found


def find_cdk_apps(source: Path) -> list[Path]:
    """Folders holding a CDK app (cdk.json) and no template of their own."""
    return [path.parent for path in sorted(source.rglob("cdk.json"))
            if not SKIP.intersection(path.relative_to(source).parts)
            and not any((path.parent / name).is_file() for name in TEMPLATE_NAMES)]


class CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms read as plain data."""


CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def read_template(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(errors="replace"), Loader=CfnLoader)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def dummy_value(name: str, spec: dict, unique: str = "wscorpus") -> str:
    """A plausible value for a parameter that has no default (`unique` for a name: another
    template's made-up bucket name must not be taken already, as a deployer's would not)."""
    if not isinstance(spec, dict):
        return "x"
    allowed = spec.get("AllowedValues")
    if isinstance(allowed, list) and allowed:
        return str(allowed[0])
    kind = str(spec.get("Type", "String"))
    if kind == "Number":
        return str(spec.get("MinValue", 1))
    if "VPC::Id" in kind:
        return "vpc-0123456789abcdef0"
    if "Subnet::Id" in kind:
        return "subnet-0123456789abcdef0"
    if "SecurityGroup::Id" in kind:
        return "sg-0123456789abcdef0"
    if kind.startswith("List<") or kind == "CommaDelimitedList":
        return "a,b"
    if kind.startswith("AWS::SSM::Parameter::Value"):
        return f"/wscorpus/{name}"
    if "mail" in name.lower():
        return "dev@example.com"
    return unique


GENERIC = {"src", "sam", "app", "cdk", "infra", "infrastructure", "template", "templates", "iac",
           "deploy", "deployment", "stack", "backend"}
# Stack names as authors give them (`sam deploy --stack-name orders`): the project's folder,
# short. ws adds "-local"; templates that build bucket names from ${AWS::StackName} need it short.
NAMING = "{stack}-{env}"
NAME_MAX = 24


def slug(rel: Path, taken: set[str]) -> str:
    parts = [p for p in rel.parts if p.lower() not in GENERIC] or list(rel.parts) or ["stack"]
    text = re.sub(r"[^a-z0-9]+", "-", parts[-1].lower()).strip("-") or "stack"
    text = ("s-" + text if not text[0].isalpha() else text)[:NAME_MAX].rstrip("-")
    name, n = text, 2
    while name in taken:
        name, n = f"{text[:NAME_MAX - 3].rstrip('-')}-{n}", n + 1
    taken.add(name)
    return name


def template_error(template: Path, root: Path) -> str:
    """Why ws cannot read this template at all (YAML syntax, not a template), or ''."""
    from ws.config.templates import load_template
    from ws.errors import ConfigError
    try:
        load_template(template, template.relative_to(root).as_posix())
    except ConfigError as exc:
        return str(exc)
    return ""


def adopt(sources: list[Path], scratch: Path, match: str | None = None,
          cdk: bool = False) -> dict[Path, dict[str, StackResult]]:
    """Copy each folder of `sources` into `scratch` and make it one workspace: a
    workspace.yaml and a stack.yaml per template (with `match`, the workspace holds only the
    stacks whose folder contains it: another folder's CDK app that cannot synthesize here
    would refuse the whole workspace). One workspace, so one endpoint for the whole run."""
    taken: set[str] = set()
    adopted = {}
    for source in sources:
        label = slug(Path(source.name), set(p.name for p in scratch.glob("*")))
        shutil.copytree(source, scratch / label, symlinks=True,
                        ignore=shutil.ignore_patterns(*SKIP))
        adopted[source] = adopt_folder(source, scratch, scratch / label, taken, cdk)
    write_workspace(scratch, [r.folder for results in adopted.values()
                              for r in results.values()
                              if not r.error and (not match or match in r.folder)])
    (scratch / "environments").mkdir(exist_ok=True)
    (scratch / "environments" / "local.yaml").write_text(yaml.safe_dump(
        {"target": "local", "region": "us-east-1", "naming": NAMING}))
    return adopted


def write_workspace(scratch: Path, folders: list[str]) -> None:
    (scratch / "workspace.yaml").write_text(yaml.safe_dump(
        {"name": "corpus", "stacks": folders, "defaults": {"region": "us-east-1"}}))


def adopt_folder(source: Path, scratch: Path, copy: Path, taken: set[str],
                 cdk: bool) -> dict[str, StackResult]:
    results: dict[str, StackResult] = {}
    for template in find_templates(copy):
        folder = template.parent
        name = slug(folder.relative_to(copy), taken)
        original = str(source / template.relative_to(copy))
        broken = template_error(template, scratch)
        if broken:  # left out, or it would refuse the whole workspace
            results[name] = StackResult(name, folder.relative_to(scratch).as_posix(),
                                        template=original, stage="read", error=broken)
            continue
        params = (read_template(template).get("Parameters") or {})
        filled = {k: dummy_value(k, v, f"{name}-p{i}") for i, (k, v) in enumerate(
            params.items()) if isinstance(v, dict) and "Default" not in v} \
            if isinstance(params, dict) else {}
        filled.update(project_parameters(folder, params if isinstance(params, dict) else {}))
        config = {"name": name, "template": template.name, **project_build(folder, copy)}
        if filled:
            config["parameters"] = filled
        (folder / "stack.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        results[name] = StackResult(name, folder.relative_to(scratch).as_posix(), filled,
                                    original)
    for app in find_cdk_apps(copy) if cdk else []:  # a CDK app is a stack: ws synthesizes it
        name = slug(app.relative_to(copy), taken)
        built = project_build(app, copy)
        if "template" in built:  # its build synthesizes the template: ws deploys that
            (app / "stack.yaml").write_text(yaml.safe_dump({"name": name, **built}))
            results[name] = StackResult(name, app.relative_to(scratch).as_posix())
            continue
        if not (app / "package.json").is_file():  # Python/Java/Go CDK: left out, or it
            results[name] = StackResult(  # would refuse the whole workspace
                name, app.relative_to(scratch).as_posix(),
                stage="read", error="not a JavaScript/TypeScript CDK app (no package.json)")
            continue
        (app / "stack.yaml").write_text(yaml.safe_dump({"name": name, "type": "cdk"}))
        results[name] = StackResult(name, app.relative_to(scratch).as_posix())
    return results


# --- a project's own build step --------------------------------------------------------------

def project_build(folder: Path, root: Path) -> dict:
    """stack.yaml keys for a folder whose Makefile's `build:` target makes the template to
    deploy (build/template.yaml): ws runs `make build` before it deploys (cached, build/ its output; `make clean build` where there is a `clean:`,
    so that what it makes depends on its inputs only), and deploys build/template.yaml when
    that recipe, or a script of the repository it runs, writes a template.yaml."""
    makefile = folder / "Makefile"
    text = makefile.read_text(errors="replace") if makefile.is_file() else ""
    recipe = make_recipe(text, "build")
    if recipe is None:
        return {}
    command = "make clean build" if make_recipe(text, "clean") is not None else "make build"
    found: dict = {"before_deploy": ["build"],  # from clean: the cache replays outputs by
                   "targets": {"build": {"command": command, "outputs": ["build/**"]}}}  # inputs
    if any("template.yaml" in text for text in [recipe, *scripts_run(recipe, folder, root)]):
        found["template"] = "build/template.yaml"
        return found
    return {}  # the template is usable as it is: the project's build is not ws's to run


def project_parameters(folder: Path, declared: dict) -> dict:
    """The values the project's own deploy gives the template's parameters: its metadata.yaml
    `parameters:` (an SSM parameter's name, say), `{Environment}` read as the template's
    Environment default (else dev)."""
    try:
        meta = yaml.safe_load((folder / "metadata.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        return {}
    given = meta.get("parameters") if isinstance(meta, dict) else None
    env = (declared.get("Environment") or {}).get("Default", "dev")
    return {k: str(v).replace("{Environment}", str(env)) for k, v in (given or {}).items()
            if k in declared and isinstance(v, (str, int, float))}


def make_recipe(text: str, target: str) -> str | None:
    """The recipe lines (tab-indented) of `target:` in a Makefile, or None without one."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if re.match(rf"{target}\s*:(?!=)", ln)), None)
    if start is None:
        return None
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t") and line.strip() and not line.startswith(" "):
            break
        recipe.append(line)
    return "\n".join(recipe)


def scripts_run(recipe: str, folder: Path, root: Path) -> list[str]:
    """The text of each file of the repository the recipe names (`${ROOT}/tools/build`)."""
    texts = []
    for word in re.findall(r"[^\s;&|@]+", recipe.replace("$(ROOT)", "${ROOT}")):
        path = Path(word.replace("${ROOT}", str(root)).replace("${SERVICE}", folder.name))
        path = path if path.is_absolute() else folder / path
        if path.is_file() and path.resolve().is_relative_to(root.resolve()):
            texts.append(path.read_text(errors="replace"))
    return texts


def workspace_stacks(root: Path) -> dict[str, StackResult]:
    done = ws(root, "graph", "--env", "local", "--format", "json")
    if done.returncode != 0:
        sys.exit(f"{root}: ws graph failed: {done.stderr.strip()}")
    order = json.loads(done.stdout)["stacks"]
    return {name: StackResult(name, name) for name in order}


def graph_order(root: Path, names: list[str]) -> list[str]:
    done = ws(root, "graph", "--env", "local", "--format", "json")
    if done.returncode != 0:
        return names
    order = [n for n in json.loads(done.stdout)["stacks"] if n in names]
    return order + [n for n in names if n not in order]


# --- deploying and trying what was deployed ------------------------------------------------

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


def stack_exists(cfn, stack_name: str) -> bool:
    try:
        stacks = cfn.describe_stacks(StackName=stack_name)["Stacks"]
    except Exception as exc:  # moto answers a deleted stack's name with "does not exist"
        return "does not exist" not in str(exc)
    return any(s.get("StackStatus") != "DELETE_COMPLETE" for s in stacks)


def resources_of(cfn, stack_name: str) -> list[dict]:
    try:
        return cfn.describe_stack_resources(StackName=stack_name)["StackResources"]
    except Exception as exc:  # the benchmark reports, it does not stop
        return [{"error": str(exc)}]


def try_functions(aws, resources: list[dict], result: StackResult) -> None:
    lam = aws("lambda")
    for res in resources:
        if res.get("ResourceType") != "AWS::Lambda::Function":
            continue
        result.functions += 1
        try:
            answer = lam.invoke(FunctionName=res["PhysicalResourceId"], Payload=b"{}")
            body = answer["Payload"].read().decode(errors="replace")
        except Exception as exc:
            fail(result, "invoke", res, f"invoke {res['LogicalResourceId']}: {str(exc)[:300]}",
                 runtime_of(lam, res))
            continue
        kind = ""
        if answer.get("FunctionError"):
            try:
                kind = str(json.loads(body).get("errorType", ""))
            except (ValueError, AttributeError):
                kind = body[:60]
        if kind.startswith(RUNTIME_FAILURES):
            fail(result, "invoke", res, f"{res['LogicalResourceId']} did not run: {body[:600]}",
                 runtime_of(lam, res))
        else:
            result.ran += 1


def runtime_of(lam, res: dict) -> str:
    try:
        return lam.get_function_configuration(
            FunctionName=res["PhysicalResourceId"]).get("Runtime", "")
    except Exception:  # the runtime only helps classify; without it the rule is skipped
        return ""


def fail(result: StackResult, stage: str, res: dict, error: str, runtime: str = "") -> None:
    """A function that did not run, or a route that did not answer, of a deployed stack."""
    result.notes.append(error[:150])
    result.failures.append({"stage": stage, "what": res.get("LogicalResourceId", ""),
                            "type": res.get("ResourceType", ""), "runtime": runtime,
                            "error": " ".join(error.split())})


def call(url: str, method: str) -> tuple[int, dict, str]:
    data = b"{}" if method in ("POST", "PUT", "PATCH") else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read(300).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read(300).decode(errors="replace")
    except Exception as exc:
        return 0, {}, str(exc)[:150]


def refused(status: int, headers: dict, body: str) -> bool:
    """The local gateway's own refusal (not an answer of the API's integration)."""
    kind = headers.get("x-amzn-ErrorType", headers.get("X-Amzn-Errortype", ""))
    return status == 0 or kind in GATEWAY_REFUSALS or (status in (404, 500) and (
        "local endpoint" in body or "not served locally" in body or status == 500
        and '"Internal server error"' in body))


def fill_path(path: str) -> str:
    return re.sub(r"\{[^}]+\+\}", "x/y", re.sub(r"\{[^}+]+\}", "1", path))


def try_rest_apis(aws, endpoint: str, resources: list[dict], result: StackResult) -> None:
    apigw = aws("apigateway")
    for res in resources:
        if res.get("ResourceType") != "AWS::ApiGateway::RestApi":
            continue
        api_id = res["PhysicalResourceId"]
        try:
            stages = [s["stageName"] for s in apigw.get_stages(restApiId=api_id)["item"]]
            items = apigw.get_resources(restApiId=api_id, limit=500)["items"]
        except Exception as exc:
            fail(result, "route", res, f"API {api_id}: {str(exc)[:200]}")
            continue
        routes = [(item["path"], m) for item in items for m in (item.get("resourceMethods") or {})
                  if m != "OPTIONS"]
        if not stages:
            result.routes += len(routes)
            fail(result, "route", res, f"API {res['LogicalResourceId']}: no stage, "
                 f"{len(routes)} routes not tried")
            continue
        for path, method in routes:
            result.routes += 1
            status, headers, body = call(
                f"{endpoint}/_ws/api/{api_id}/{stages[0]}{fill_path(path)}",
                "GET" if method == "ANY" else method)
            if refused(status, headers, body):
                fail(result, "route", res, f"{method} {path}: {status} {body[:200]}")
            else:
                result.answered += 1


def try_http_apis(aws, endpoint: str, resources: list[dict], result: StackResult) -> None:
    v2 = aws("apigatewayv2")
    for res in resources:
        if res.get("ResourceType") != "AWS::ApiGatewayV2::Api":
            continue
        api_id = res["PhysicalResourceId"]
        try:
            routes = [r["RouteKey"] for r in v2.get_routes(ApiId=api_id)["Items"]]
        except Exception as exc:
            fail(result, "route", res, f"HTTP API {api_id}: {str(exc)[:200]}")
            continue
        for key in routes:
            result.routes += 1
            method, _, path = key.partition(" ")
            if key == "$default":
                method, path = "GET", "/"
            status, headers, body = call(f"{endpoint}/_ws/api/{api_id}/$default{fill_path(path)}",
                                         "GET" if method == "ANY" else method)
            if refused(status, headers, body):
                fail(result, "route", res, f"{key}: {status} {body[:200]}")
            else:
                result.answered += 1


def endpoint_info(root: Path) -> dict | None:
    """The running endpoint's url and pid, or None."""
    done = ws(root, "local", "status", "--json")
    if done.returncode != 0:
        return None
    try:
        info = json.loads(done.stdout)
    except ValueError:
        return None
    return info if info.get("url") else None


def clients(endpoint: str):
    import boto3
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    from botocore.config import Config
    config = Config(read_timeout=60, retries={"max_attempts": 1})
    return lambda service: session.client(service, endpoint_url=endpoint, config=config)


# --- the whole run ---------------------------------------------------------------------------

def run(sources: list[Path], args, exports: tuple) -> list[dict]:
    """Every stack of every folder, one at a time, on one endpoint: deploy, try, destroy."""
    scratch = Path(tempfile.mkdtemp(prefix="wscorpus-")) / "corpus"
    workspaces = [s for s in sources if (s / "workspace.yaml").is_file()]
    plain = [s for s in sources if s not in workspaces]
    folders = [run_workspace(s, scratch.with_name(s.name), args, exports) for s in workspaces]
    if not plain:
        return folders
    scratch.mkdir(parents=True)
    adopted = adopt(plain, scratch, args.match, args.cdk)
    pids: set[int] = set()
    try:
        folders += [run_stacks(source, scratch, results, args, pids, exports,
                               alone=not args.project) for source, results in adopted.items()]
    finally:
        alive = endpoint_info(scratch) is not None
        ws(scratch, "local", "down")
    for folder in folders[len(workspaces):]:
        folder.update(endpoint_alive=alive, endpoint_pids=sorted(pids))
    return folders


def run_workspace(source: Path, scratch: Path, args, exports: tuple) -> dict:
    """A ws workspace as it is, on an endpoint of its own."""
    shutil.copytree(source, scratch, ignore=shutil.ignore_patterns(*SKIP))
    pids: set[int] = set()
    try:
        folder = run_stacks(source, scratch, workspace_stacks(scratch), args, pids, exports)
    finally:
        alive = endpoint_info(scratch) is not None
        ws(scratch, "local", "down")
    return {**folder, "endpoint_alive": alive, "endpoint_pids": sorted(pids)}


def run_stacks(source: Path, root: Path, results: dict[str, StackResult], args,
               pids: set[int], exports: tuple, alone: bool = False) -> dict:
    """Each stack in turn; `alone`: the workspace holds only the stack being tried (the
    adopted projects are independent, and ws then reads one stack, not all of them)."""
    names = [n for n in results if not args.match or args.match in results[n].folder]
    unread = [n for n in names if results[n].error]
    names = [n for n in names if n not in unread]
    names = (names if alone else graph_order(root, names))[: args.limit or None]
    print(f"\n== {source} ({len(unread) + len(names)} stacks, adopted at {root})", flush=True)
    for name in unread:
        judge(results[name], exports)
        print(line_of(results[name]), flush=True)
    deployed: dict[str, str] = {}
    for name in names:
        if alone:
            write_workspace(root, [results[name].folder])
        deployed[name] = try_stack(root, results[name], pids, destroy=alone) or ""
        if alone:
            judge(results[name], exports)
            print(line_of(results[name]), flush=True)
    if not alone:  # a project's stacks stay up for their dependents, then go together
        destroy_all(root, [results[n] for n in names], deployed)
        for name in names:
            judge(results[name], exports)
            print(line_of(results[name]), flush=True)
    return {"source": str(source), "stacks": [asdict(results[n]) for n in unread + names]}


def destroy_all(root: Path, results: list[StackResult], names: dict[str, str]) -> None:
    """`ws destroy` of the whole workspace, as a project's team would; each stack checked."""
    info = endpoint_info(root)
    done = ws(root, "destroy", "--env", "local", "--yes")
    cfn = clients(info["url"])("cloudformation") if info else None
    for result in results:
        if not names.get(result.name):
            continue
        result.destroyed = done.returncode == 0 and cfn is not None and not stack_exists(
            cfn, names[result.name])
        if not result.destroyed:
            fail(result, "destroy", {"LogicalResourceId": result.name}, "destroy: " + (
                first_error(done, None, result.name) if done.returncode
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


def judged_again(path: Path, exports: tuple) -> list[dict]:
    folders = json.loads(path.read_text())["folders"]
    names = {f.name for f in fields(StackResult)}
    for folder in folders:
        results = [StackResult(**{k: v for k, v in s.items() if k in names})
                   for s in folder["stacks"]]
        for result in results:
            judge(result, exports)
        folder["stacks"] = [asdict(r) for r in results]
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="write every result here")
    parser.add_argument("--match", help="only stacks whose folder contains this text")
    parser.add_argument("--limit", type=int, help="at most this many stacks per folder")
    parser.add_argument("--project", action="store_true",
                        help="each DIR is one multi-service project: its stacks deploy in the "
                             "graph's order, stay up for their dependents, and are destroyed "
                             "together at the end")
    parser.add_argument("--cdk", action="store_true",
                        help="adopt CDK apps (cdk.json) too: one app that fails to synthesize "
                             "refuses the whole workspace, as any bad input does")
    parser.add_argument("--again", type=Path, metavar="JSON",
                        help="deploy nothing: class the failures of an earlier run's --json "
                             "again with the current rules and print its report")
    args = parser.parse_args()
    sources = [d.resolve() for d in args.dirs]
    exports = run_exports([t for d in sources for t in find_templates(d)])
    folders = judged_again(args.again, exports) if args.again else run(sources, args, exports)
    totals = summary(folders)
    print_report(folders, totals)
    if args.json:
        args.json.write_text(json.dumps({"totals": totals, "folders": folders}, indent=1))


if __name__ == "__main__":
    main()
