"""Whose failure it is, for bench_corpus.py: the template's, a toolchain's, ws's or the endpoint's.

A failure has a stage (where it stopped) and an error (its first line). The rules below are
tried in order and the first that holds decides; each carries its class and the reason printed
in the legend. When in doubt a failure is not the template's: the template's rules need the
error to say so plainly (a YAML or SAM refusal, a cfn-lint E rule, a path that is not in the
project, an export nothing in the run makes, a value only its deployer can give).

Stages: read (adopting: the YAML), check (ws's checks before building, exit 2), build
(building and packaging), deploy (the stack on the endpoint), invoke (a deployed function),
route (a deployed API's route).
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

CLASSES = ("template", "toolchain", "ws", "endpoint")
# Build tools sam build calls for runtimes ws does not build itself, by what their failure says.
TOOLCHAINS = {"Maven": "mvn", "Gradle": "gradle", "Dotnet": "dotnet", "dotnet": "dotnet",
              "GoModules": "go", "Cargo": "cargo"}
BUILD_OUTPUT = re.compile(r"(^|/)(target|build|dist|bin|out|publish)/|\.(zip|jar)$")
CODE_PATH = re.compile(r"code (?:folder|file|path) '([^']+)' does not exist")
IMPORT = re.compile(r"ImportModuleError|Unable to import module|Cannot find (module|package)")
LINT = re.compile(r":\d+: (E\d{4}) ")
# cfn-lint E rules whose finding AWS certainly refuses: a service shut down, a variable name
# Lambda reserves, a value that does not match the pattern the service requires. Not the
# others: CloudFormation accepts duplicate keys (the last wins), cfn-lint misreads attributes
# the SAM transform makes, and some enums' case; ws's own check refuses them.
REFUSED_BY_AWS = {"E3710", "E3663", "E1019"}
PACKAGING = re.compile(r"\bcode\b|CodeUri|ContentUri|DefinitionUri|TemplateURL|Location|packag")


@dataclass(frozen=True)
class Context:
    """What the rules may look at besides the error."""

    folder: Path | None = None  # the template's folder in the corpus (never the copy)
    filled: dict = field(default_factory=dict)  # values the bench made up (no default)
    defaults: dict = field(default_factory=dict)  # the template's parameter defaults
    exports: tuple = ()  # regexes of the export names the run's templates can create
    runtime: str = ""  # the function's runtime (invoke stage)
    placeholders: bool = False  # every function of the stack tried has placeholder code


@dataclass(frozen=True)
class Rule:
    cls: str
    reason: str
    holds: Callable[[str, str, Context], bool]


def _code_path_missing(stage: str, error: str, ctx: Context, output: bool) -> bool:
    found = CODE_PATH.search(error)
    if not found or (ctx.folder and (ctx.folder / found.group(1)).exists()):
        return False
    return bool(BUILD_OUTPUT.search(found.group(1).rstrip("/"))) == output


def _lint(error: str) -> str:
    found = LINT.search(error)
    return found.group(1) if found else ""


def _export(error: str) -> str:
    found = re.search(r"No export named (\S+) found", error) or re.search(
        r"Fn::ImportValue '([^']+)': no stack of the workspace exports it", error)
    return found.group(1) if found else ""


def _made_up(error: str, ctx: Context) -> bool:
    """The error quotes a value the bench made up (as a word: not inside a path)."""
    return any(len(v) > 3 and re.search(rf"(?<![\w/.-]){re.escape(v)}(?![\w-])", error)
               for v in map(str, ctx.filled.values()))


def _bad_default(error: str, ctx: Context) -> bool:
    ids = [str(v) for v in ctx.defaults.values()
           if re.match(r"(vpc|subnet|sg|ami|arn):?-?", str(v))]
    return any(v in error for v in ids) and bool(
        re.search(r"does not exist|not found|invalid", error, re.I))


def _toolchain(error: str) -> bool:
    return any(re.search(rf"{name}\w*(Builder|Workflow)|{tool} (cli )?executable|"
                         rf"{name} Failed", error) and (shutil.which(tool) is None or
                                                        name in ("Maven", "Gradle"))
               for name, tool in TOOLCHAINS.items())


def _node_sdk_v2(error: str, ctx: Context) -> bool:
    version = re.match(r"nodejs(\d+)", ctx.runtime)
    return "Cannot find module 'aws-sdk'" in error and bool(version) and int(version[1]) >= 18


def _handler_file_missing(error: str, ctx: Context) -> bool:
    """Node's "Cannot find module 'index'" for the handler itself (no require stack), and no
    such file anywhere in the project."""
    found = re.search(r"Cannot find module '([\w.-]+)'", error)
    if not found or "Require stack" in error or ctx.folder is None:
        return False
    names = {f"{found.group(1)}.{ext}" for ext in ("js", "mjs", "cjs", "ts")}
    return not any(p.name in names and "node_modules" not in p.parts
                   for p in ctx.folder.rglob("*"))


RULES = (
    Rule("template", "not valid YAML (the SAM CLI cannot read it either)",
         lambda s, e, c: s == "read" or "invalid template:" in e or "invalid JSON template" in e),
    Rule("template", "invalid SAM: the SAM translator refuses it (as `sam validate` does)",
         lambda s, e, c: "invalid SAM template" in e),
    Rule("template", "a cfn-lint error AWS refuses too (a retired service, a variable name "
         "Lambda reserves, a value not matching the service's pattern)",
         lambda s, e, c: s == "check" and _lint(e) in REFUSED_BY_AWS),
    Rule("template", "a policy Resource written as text where an ARN is meant (Queue.Arn, not "
         "!GetAtt Queue.Arn)", lambda s, e, c: s == "check" and "is text, not an ARN" in e),
    Rule("ws", "another cfn-lint error, which CloudFormation may accept: ws's own check "
         "refuses it", lambda s, e, c: s == "check" and bool(_lint(e))),
    Rule("template", "a code path missing from the project (not in the corpus either)",
         lambda s, e, c: _code_path_missing(s, e, c, output=False)),
    Rule("template", "the output of the project's own build step is missing (target/x.zip)",
         lambda s, e, c: _code_path_missing(s, e, c, output=True)),
    Rule("template", "imports an export that no template of the run creates",
         lambda s, e, c: bool(_export(e)) and not any(p.fullmatch(_export(e)) for p in c.exports)),
    Rule("ws", "wiring: imports an export another template of the run creates",
         lambda s, e, c: bool(_export(e))),
    Rule("template", "a resource refuses the made-up value of a parameter its deployer must give",
         lambda s, e, c: s == "deploy" and _made_up(e, c)),
    Rule("template", "a parameter default names a resource that does not exist (a fake VPC id)",
         lambda s, e, c: s == "deploy" and _bad_default(e, c)),
    Rule("template", "needs the AWS SDK v2, which Node.js 18+ runtimes do not have on AWS either",
         lambda s, e, c: s == "invoke" and _node_sdk_v2(e, c)),
    Rule("template", "the handler's file is not in the project (not in the corpus either)",
         lambda s, e, c: s == "invoke" and _handler_file_missing(e, c)),
    Rule("template", "SAM resources without the SAM transform (CloudFormation refuses them)",
         lambda s, e, c: "needs the SAM transform" in e),
    Rule("template", "code importing a package its package.json does not declare (sam build "
         "fails the same)", lambda s, e, c: s == "build" and "esbuild failed" in e
         and 'Could not resolve "' in e or s == "build" and "esbuild failed" in e
         and "mark the path" in e),
    Rule("toolchain", "a package version the registry reachable here does not have (npm 404)",
         lambda s, e, c: s == "build" and "npm error 404" in e),
    Rule("toolchain", "a build tool this machine lacks or cannot use offline (Maven, Gradle, "
         "dotnet, go)", lambda s, e, c: s == "build" and _toolchain(e)),
    Rule("toolchain", "a function deployed with placeholder code: its runtime does not run "
         "locally and its build tool is missing or could not build it",
         lambda s, e, c: s == "invoke" and "does not run locally" in e),
    Rule("toolchain", "a route to functions deployed with placeholder code (their runtime does "
         "not run locally)", lambda s, e, c: s == "route" and c.placeholders
         and bool(re.search(r": 50[02] ", e))),
    Rule("ws", "a traceback of ws (a bug)", lambda s, e, c: e.startswith("traceback:")),
    Rule("endpoint", "a resource type the local endpoint cannot create",
         lambda s, e, c: "the local endpoint cannot create" in e),
    Rule("ws", "building or packaging (sam build, esbuild, npm, pip, code paths)",
         lambda s, e, c: s == "build" or s == "check" and bool(PACKAGING.search(e))),
    Rule("ws", "a refusal of ws's own checks that is not a cfn-lint error",
         lambda s, e, c: s == "check"),
    Rule("endpoint", "the AWS SDK v3 or the runtime's globals, which Lambda's runtime provides",
         lambda s, e, c: s == "invoke" and bool(re.search(r"'@aws-sdk/|awslambda is not", e))),
    Rule("ws", "packaging: the function's own code or dependencies do not import",
         lambda s, e, c: s == "invoke" and bool(IMPORT.search(e))
         and not re.search(r"\(500\)|when calling the", e)),
    Rule("endpoint", "failed inside the local endpoint (the rest)", lambda s, e, c: True),
)


def classify(stage: str, error: str, ctx: Context | None = None) -> tuple[str, str]:
    """(class, reason) of one failure: the first rule that holds."""
    ctx = ctx or Context()
    rule = next(r for r in RULES if r.holds(stage, error, ctx))
    return rule.cls, rule.reason


def export_pattern(name: object, defaults: dict) -> re.Pattern | None:
    """The export names an Outputs' Export.Name can give, whatever the stack's name."""
    if isinstance(name, str):
        return re.compile(re.escape(name))
    if isinstance(name, dict) and "Fn::Sub" in name:
        text = name["Fn::Sub"][0] if isinstance(name["Fn::Sub"], list) else name["Fn::Sub"]
        parts = re.split(r"\$\{[^}]+\}", str(text))
        return re.compile(".+".join(map(re.escape, parts)))
    if isinstance(name, dict) and "Fn::Join" in name:
        sep, items = name["Fn::Join"]
        return re.compile(re.escape(sep).join(re.escape(i) if isinstance(i, str) else ".+"
                                              for i in items))
    if isinstance(name, dict) and "Ref" in name and name["Ref"] in defaults:
        return re.compile(re.escape(str(defaults[name["Ref"]])))
    return re.compile(".+")  # unknown: any name (so its importers are not the template's)


def legend() -> list[str]:
    return [f"  {r.cls:9} {r.reason}" for r in RULES]
