"""What the local endpoint makes of each stack's resource types, asked of every stack at once
before anything is packaged or deployed (`ws validate` and `ws deploy` both ask).

A type is created for real (ws.local.providers and moto), as a placeholder (an `AWS::` type
the endpoint cannot run: recorded, its Ref/GetAtt shaped as AWS shapes them) or refused (a
type outside `AWS::` and `Custom::`; placeholders too where the environment says
`placeholders: error`). SAM templates are translated first, their local code paths stood in
for by S3 locations (packaging comes later; the types do not depend on the paths).
"""
from __future__ import annotations

import copy
import os
from collections.abc import Callable, Collection, Sequence
from typing import Any

from ws.config.stack import Stack
from ws.errors import ConfigError
from ws.local import templatefixes
from ws.local.resourcetypes import endpoint_types

_PATHS = ("CodeUri", "ContentUri", "DefinitionUri")
STAND_IN = "s3://ws-local-check/code.zip"


def refusals(stacks: list[Stack], region: str, known: Callable[[], Collection[str]],
             placeholders: bool) -> list[tuple[str, str]]:
    """(template, message) for every stack the endpoint cannot take.

    Where placeholders are allowed, only a type outside `AWS::` and `Custom::` is refused, which
    the template as written shows: neither moto (`known`) nor SAM's translation is needed.
    SAM's own types are not the endpoint's to refuse: translated under the SAM transform,
    refused without it as CloudFormation refuses them (ws.lint.limits.missing_transform)."""
    found = []
    for stack in stacks:
        if placeholders:
            missing = templatefixes.unsupported_types(stack.template.body, (), True)
        else:
            missing = templatefixes.unsupported_types(final_template(stack, region), known(),
                                                      False)
        missing = [(logical, kind) for logical, kind in missing
                   if not kind.startswith("AWS::Serverless::")]
        if missing:
            listed = ", ".join(f"{logical} ({kind})" for logical, kind in missing)
            found.append((stack.template.display,
                          f"the local endpoint cannot create: {listed}"))
    return found


def final_template(stack: Stack, region: str) -> dict[str, Any]:
    """The template as the endpoint receives it, as far as resource types go."""
    body = stack.template.body
    if not stack.template.is_sam:
        return body
    from ws.package.sam import translate_sam  # samtranslator: only for SAM templates
    try:
        return translate_sam(_stand_ins(body), region, stack.template.display)
    except ConfigError:
        return body  # an invalid SAM template is reported by the deploy's own translation


def placeholder_note(template: dict[str, Any], known: Collection[str] | None,
                     functions: Sequence[tuple[str, str]] = ()) -> str | None:
    """The line a deploy says for a stack with placeholders, or None. `functions`: (logical id,
    "runtime: why") of functions deployed with placeholder code (their build could not run)."""
    found = sorted([*templatefixes.placeholder_types(template, known), *functions])
    if not found:
        return None
    listed = ", ".join(f"{logical} ({kind})" for logical, kind in found)
    return f"placeholders, created but not run locally: {listed}"


def known_types(state_dir: Any) -> Collection[str]:
    """The types the running endpoint creates; without one, worked out here (loads moto)."""
    from ws.cloud.backend import LOCAL_ENDPOINT_VAR
    from ws.local import endpoint
    url = os.environ.get(LOCAL_ENDPOINT_VAR)
    info = None if url else endpoint.status(state_dir)
    types = endpoint_types(url or info.url) if (url or info) else None
    if types is not None:
        return types
    from ws.local import providers  # moto: only when no endpoint answers
    return providers.supported_types()


def _stand_ins(body: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(body)
    sections = [res.get("Properties") for res in (body.get("Resources") or {}).values()
                if isinstance(res, dict) and str(res.get("Type")).startswith("AWS::Serverless::")]
    sections += list((body.get("Globals") or {}).values())
    for props in sections:
        for key in _PATHS if isinstance(props, dict) else ():
            if isinstance(props.get(key), str) and not props[key].startswith("s3://"):
                props[key] = STAND_IN
    return body
