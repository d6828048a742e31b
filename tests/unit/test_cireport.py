"""CI reports: matrix grouping on literal graphs; snapshots of the store's JUnit XML, Markdown
summary and matrix JSON (run on the fake cloud, times normalised).

UPDATE_SNAPSHOTS=1 pytest tests/unit/test_cireport.py rewrites the snapshots; review the diff.
"""
from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from ws.config.environment import load_environment
from ws.config.workspace import load_workspace
from ws.engine.flow import deploy_env as deploy
from ws.engine.flow import plan_env
from ws.engine.plan import DEPLOY, LATER, SKIP, PlanItem
from ws.engine.request import RunRequest
from ws.report.ci import junit, markdown_plan, markdown_report, matrix
from ws.testing.fakecloud import FakeCloud

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"


def items(**actions: str) -> list[PlanItem]:
    return [PlanItem(name, f"x-{name}", action, "") for name, action in actions.items()]


def test_matrix_groups_have_no_edge_between_them():
    dag = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "y"), ("p", "q")])
    dag.add_node("lone")
    got = matrix(dag, items(a=DEPLOY, b=LATER, c=DEPLOY, x=SKIP, y=DEPLOY, lone=DEPLOY,
                            p=DEPLOY, q=DEPLOY))
    assert got == {"include": [{"group": "a+b+c", "stacks": "a,b,c"},
                               {"group": "lone", "stacks": "lone"},
                               {"group": "p+q", "stacks": "p,q"},
                               {"group": "y", "stacks": "y"}]}
    groups = [set(g["stacks"].split(",")) for g in got["include"]]
    for one in groups:
        for other in groups:
            if one is not other:
                assert not any(dag.has_edge(u, v) for u in one for v in other)


def test_matrix_splits_stacks_joined_only_through_an_unchanged_one():
    dag = nx.DiGraph([("a", "mid"), ("mid", "b")])
    assert matrix(dag, items(a=DEPLOY, mid=SKIP, b=DEPLOY)) == {"include": [
        {"group": "a", "stacks": "a"}, {"group": "b", "stacks": "b"}]}
    big = nx.DiGraph([(str(i), str(i + 1)) for i in range(5)])
    assert matrix(big, items(**dict.fromkeys(map(str, range(6)), DEPLOY)))["include"] == [
        {"group": "0+5", "stacks": "0,1,2,3,4,5"}]
    assert matrix(dag, items(a=SKIP)) == {"include": []}


@pytest.fixture(scope="module")
def store_run():
    """The store on the fake cloud with catalog failing: deployed, failed, blocked."""
    ws = load_workspace(ROOT)
    env = load_environment(ws, "local")
    cloud = FakeCloud()
    cloud.fail.add(env.stack_name("catalog"))
    # the fake's outputs name what a Ref would return: here, the mock's SSM parameter
    cloud.parameters[f"{env.stack_name('payments-mock')}.ApiKeyParameter"] = "mock-key"
    report = deploy(ws, env, cloud.backend(), RunRequest())
    planned = list(plan_env(ws, env, cloud.backend()).items)
    return report, planned, ws, env


def normalised(text: str) -> str:
    text = re.sub(r'time="[0-9.]+"', 'time="T"', text)
    return re.sub(r"\b\d+\.\ds\b", "Ts", text)


def check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"{name} changed: UPDATE_SNAPSHOTS=1 to accept"


def test_store_junit_snapshot(store_run):
    report = store_run[0]
    xml = normalised(junit(report))
    check_snapshot("store-deploy.junit.xml", xml)
    suite = ET.fromstring(xml.split("?>", 1)[1])
    assert suite.get("tests") == "6" and suite.get("failures") == "1" and suite.get("skipped") == "3"
    failure = suite.find("testcase[@name='catalog']/failure")
    assert failure is not None and "injected resource failure" in failure.get("message")
    assert suite.find("testcase[@name='ui']/skipped").get("message") == "blocked: blocked by catalog"


def test_store_markdown_summary_snapshot(store_run):
    report = store_run[0]
    text = normalised(markdown_report(report))
    check_snapshot("store-deploy.md", text)
    assert text.startswith("### ws deploy --env local: failed")
    assert "| api | ⛔ blocked |  | blocked by catalog |" in text
    check_snapshot("store-plan.md", markdown_plan("local", store_run[1]))


def test_store_matrix_snapshot(store_run):
    report, planned, ws, env = store_run
    from ws.graph.stackgraph import build_graph
    text = json.dumps(matrix(build_graph(ws, env).dag, planned), indent=1) + "\n"
    check_snapshot("store-matrix.json", text)
    assert json.loads(text) == {"include": [{"group": "catalog+3",  # orders takes its table
                                             "stacks": "catalog,orders,api,ui"}]}


def test_the_summary_shows_the_time_spent_waiting_for_locks():
    from ws.engine.results import Phase, RunReport
    from ws.report import console as render

    report = RunReport("deploy", "local", [], 100.0, 160.0,
                       phases=[Phase("locks", 100.0, 140.5), Phase("plan", 140.5, 141.0)])
    assert report.lock_wait == 40.5
    assert report.duration_text() == "60.0s, of which 40.5s waiting for locks"
    assert "(60.0s, of which 40.5s waiting for locks)" in markdown_report(report)
    title = render.summary(report).title
    assert "60.0s, of which 40.5s waiting for locks" in str(title)
    quick = RunReport("deploy", "local", [], 100.0, 101.0, phases=[Phase("locks", 100.0, 100.02)])
    assert quick.duration_text() == "1.0s"


def test_many_unchanged_stacks_share_one_row_of_the_summary():
    from ws.engine.results import RunReport, StackReport
    from ws.report import console as render

    stacks = [StackReport(f"s{n}", f"demo-local-s{n}", "unchanged", "") for n in range(7)]
    stacks.insert(3, StackReport("api", "demo-local-api", "deployed", "", started=0.0,
                                 ended=2.0))
    table = render.summary(RunReport("deploy", "local", stacks, 0.0, 3.0))
    assert table.row_count == 2  # api, then the seven unchanged ones together
    names = [str(c) for c in table.columns[0].cells]
    assert names == ["api", "7 stacks"]
    assert [str(c) for c in table.columns[3].cells][1] == ", ".join(f"s{n}" for n in range(7))
    few = render.summary(RunReport("deploy", "local", stacks[:4], 0.0, 3.0))
    assert few.row_count == 4  # a few: a row each
