"""Load and validate a workspace: workspace.yaml, then its stacks (discover.py), then the
checks across them (crosscheck.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ws.cdk.target import target_of
from ws.config import fields as schema
from ws.config.crosscheck import check_stack
from ws.config.discover import SynthFor, load_stacks
from ws.config.fields import Field
from ws.config.naming import NAME, NAME_HINT, REGION, check_region
from ws.config.prebuild import Builder
from ws.config.stack import Stack
from ws.config.targets import parse_targets
from ws.config.yamlfile import Mapping, check_inside, load
from ws.errors import ConfigError

WORKSPACE_FILE = "workspace.yaml"
_STRINGS = Field(str)
DEFAULTS_FIELDS = {
    "region": Field(str, default="us-east-1", pattern=REGION.pattern,
                    doc="AWS region of environments that set none."),
    "concurrency": Field(int, default=4, minimum=1,
                         doc="Stacks deployed at once (`--concurrency` overrides it)."),
    "lock_ttl": Field(int, default=60, minimum=5,
                      doc="Seconds a dead run's lock outlives it; a live run renews its locks "
                          "every third of it."),
    "targets": Field(dict, default=None,
                     doc="Tasks every stack gets for `ws run` (a stack can replace or switch "
                         "each off)."),
}
FIELDS = {
    "name": Field(str, required=True, pattern=NAME.pattern,
                  doc="The workspace's name: the first part of every stack name."),
    "description": Field(str, default="", doc="What the workspace is, for people."),
    "stacks": Field(list, default=["stacks/*"], items=_STRINGS,
                    doc="Globs of stack folders, relative to workspace.yaml. Each folder found "
                        "needs a stack.yaml."),
    "shared": Field(list, default=[], items=_STRINGS,
                    doc="Paths outside the stack folders that every stack depends on: a change "
                        "there changes every stack's fingerprint and selects every stack for "
                        "`--since`."),
    "defaults": Field(dict, default={}, fields=DEFAULTS_FIELDS, doc="Settings for every run."),
}


@dataclass(frozen=True, eq=False)
class Workspace:
    """A validated workspace: root folder, settings and stacks by name."""

    root: Path
    name: str
    stacks: dict[str, Stack]
    shared: tuple[str, ...]
    region: str
    concurrency: int
    lock_ttl: int = 60  # seconds a dead run's lock outlives it

    @property
    def state_dir(self) -> Path:
        return self.root / ".ws"


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding workspace.yaml."""
    for folder in (start, *start.parents):
        if (folder / WORKSPACE_FILE).is_file():
            return folder
    raise ConfigError(f"no {WORKSPACE_FILE} in {start} or any folder above it",
                      "run ws inside a workspace or pass --workspace PATH")


def load_workspace(root: Path, env_name: str | None = None,
                   builder: Builder | None = None) -> Workspace:
    """Read the workspace at `root`; any mistake is a ConfigError naming the file and line.
    CDK apps are synthesized for `env_name`'s account and region (when their files changed).
    `builder` runs the stacks' before_deploy targets before their templates are read (None:
    they do not run, and a template they would make that does not exist is a stand-in)."""
    root = root.resolve()
    data = load(root / WORKSPACE_FILE, WORKSPACE_FILE)
    top = schema.check(data, FIELDS, WORKSPACE_FILE, "workspace.yaml")
    if not NAME.match(top["name"]):
        raise ConfigError(f"workspace name {top['name']!r} is not valid", NAME_HINT,
                          path=WORKSPACE_FILE, line=schema.line_of(data, "name"))
    defaults = _defaults(top["defaults"])
    globs = _strings(top["stacks"], data, "stacks")
    for pattern in globs:
        check_glob(pattern, WORKSPACE_FILE, schema.line_of(data, "stacks"))
    target = target_of(root, env_name, defaults["region"]) if env_name else None
    default_targets = parse_targets(defaults["targets"], WORKSPACE_FILE,
                                    schema.line_of(top["defaults"], "targets"))
    stacks = load_stacks(root, globs, SynthFor(target, defaults["region"], env_name),
                         default_targets, builder, WORKSPACE_FILE)
    for stack in stacks.values():
        check_stack(stack, stacks)
    shared = tuple(_strings(top["shared"], data, "shared"))
    for rel in shared:
        check_inside(root / rel, root, f"{WORKSPACE_FILE}: shared path {rel!r}")
    return Workspace(root=root, name=top["name"], stacks=stacks, shared=shared,
                     region=defaults["region"], concurrency=defaults["concurrency"],
                     lock_ttl=defaults["lock_ttl"])


def _defaults(data: object) -> dict:
    """The `defaults:` mapping, checked: numbers not below their least, a real region name."""
    defaults = schema.check(data, DEFAULTS_FIELDS, WORKSPACE_FILE, "'defaults'")
    for key in ("concurrency", "lock_ttl"):
        least = DEFAULTS_FIELDS[key].minimum
        if least is not None and defaults[key] < least:
            raise ConfigError(f"{key!r} must be at least {least}", path=WORKSPACE_FILE,
                              line=schema.line_of(data, key))
    check_region(defaults["region"], WORKSPACE_FILE, schema.line_of(data, "region"))
    return defaults


def check_glob(pattern: str, path: str, line: int | None) -> None:
    """A stack glob is a non-empty pattern relative to the workspace that stays inside it."""
    parts = Path(pattern).parts
    if not pattern.strip() or not parts or Path(pattern).is_absolute() or ".." in parts:
        raise ConfigError(f"stack glob {pattern!r} must be a non-empty path inside the "
                          "workspace", "write it relative to workspace.yaml, like stacks/*",
                          path=path, line=line)


def _strings(items: list, data: Mapping, key: str) -> list[str]:
    for item in items:
        schema.expect(item, str, WORKSPACE_FILE, schema.line_of(data, key), f"each of {key!r}")
    return items
