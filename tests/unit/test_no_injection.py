"""Data never becomes markup or commands: rich tables, GitHub Actions workflow commands,
JUnit XML and Markdown summaries show failure reasons, outputs and names as they are."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from types import SimpleNamespace

from rich.console import Console

from ws.cli.live import LiveView
from ws.engine.plan import PlanItem
from ws.engine.results import FAILED, RunReport, StackReport
from ws.report import console as render
from ws.report.ci import junit, markdown_plan, markdown_report, workflow_command

HOSTILE = "bad [/x] end [arn:aws:iam::123456789012:role/r] [bold]not bold[/bold]"


def report(reason: str = HOSTILE, **outputs: str) -> RunReport:
    return RunReport("deploy", "local", [
        StackReport("db", "demo-local-db", FAILED, reason, started=0.0, ended=1.0),
        StackReport("api", "demo-local-api", "deployed", "", outputs or {"Url": "[/link]"},
                    started=0.0, ended=1.0)], 0.0, 2.0)


def shown(renderable) -> str:
    out = Console(file=io.StringIO(), width=400, record=True, color_system=None)
    out.print(renderable)
    return out.export_text()


def test_reasons_and_outputs_are_printed_as_they_are():
    text = shown(render.summary(report()))
    assert "bad [/x] end [arn:aws:iam::123456789012:role/r] [bold]not bold[/bold]" in text
    assert "[/link]" in shown(render.outputs_table({"api": {"Url": "[/link]"}, "x": None}))


def test_every_table_keeps_data_literal():
    plan = [PlanItem("db", "demo-local-db", "deploy", HOSTILE)]
    assert HOSTILE in shown(render.plan_table(plan))
    env = SimpleNamespace(env="[/e]", owner="[o]", where="[w]", stacks=1, not_ok=0,
                          last_deploy="[/t]", commit="[/c]", ws_version="[v]", behind=0)
    assert "[/e]" in shown(render.env_table([env])) and "[/t]" in shown(render.env_table([env]))
    diff = SimpleNamespace(stack="db", state="[/s]", changes=["Modify [/x]"],
                           data_loss=["Modify [/x]"], note="")
    assert "Modify [/x]" in shown(render.diff_table([diff]))
    drift = SimpleNamespace(stack="db", status="[/d]", resources=[], note="[/n]")
    assert "[/n]" in shown(render.drift_table([drift]))


def test_the_live_view_keeps_data_literal():
    view = LiveView(Console(file=io.StringIO()), ["db"], clock=lambda: 0.0)
    view.on_event("db", HOSTILE)
    assert HOSTILE in shown(view.table())


def grouped(reason: str) -> list[str]:
    out = io.StringIO()
    event, finished = render.grouped_printers(Console(file=out, width=400))
    event("db", "line one\n::error::forged from an event")
    finished(report(reason).stacks[0])
    return out.getvalue().splitlines()


def test_workflow_commands_cannot_be_forged_from_a_reason_or_an_event():
    lines = grouped("boom\n::error title=x::forged annotation\r\n100% [/x]")
    commands = [line for line in lines if line.startswith("::")]
    assert [c.split("::")[1].split(" ")[0] for c in commands] == ["group", "endgroup", "error"]
    assert commands[-1] == ("::error title=ws%3A db failed::boom%0A::error title=x::forged "
                            "annotation%0D%0A100%25 [/x]")
    assert "db | ::error::forged from an event" in lines


def test_workflow_command_properties_escape_colons_and_commas():
    assert workflow_command("error", "a:b,c", title="t:1,2") == "::error title=t%3A1%2C2::a:b,c"


def test_junit_with_control_characters_parses():
    xml = junit(report("\x1b[31mred\x1b[0m \x00 nul \x07 bell & <tag>"))
    failure = ET.fromstring(xml.split("?>", 1)[1]).find("testcase/failure")
    assert failure is not None and "red" in failure.get("message")
    assert "<tag>" in failure.text and "\x00" not in failure.text


def test_markdown_summaries_keep_rows_and_drop_html():
    text = markdown_report(report("a | b\n<img src=x onerror=alert(1)>"))
    row = [line for line in text.splitlines() if line.startswith("| db ")][0]
    assert row.count(" | ") == 3 and "&lt;img" in row and "<img" not in row
    assert "&lt;b&gt;" in markdown_plan("local", [PlanItem("db", "n", "deploy", "<b>")])
