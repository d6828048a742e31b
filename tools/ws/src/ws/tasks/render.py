"""`ws run`'s output as text: each task's lines kept together and prefixed, the summary, JUnit."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ws.report.ci import workflow_command
from ws.tasks.results import CACHED, FAILED, RAN, SKIPPED, TargetsReport, TaskResult

_SAID = {RAN: "ran", CACHED: "cached (output replayed)", FAILED: "failed", SKIPPED: "skipped"}


def headline(result: TaskResult) -> str:
    said = _SAID[result.status]
    if result.status == SKIPPED:
        return f"{result.task}: skipped ({result.reason})"
    if result.status == FAILED:
        said += f" ({result.reason})" if result.reason else ""
    return f"{result.task}: {said} in {result.seconds:.2f}s"


def task_lines(result: TaskResult, github: bool, show_output: bool = True) -> list[str]:
    """The block printed when a task ends: its output, each line prefixed with the task (in a
    collapsible group on GitHub Actions), then one line saying how it ended."""
    lines = [f"{result.task}: note: {result.note}"] if result.note else []
    output = result.output.splitlines() if show_output or not result.ok else []
    if github and output:  # (each output line is prefixed: none can be a workflow command)
        lines.append(workflow_command("group", headline(result)))
    lines += [f"{result.task} | {line}" for line in output]
    if github and output:
        lines.append("::endgroup::")
    if github and result.status == FAILED:
        lines.append(workflow_command("error", headline(result), title=f"ws run {result.task}"))
    return lines + [headline(result)]


def junit(report: TargetsReport) -> str:
    """A test case per task: a failure with its output, skipped with its reason."""
    suite = ET.Element("testsuite", name="ws run " + " ".join(report.targets),
                       tests=str(len(report.results)), failures=str(report.count(FAILED)),
                       skipped=str(report.count(SKIPPED)), time=f"{report.seconds:.3f}")
    for result in report.results:
        case = ET.SubElement(suite, "testcase", classname=result.stack, name=result.target,
                             time=f"{result.seconds:.3f}")
        if result.status == FAILED:
            failure = ET.SubElement(case, "failure", message=result.reason or "failed")
            failure.text = result.output
        elif result.status == SKIPPED:
            ET.SubElement(case, "skipped", message=result.reason)
        elif result.output:
            ET.SubElement(case, "system-out").text = result.output
    return ET.tostring(suite, encoding="unicode") + "\n"
