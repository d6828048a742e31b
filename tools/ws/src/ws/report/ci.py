"""What CI systems read: JUnit XML (a test case per stack), Markdown job summaries, a matrix."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ws.engine.results import BLOCKED, FAILED, INTERRUPTED, NOT_RUN, SKIPPED, RunReport
from ws.lazy import lazy

if TYPE_CHECKING:
    from ws.engine.plan import PlanItem

# Loaded on first use (the plan's module brings boto3): a deploy's template check has started.
nx = lazy("networkx")
planning = lazy("ws.engine.plan")

_ICONS = {"deployed": "✅", "unchanged": "➖", "deleted": "🗑️", "absent": "➖", FAILED: "❌",
          BLOCKED: "⛔", NOT_RUN: "⏸️", SKIPPED: "⏭️", INTERRUPTED: "⚠️"}


# Characters XML 1.0 cannot hold at all (escaping does not help): C0 controls but tab, LF, CR.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: object) -> str:
    """Text that an XML parser accepts: characters XML cannot hold become U+FFFD."""
    return _NOT_XML.sub("\ufffd", "" if value is None else str(value))


def workflow_command(name: str, message: str, **properties: str) -> str:
    """A GitHub Actions workflow command (`::error title=...::message`) with its data escaped
    as GitHub's runner unescapes it, so no value can end the command or start another."""
    props = ",".join(f"{key}={_escape(value, True)}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{_escape(message, False)}"


def _escape(value: str, is_property: bool) -> str:
    value = str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if is_property else value


def junit(report: RunReport) -> str:
    """One <testcase> per stack: failed -> <failure>, blocked/not run/skipped -> <skipped>."""
    failures = sum(s.status in (FAILED, INTERRUPTED) for s in report.stacks)
    skipped = sum(s.status in (BLOCKED, NOT_RUN, SKIPPED) for s in report.stacks)
    suite = ET.Element("testsuite", name=xml_text(f"ws {report.action} --env {report.env}"),
                       tests=str(len(report.stacks)), failures=str(failures), errors="0",
                       skipped=str(skipped), time=f"{report.ended - report.started:.3f}")
    for stack in report.stacks:
        case = ET.SubElement(suite, "testcase", classname=xml_text(f"ws.{report.env}"),
                             name=xml_text(stack.stack), time=f"{stack.seconds or 0:.3f}")
        reason = xml_text(stack.reason)
        if stack.status in (FAILED, INTERRUPTED):
            ET.SubElement(case, "failure", message=reason or "failed").text = reason
        elif stack.status in (BLOCKED, NOT_RUN, SKIPPED):
            ET.SubElement(case, "skipped",
                          message=xml_text(f"{stack.status}: {reason}".rstrip(": ")))
        else:
            ET.SubElement(case, "system-out").text = xml_text(f"{stack.stack_name}: {stack.status}")
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def markdown_report(report: RunReport) -> str:
    """The run as a Markdown table, for a CI job summary."""
    verdict = "succeeded" if report.ok else ("interrupted" if report.interrupted else "failed")
    lines = [f"### ws {report.action} --env {report.env}: {verdict} "
             f"({report.duration_text()})", "",
             "| stack | status | time | detail |", "|---|---|---|---|"]
    for stack in report.stacks:
        seconds = f"{stack.seconds:.1f}s" if stack.seconds is not None else ""
        lines.append(f"| {stack.stack} | {_ICONS.get(stack.status, '')} {stack.status} | "
                     f"{seconds} | {_cell(stack.reason)} |")
    return "\n".join(lines) + "\n"


def markdown_plan(env: str, items: list[PlanItem]) -> str:
    deploying = sum(i.action == planning.DEPLOY for i in items)
    lines = [f"### ws plan --env {env}: {deploying} to deploy", "",
             "| stack | action | reason |", "|---|---|---|"]
    lines += [f"| {i.stack} | {i.action} | {_cell(i.reason)} |" for i in items]
    return "\n".join(lines) + "\n"


def matrix(dag: nx.DiGraph, items: list[PlanItem]) -> dict[str, list[dict[str, str]]]:
    """Stacks to deploy, grouped so that no edge joins two groups: one CI job per group.

    A GitHub Actions matrix: `{"include": [{"group": "auth+api", "stacks": "auth,api"}]}`.
    """
    chosen = [i.stack for i in items
              if i.action in (planning.DEPLOY, planning.LATER) and i.stack in dag]
    order = {name: n for n, name in enumerate(nx.lexicographical_topological_sort(dag))}
    groups = [sorted(c, key=order.get) for c in
              nx.weakly_connected_components(dag.subgraph(chosen))]
    groups.sort(key=lambda g: order[g[0]])
    return {"include": [{"group": "+".join(g) if len(g) <= 3 else f"{g[0]}+{len(g) - 1}",
                         "stacks": ",".join(g)} for g in groups]}


def _cell(text: str | None) -> str:
    """A Markdown table cell: no row break, no column break, no HTML from the data."""
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"[\r\n]+", " ", text.replace("|", "\\|"))
