"""The three YAML files ws reads, each with its field spec and where its reference goes."""
from __future__ import annotations

from dataclasses import dataclass

from ws.config import envfiles, stackfile, workspace
from ws.config.fields import Field


@dataclass(frozen=True)
class FileSpec:
    """One kind of YAML file: its name, its keys, its schema and reference page."""

    key: str  # workspace, stack, environment
    title: str
    where: str  # where the file lives
    about: str
    fields: dict[str, Field]

    @property
    def schema_path(self) -> str:
        return f"schemas/{self.key}.schema.json"

    @property
    def page_path(self) -> str:
        return f"docs/reference/{self.key}-yaml.md"


FILES = (
    FileSpec("workspace", "workspace.yaml", "workspace.yaml",
             "The workspace's root: its name, where its stacks are, defaults for every run.",
             workspace.FIELDS),
    FileSpec("stack", "stack.yaml", "stacks/NAME/stack.yaml",
             "One per stack folder: the template, the values it takes, what it publishes.",
             stackfile.FIELDS),
    FileSpec("environment", "Environment files", "environments/ENV.yaml",
             "One per environment: where it deploys, how stacks are named, what changes there.",
             envfiles._FIELDS),
)
