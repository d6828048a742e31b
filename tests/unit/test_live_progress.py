"""The live view keeps the run's overall line under the stacks' rows; CI gets it as plain lines,
at most one every few seconds."""
from __future__ import annotations

import io

from rich.console import Console
from ws.cli.live import LiveView
from ws.engine.progress import Progress
from ws.report.console import progress_printer


def rendered(renderable) -> str:
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_the_overall_line_is_under_the_rows():
    view = LiveView(Console(file=io.StringIO()), ["db", "app"], clock=lambda: 10.0)
    view.on_event("db", "creating change set")
    view.on_progress(Progress(1, 1, 1, 0, 12.0, 30.0, at=0.0))
    text = rendered(view.view())
    assert text.index("app") < text.index("1 done, 1 running, 1 waiting, 0 failed")
    assert "left" in text


def test_ci_lines_at_most_every_few_seconds():
    out = io.StringIO()
    now = [0.0]
    show = progress_printer(Console(file=out, width=200, color_system=None), every=5.0,
                            clock=lambda: now[0])
    for t in (0.0, 1.0, 4.9, 5.0, 6.0):
        now[0] = t
        show(Progress(0, 2, 0, 0, t, None, at=t))
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and all(line.strip().startswith("ws | 0 done, 2 running")
                                   for line in lines)


def test_an_estimate_under_a_second_is_not_about_0s():
    assert Progress(0, 1, 5, 0, 0.0, 0.2, at=0.0).line().endswith("· under 1s left")
    assert Progress(0, 1, 5, 0, 0.0, 20.4, at=0.0).line().endswith("· about 20s left")
    assert Progress(0, 1, 5, 0, 0.0, 20.4, at=0.0).line(now=30.0).endswith("· under 1s left")
