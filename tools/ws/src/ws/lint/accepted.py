"""cfn-lint errors that CloudFormation accepts, each known by its rule, where it fires and the
value there, with the reason and the cfn-lint issue: ws keeps them as warnings (ws validate
prints them), never refusals. And a clearer message for a policy Resource written as text."""
from __future__ import annotations

import re
from typing import Any

from ws.lint.spot import Spot

ECS_PORT = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html"
RESOURCE_DESCRIPTION = "https://github.com/aws-cloudformation/cfn-lint/issues/2641"
SAM_UNEXPANDED = "https://github.com/aws-cloudformation/cfn-lint/issues/4607"
SAM_STATEMENTS = ("https://github.com/aws/serverless-application-model/blob/develop/"
                  "samtranslator/swagger/swagger.py")
NOT_ONE_OF = re.compile(r"^'([^']+)' is not one of \[.*\] in \[")
DOTTED = re.compile(r"^([A-Za-z0-9]+)\.([A-Za-z0-9.]+)$")
# What this module accepts, in the pre-deploy check's record of passes: a change forgets them.
KNOWN = "ecs-protocol-case,resource-description,sam-statement,sam-attribute"


def where(match: Any) -> tuple:
    """A cfn-lint match's path in the template (none for a match of the template's parsing)."""
    return tuple(getattr(match, "path", None) or ())


def reason(rule: str, message: str, path: tuple, spot: Spot) -> str:
    """Why CloudFormation accepts this finding ('' when nothing says it does)."""
    for check in (_ecs_protocol, _resource_description, _sam_statement, _sam_attribute):
        found = check(rule, message, path, spot)
        if found:
            return found
    return ""


def _ecs_protocol(rule: str, message: str, path: tuple, spot: Spot) -> str:
    value = spot.at(path)
    if rule != "E3030" or path[-1:] != ("Protocol",) or "PortMappings" not in path or \
            len(path) < 2 or spot.type_of(path[1]) != "AWS::ECS::TaskDefinition" or \
            not isinstance(value, str) or value.lower() not in ("tcp", "udp"):
        return ""
    udp = ": write 'udp' for this port to be UDP" if value.lower() == "udp" else ""
    return (f"ECS takes a port protocol in any case and reads all but 'udp' as tcp{udp}; "
            f"cfn-lint's list comes from the ECS API model, not CloudFormation's ({ECS_PORT})")


def _resource_description(rule: str, message: str, path: tuple, spot: Spot) -> str:
    if rule != "E3001" or path[:1] != ("Resources",) or path[2:] not in ((), ("Description",)) or \
            "('Description' was unexpected)" not in message:
        return ""
    return ("CloudFormation keeps a Description beside a resource's Type (the AWS CDK writes "
            f"one) and passes it to nothing ({RESOURCE_DESCRIPTION})")


def _sam_statement(rule: str, message: str, path: tuple, spot: Spot) -> str:
    if rule != "E3012" or path[-2:] != ("ResourcePolicy", "CustomStatements") or \
            not spot.type_of(path[1]).startswith("AWS::Serverless::") or \
            not isinstance(spot.at(path), dict):
        return ""
    return f"SAM's translator takes one statement as well as a list ({SAM_STATEMENTS})"


def _sam_attribute(rule: str, message: str, path: tuple, spot: Spot) -> str:
    """A GetAtt (or ${X.Att}) of a SAM resource that cfn-lint, which no longer expands SAM,
    does not know, and the resource SAM's translator makes of it has."""
    found = NOT_ONE_OF.match(message)
    if rule not in ("E6101", "E1010", "E1019") or not found:
        return ""
    attribute = found.group(1)
    for logical_id in _referenced(spot.at(path[:-1]) if path[-1:] == (1,) else spot.at(path),
                                  attribute):
        made = spot.translated_type(logical_id) if spot.type_of(logical_id).startswith(
            "AWS::Serverless::") else ""
        if made and _has_attribute(made, attribute, spot.region):
            return (f"SAM's translator makes {logical_id} into {made}, which has {attribute}; "
                    f"cfn-lint no longer expands SAM ({SAM_UNEXPANDED})")
    return ""


def _referenced(value: Any, attribute: str) -> list[str]:
    """The resources `value` (a GetAtt's arguments or a Sub) takes `attribute` of."""
    if isinstance(value, list) and len(value) == 2 and value[1] == attribute:
        return [str(value[0])]
    if isinstance(value, str) and "${" not in value and value.endswith("." + attribute):
        return [value[: -len(attribute) - 1]]
    text = value[0] if isinstance(value, list) and value else value
    return re.findall(rf"\$\{{([A-Za-z0-9]+)\.{re.escape(attribute)}\}}", str(text))


def _has_attribute(resource_type: str, attribute: str, region: str) -> bool:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type)
    except Exception:  # noqa: BLE001 - a type cfn-lint does not know: not known to have it
        return False
    return attribute in schema.get_atts


def explained(rule: str, message: str, path: tuple, spot: Spot) -> str:
    """cfn-lint's message, or a plainer one: a policy Resource 'Queue.Arn' written as text
    (CloudFormation passes text as it is written) is meant as !GetAtt Queue.Arn."""
    value = spot.at(path)
    found = DOTTED.match(value) if isinstance(value, str) else None
    if rule in ("E3514", "E3031") and found and spot.type_of(found.group(1)) and \
            message.startswith(f"'{value}' does not match"):
        return (f"'{value}' is text, not an ARN: CloudFormation passes it as it is written; "
                f"write !GetAtt {value} for the ARN of {found.group(1)}")
    return message
