"""What a stack is sent, checked on the final values: a secret's value goes to a NoEcho
parameter only, and nothing else sent (another parameter, a tag, an output) carries it."""
from __future__ import annotations

from typing import Any

from ws.cloud.secrets import Secrets
from ws.config.crosscheck import is_no_echo
from ws.engine.inputs import StackInputs
from ws.errors import DeployError

_HINT = ("a secret goes only to a NoEcho parameter, and the template must not output it; "
         "pass its name (${ssm:/name}) where a secret is needed, never its value")


def parameters_to_send(inputs: StackInputs, body: dict[str, Any],
                       secrets: Secrets) -> dict[str, str]:
    """The parameters to send with template `body`: secrets' values read, then every final
    value checked. DeployError (naming the parameter, never the value) before anything is
    sent when a secret would show."""
    declared = body.get("Parameters") or {}
    for key, (kind, name) in sorted(inputs.secret_refs.items()):
        if not is_no_echo(declared.get(key) or {}):
            raise DeployError(f"parameter {key} takes secret {kind}:{name}, but the template "
                              "sent does not declare it NoEcho", "add 'NoEcho: true' to it")
    sent = {**inputs.plain, **secrets.resolved(inputs.secret_refs)}
    shown = {f"parameter {key}": value for key, value in sent.items()
             if not is_no_echo(declared.get(key) or {})}
    shown.update({f"tag {key}": value for key, value in inputs.tags.items()})
    for where, value in sorted(shown.items()):
        found = secrets.revealed(value)
        if found is not None:
            raise DeployError(f"{where} would carry the value of secret {found} in clear", _HINT)
    _check_outputs(body.get("Outputs") or {}, set(inputs.secret_refs))
    return sent


def _check_outputs(outputs: dict[str, Any], secret_keys: set[str]) -> None:
    """No output may use a secret parameter (CloudFormation shows outputs in clear)."""
    for key in sorted(secret_keys):
        using = sorted(name for name, spec in outputs.items() if _uses(spec, key))
        if using:
            raise DeployError(f"outputs {', '.join(using)} would show secret parameter {key}",
                              _HINT)


def _uses(node: Any, key: str) -> bool:
    """Whether `node` takes parameter `key`: a Ref, or ${key} in an Fn::Sub text."""
    if isinstance(node, dict):
        if node.get("Ref") == key:
            return True
        sub = node.get("Fn::Sub")
        text = sub[0] if isinstance(sub, list) and sub else sub
        if isinstance(text, str) and ("${" + key + "}") in text:
            return True
        return any(_uses(value, key) for value in node.values())
    if isinstance(node, list):
        return any(_uses(value, key) for value in node)
    return False
