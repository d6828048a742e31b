"""The JSON Schemas in schemas/ accept the store's YAML files, and report a typo as an editor
would show it, before ws runs."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")
FILES = {"workspace": ["workspace.yaml"], "stack": sorted(ROOT.glob("stacks/*/stack.yaml")),
         "environment": sorted(ROOT.glob("environments/*.yaml"))}


def validator(kind: str) -> Draft202012Validator:
    schema = json.loads((ROOT / f"schemas/{kind}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(kind: str, data: object) -> list[str]:
    return [e.message for e in validator(kind).iter_errors(data)]


CASES = [(kind, ROOT / path) for kind, paths in FILES.items() for path in paths]


@pytest.mark.parametrize("kind,path", CASES, ids=[str(p.relative_to(ROOT)) for _, p in CASES])
def test_the_store_files_are_valid_and_name_their_schema(kind, path):
    text = path.read_text()
    assert errors(kind, yaml.safe_load(text)) == []
    line = MODELINE.match(text.splitlines()[0])
    assert line, f"{path.relative_to(ROOT)}: first line should name its schema"
    assert (path.parent / line.group(1)).resolve() == ROOT / f"schemas/{kind}.schema.json"


def test_vscode_maps_every_file_to_its_schema():
    mapping = json.loads((ROOT / ".vscode/settings.json").read_text())["yaml.schemas"]
    assert mapping == {f"schemas/{kind}.schema.json": pattern for kind, pattern in
                       [("workspace", "workspace.yaml"), ("stack", "stacks/*/stack.yaml"),
                        ("environment", "environments/*.yaml")]}


def test_a_typo_is_reported():
    stack = yaml.safe_load((ROOT / "stacks/api/stack.yaml").read_text())
    stack["depends_onn"] = ["auth"]
    assert any("'depends_onn' was unexpected" in m for m in errors("stack", stack))


def test_wrong_values_are_reported():
    env = yaml.safe_load((ROOT / "environments/dev.yaml").read_text())
    wrong_target = errors("environment", {**env, "target": "aws-x"})
    assert any("'aws-x' is not one of" in m for m in wrong_target)
    assert errors("environment", {**env, "account_id": "12345"})
    assert errors("environment", {**env, "stacks": {"onyl": ["api"]}})
    assert errors("workspace", {"name": "store", "defaults": {"concurrency": 0}})
    assert errors("workspace", {"defaults": {}})  # name is required
    ui = yaml.safe_load((ROOT / "stacks/ui/stack.yaml").read_text())
    ui["assets"][0]["sorce"] = "site"
    assert any("'sorce' was unexpected" in m for m in errors("stack", ui))
