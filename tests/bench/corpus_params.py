"""The values an adopted stack gives its template's parameters: the project's own (its
metadata.yaml), else a made-up one that passes (for bench_corpus.py)."""
from __future__ import annotations

from pathlib import Path

import yaml


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
