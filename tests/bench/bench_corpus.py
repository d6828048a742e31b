"""Benchmark: real templates deployed to the local endpoint, one stack at a time (prints figures).

Run: python tests/bench/bench_corpus.py DIR [DIR ...] [--json FILE] [--match TEXT] [--limit N]

DIR is a ws workspace (it has a workspace.yaml) or any folder of real SAM/CloudFormation
projects (a public repository, a collection of patterns). For a plain folder, the benchmark
adopts it as a user would, on a copy (DIR is never touched): a `workspace.yaml` at its root
naming every folder that holds a `template.yaml`/`template.yml` (or, with `--cdk`, a CDK app), and
in each such folder a `stack.yaml` giving the stack a unique name and, for a template, a value
to each parameter without a default (the value is printed: a template that needs a real one
fails as the template's own problem).

Each stack is then deployed alone with the CLI, `ws deploy --env local --stacks NAME --yes`,
in graph order, on one endpoint for the whole DIR. Per stack it prints: packaged (the deploy got
past loading, checking, building and packaging), deployed, the functions that ran when invoked
with `{}` (a function's own error counts as ran; a runtime that could not start it does not),
the REST/HTTP API routes that answered (a function's or authorizer's answer counts; the local
gateway's refusal does not), and the first error of each failure. It ends with the totals,
failures counted by the resource type named in them, and whether the endpoint is still alive.
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
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_NAMES = ("template.yaml", "template.yml")
SKIP = {".git", "node_modules", ".aws-sam", "cdk.out", "__pycache__", ".venv", ".ws"}
GATEWAY_REFUSALS = {"MissingAuthenticationTokenException"}
RUNTIME_FAILURES = ("Runtime.", "Sandbox.")


@dataclass
class StackResult:
    name: str
    folder: str
    filled: dict = field(default_factory=dict)
    packaged: bool = False
    deployed: bool = False
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


def dummy_value(name: str, spec: dict) -> str:
    """A plausible value for a parameter that has no default."""
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
    return "wscorpus"


def slug(rel: Path, taken: set[str]) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", "-".join(rel.parts[-3:]).lower()).strip("-") or "stack"
    text = ("s-" + text if not text[0].isalpha() else text)[:36].rstrip("-")
    name, n = text, 2
    while name in taken:
        name, n = f"{text[:33]}-{n}", n + 1
    taken.add(name)
    return name


def template_error(template: Path, root: Path) -> str:
    """Why ws cannot read this template at all (YAML syntax, not a template), or ''."""
    sys.path.insert(0, str(ROOT / "tools/ws/src"))
    from ws.config.templates import load_template
    from ws.errors import ConfigError
    try:
        load_template(template, template.relative_to(root).as_posix())
    except ConfigError as exc:
        return str(exc)
    return ""


def adopt(source: Path, scratch: Path, match: str | None = None,
          cdk: bool = False) -> dict[str, StackResult]:
    """Copy `source` to `scratch` and give it a workspace.yaml and a stack.yaml per template
    (with `match`, the workspace holds only the stacks whose folder contains it: another
    folder's CDK app that cannot synthesize here would refuse the whole workspace)."""
    shutil.copytree(source, scratch, symlinks=True, ignore=shutil.ignore_patterns(*SKIP))
    results: dict[str, StackResult] = {}
    taken: set[str] = set()
    for template in find_templates(scratch):
        folder = template.parent
        name = slug(folder.relative_to(scratch), taken)
        broken = template_error(template, scratch)
        if broken:  # the template's own: left out, or it would refuse the whole workspace
            results[name] = StackResult(name, folder.relative_to(scratch).as_posix(),
                                        error=f"template's own: {broken}")
            continue
        params = (read_template(template).get("Parameters") or {})
        filled = {k: dummy_value(k, v) for k, v in params.items()
                  if isinstance(v, dict) and "Default" not in v} if isinstance(params, dict) else {}
        filled.update(project_parameters(folder, params if isinstance(params, dict) else {}))
        config = {"name": name, "template": template.name, **project_build(folder, scratch)}
        if filled:
            config["parameters"] = filled
        (folder / "stack.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        results[name] = StackResult(name, folder.relative_to(scratch).as_posix(), filled)
    for app in find_cdk_apps(scratch) if cdk else []:  # a CDK app is a stack: ws synthesizes it
        name = slug(app.relative_to(scratch), taken)
        built = project_build(app, scratch)
        if "template" in built:  # its build synthesizes the template: ws deploys that
            (app / "stack.yaml").write_text(yaml.safe_dump({"name": name, **built}))
            results[name] = StackResult(name, app.relative_to(scratch).as_posix())
            continue
        if not (app / "package.json").is_file():  # Python/Java/Go CDK: left out, or it
            results[name] = StackResult(  # would refuse the whole workspace
                name, app.relative_to(scratch).as_posix(),
                error="not a JavaScript/TypeScript CDK app (no package.json)")
            continue
        (app / "stack.yaml").write_text(yaml.safe_dump({"name": name, "type": "cdk"}))
        results[name] = StackResult(name, app.relative_to(scratch).as_posix())
    globs = [r.folder for r in results.values() if not r.error
             and (not match or match in r.folder)]
    (scratch / "workspace.yaml").write_text(yaml.safe_dump(
        {"name": "corpus", "stacks": globs, "defaults": {"region": "us-east-1"}}))
    (scratch / "environments").mkdir(exist_ok=True)
    (scratch / "environments" / "local.yaml").write_text("target: local\nregion: us-east-1\n")
    return results


# --- a project's own build step --------------------------------------------------------------

def project_build(folder: Path, root: Path) -> dict:
    """stack.yaml keys for a folder whose Makefile has a `build:` target: ws runs `make build`
    before it deploys (cached, build/ its output; `make clean build` where there is a `clean:`,
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
    """Deploy one stack; its CloudFormation stack name when it deployed."""
    report_path = root.parent / "reports" / f"{result.name}.json"
    report_path.parent.mkdir(exist_ok=True)
    start = time.perf_counter()
    done = ws(root, "deploy", "--env", "local", "--stacks", result.name, "--yes",
              "--report", str(report_path))
    result.seconds = round(time.perf_counter() - start, 2)
    report = json.loads(report_path.read_text()) if report_path.is_file() else None
    stack = next((s for s in (report or {}).get("stacks", []) if s.get("stack") == result.name),
                 None)
    if done.returncode == 0 and stack is not None:
        result.deployed = result.packaged = True
        return stack.get("stack_name")
    result.error = first_error(done, report, result.name)
    result.packaged = not PACKAGING.search(result.error)
    return None


# What a failure of loading, building or packaging says (the rest happened after packaging).
PACKAGING = re.compile(r"code folder|code path|sam build|build failed|packag|does not exist|"
                       r"outside the (stack|workspace)|pip install|npm|no wheel|symlink|"
                       r"requirements", re.I)


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
            result.notes.append(f"invoke {res['LogicalResourceId']}: {str(exc)[:120]}")
            continue
        kind = ""
        if answer.get("FunctionError"):
            try:
                kind = str(json.loads(body).get("errorType", ""))
            except (ValueError, AttributeError):
                kind = body[:60]
        if kind.startswith(RUNTIME_FAILURES):
            result.notes.append(f"{res['LogicalResourceId']} did not run: {body[:150]}")
        else:
            result.ran += 1


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
            result.notes.append(f"API {api_id}: {str(exc)[:120]}")
            continue
        routes = [(item["path"], m) for item in items for m in (item.get("resourceMethods") or {})
                  if m != "OPTIONS"]
        if not stages:
            result.routes += len(routes)
            result.notes.append(f"API {res['LogicalResourceId']}: no stage, {len(routes)} routes")
            continue
        for path, method in routes:
            result.routes += 1
            status, headers, body = call(
                f"{endpoint}/_ws/api/{api_id}/{stages[0]}{fill_path(path)}",
                "GET" if method == "ANY" else method)
            if refused(status, headers, body):
                result.notes.append(f"{method} {path}: {status} {body[:100]}")
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
            result.notes.append(f"HTTP API {api_id}: {str(exc)[:120]}")
            continue
        for key in routes:
            result.routes += 1
            method, _, path = key.partition(" ")
            if key == "$default":
                method, path = "GET", "/"
            status, headers, body = call(f"{endpoint}/_ws/api/{api_id}/$default{fill_path(path)}",
                                         "GET" if method == "ANY" else method)
            if refused(status, headers, body):
                result.notes.append(f"{key}: {status} {body[:100]}")
            else:
                result.answered += 1


def endpoint_url(root: Path) -> str | None:
    done = ws(root, "local", "status", "--json")
    if done.returncode != 0:
        return None
    try:
        return json.loads(done.stdout).get("url")
    except ValueError:
        return None


def clients(endpoint: str):
    import boto3
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    from botocore.config import Config
    config = Config(read_timeout=60, retries={"max_attempts": 1})
    return lambda service: session.client(service, endpoint_url=endpoint, config=config)


# --- a whole folder ------------------------------------------------------------------------

def run_folder(source: Path, args) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="wscorpus-")) / source.name
    if (source / "workspace.yaml").is_file():
        shutil.copytree(source, scratch, ignore=shutil.ignore_patterns(*SKIP))
        results = workspace_stacks(scratch)
    else:
        results = adopt(source, scratch, args.match, args.cdk)
    names = [n for n in results if not args.match or args.match in results[n].folder]
    unread = [n for n in names if results[n].error]
    names = graph_order(scratch, [n for n in names if n not in unread])[: args.limit or None]
    print(f"\n== {source} ({len(names)} stacks, adopted at {scratch})", flush=True)
    for name in unread:
        print(line_of(results[name]), flush=True)
    try:
        for name in names:
            result = results[name]
            stack_name = deploy_one(scratch, result)
            endpoint = endpoint_url(scratch)
            if stack_name and endpoint:
                aws = clients(endpoint)
                resources = resources_of(aws("cloudformation"), stack_name)
                try_functions(aws, resources, result)
                try_rest_apis(aws, endpoint, resources, result)
                try_http_apis(aws, endpoint, resources, result)
            print(line_of(result), flush=True)
        alive = endpoint_url(scratch) is not None
    finally:
        ws(scratch, "local", "down")
    return {"source": str(source), "stacks": [asdict(results[n]) for n in unread + names],
            "endpoint_alive": alive}


def line_of(r: StackResult) -> str:
    state = "DEPLOYED" if r.deployed else ("FAILED  " if r.packaged else "PACKAGE ")
    text = (f"{state} {r.name:36} fn {r.ran}/{r.functions} routes {r.answered}/{r.routes} "
            f"{r.seconds:5.1f}s")
    if r.error:
        text += f"\n         {r.error}"
    for note in r.notes[:4]:
        text += f"\n         - {note}"
    return text


TYPE = re.compile(r"AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+|Custom::[A-Za-z0-9]+")


def summary(folders: list[dict]) -> dict:
    stacks = [s for f in folders for s in f["stacks"]]
    types: Counter = Counter()
    for s in stacks:
        if s["error"]:
            types.update(set(TYPE.findall(s["error"])) or {"(no type named)"})
    return {"templates": len(stacks), "packaged": sum(s["packaged"] for s in stacks),
            "deployed": sum(s["deployed"] for s in stacks),
            "functions": sum(s["functions"] for s in stacks),
            "functions_ran": sum(s["ran"] for s in stacks),
            "routes": sum(s["routes"] for s in stacks),
            "routes_answered": sum(s["answered"] for s in stacks),
            "endpoint_alive": all(f["endpoint_alive"] for f in folders),
            "failures_by_type": dict(types.most_common())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="write every result here")
    parser.add_argument("--match", help="only stacks whose folder contains this text")
    parser.add_argument("--limit", type=int, help="at most this many stacks per folder")
    parser.add_argument("--cdk", action="store_true",
                        help="adopt CDK apps (cdk.json) too: one app that fails to synthesize "
                             "refuses the whole workspace, as any bad input does")
    args = parser.parse_args()
    folders = [run_folder(d.resolve(), args) for d in args.dirs]
    totals = summary(folders)
    print("\n== totals")
    for key, value in totals.items():
        if key != "failures_by_type":
            print(f"{key:16} {value}")
    print("failures by the type they name:")
    for kind, count in totals["failures_by_type"].items():
        print(f"  {count:3}  {kind}")
    if args.json:
        args.json.write_text(json.dumps({"totals": totals, "folders": folders}, indent=1))


if __name__ == "__main__":
    main()
