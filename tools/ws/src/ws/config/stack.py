"""A stack of the workspace as loaded: its settings, its template and where they came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ws.cdk.assembly import AssemblyStack
from ws.cdk.late import LateContext
from ws.config.assets import AssetSpec
from ws.config.targets import Target
from ws.config.templates import Template
from ws.config.yamlfile import Mapping


@dataclass(frozen=True, eq=False)
class Stack:
    """One stack folder: its settings and its parsed template."""

    name: str
    rel_dir: str
    config_file: str
    description: str
    depends_on: tuple[str, ...]
    mock: bool
    parameters: dict[str, str]
    tags: dict[str, str]
    template: Template
    lines: Mapping
    assets: tuple[AssetSpec, ...] = ()  # folders published after the stack deploys
    cdk: AssemblyStack | None = None  # a CDK app's stack: its template is synthesized
    late: LateContext | None = None  # its CDK context that uses references (synthesized again)
    targets: dict[str, Target] = field(default_factory=dict)  # ws run: its own, then merged
    switched_off: frozenset[str] = frozenset()  # default targets it turns off (false/null)
    before_deploy: tuple[str, ...] = ()  # targets run before the template is read
    build_failure: str = ""  # why they failed (the template is then a stand-in)
    import_prefixes: dict[str, str] = field(default_factory=dict)  # import name prefix -> stack
    # for one environment (graph.envimports): import name prefix -> that stack's name there
    import_names: dict[str, str] = field(default_factory=dict)

    def line_of(self, key: str) -> int | None:
        return self.lines.line_of(key)

    def base(self, root: Path) -> Path:
        """The folder its template's local paths are relative to: the template's own, as sam
        reads them (build/ for a template a build makes); a CDK app's: the stack folder."""
        if self.cdk is not None or self.build_failure:
            return root / self.rel_dir
        return self.template.path.parent
