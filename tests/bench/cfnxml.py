"""Reading and rewriting CloudFormation's query-protocol XML (what botocore parses for it)."""
from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import Iterator
from xml.sax.saxutils import escape

NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
ET.register_namespace("", NS)


def q(tag: str) -> str:
    """The namespaced tag name."""
    return f"{{{NS}}}{tag}"


def parse(body: bytes) -> ET.Element:
    return ET.fromstring(body)


def dump(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


def members(root: ET.Element, path: str) -> Iterator[tuple[ET.Element, ET.Element]]:
    """(list element, member) pairs under `path` (e.g. "DescribeStacksResult/Stacks")."""
    parent = root.find("/".join(q(part) for part in path.split("/")))
    if parent is None:
        return
    for member in list(parent.findall(q("member"))):
        yield parent, member


def text(element: ET.Element, tag: str) -> str:
    found = element.find(q(tag))
    return found.text or "" if found is not None else ""


def set_text(element: ET.Element, tag: str, value: str, after: str | None = None) -> None:
    """Set a child's text, adding the child (after `after`, else at the end) if missing."""
    found = element.find(q(tag))
    if found is None:
        found = ET.Element(q(tag))
        anchor = element.find(q(after)) if after else None
        index = list(element).index(anchor) + 1 if anchor is not None else len(element)
        element.insert(index, found)
    found.text = value


def drop(element: ET.Element, tag: str) -> None:
    found = element.find(q(tag))
    if found is not None:
        element.remove(found)


def timestamp(element: ET.Element) -> float:
    """An event's Timestamp as epoch seconds (0 when absent)."""
    raw = text(element, "Timestamp")
    if not raw:
        return 0.0
    return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event(stack_id: str, stack_name: str, logical_id: str, resource_type: str, status: str,
          reason: str, when: float) -> ET.Element:
    """A StackEvents member as CloudFormation writes it."""
    member = ET.Element(q("member"))
    physical = stack_id if resource_type == "AWS::CloudFormation::Stack" else ""
    for tag, value in (("StackId", stack_id), ("EventId", str(uuid.uuid4())),
                       ("StackName", stack_name), ("LogicalResourceId", logical_id),
                       ("PhysicalResourceId", physical), ("ResourceType", resource_type),
                       ("Timestamp", iso(when)), ("ResourceStatus", status),
                       ("ResourceStatusReason", reason)):
        ET.SubElement(member, q(tag)).text = value
    return member


def error(code: str, message: str, status: int = 400) -> tuple[int, bytes]:
    """An ErrorResponse as CloudFormation sends it: (HTTP status, body)."""
    body = (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
    return status, body.encode()


def empty_describe_stacks() -> ET.Element:
    """A DescribeStacks response with no stack yet (members are appended)."""
    return parse(f'<DescribeStacksResponse xmlns="{NS}"><DescribeStacksResult><Stacks/>'
                 f"</DescribeStacksResult><ResponseMetadata><RequestId>{uuid.uuid4()}"
                 "</RequestId></ResponseMetadata></DescribeStacksResponse>".encode())


def stacks_list(root: ET.Element) -> ET.Element:
    found = root.find(f"{q('DescribeStacksResult')}/{q('Stacks')}")
    assert found is not None, "not a DescribeStacks response"
    return found
