"""A self-contained HTML page (no network) with a run's timeline as a Gantt chart: the run's
own phases (endpoint start, template check, locks, live-state read, packaging...) first, then
one bar per stack, so that the chart accounts for all of the wall time."""
from __future__ import annotations

import html

from ws.engine.results import Phase, RunReport, StackReport

_COLOURS = {"deployed": "#2e7d32", "unchanged": "#00838f", "deleted": "#2e7d32",
            "failed": "#c62828", "blocked": "#f9a825", "not run": "#9e9e9e"}
_PHASE = "#78909c"
_ROW, _LEFT, _WIDTH = 26, 160, 760


def critical_path(report: RunReport) -> list[str]:
    """Walk back from the last stack to end, each time to the upstream that ended last."""
    timed = {s.stack: s for s in report.stacks if s.started is not None and s.ended is not None}
    if not timed:
        return []
    current: StackReport | None = max(timed.values(), key=lambda s: s.ended)
    path = []
    while current is not None:
        path.append(current.stack)
        ups = [timed[u] for u in current.waited_for if u in timed]
        current = max(ups, key=lambda s: s.ended) if ups else None
    return list(reversed(path))


def _phase_bar(phase: Phase, y: int, start: float, scale: float) -> str:
    """A phase of the run as a bar of its own, labelled in italics."""
    x = _LEFT + (phase.started - start) * scale
    w = max((phase.ended - phase.started) * scale, 2)
    tip = html.escape(f"{phase.name}: {phase.ended - phase.started:.2f}s")
    return (f'<text x="4" y="{y + 15}" font-style="italic">{html.escape(phase.name)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{_ROW - 6}" fill="{_PHASE}">'
            f'<title>{tip}</title></rect>')


def render_html(report: RunReport) -> str:
    total = max(report.ended - report.started, 1e-6)
    scale = _WIDTH / total
    path = set(critical_path(report))
    rows = [s for s in report.stacks if s.status != "skipped"]
    bars = [_phase_bar(phase, 30 + i * _ROW, report.started, scale)
            for i, phase in enumerate(report.phases)]
    for i, item in enumerate(rows, start=len(report.phases)):
        y = 30 + i * _ROW
        bars.append(f'<text x="4" y="{y + 15}">{html.escape(item.stack)}</text>')
        if item.started is None or item.ended is None:
            bars.append(f'<text x="{_LEFT}" y="{y + 15}" class="note">{html.escape(item.status)}'
                        f'{": " + html.escape(item.reason) if item.reason else ""}</text>')
            continue
        x = _LEFT + (item.started - report.started) * scale
        w = max((item.ended - item.started) * scale, 2)
        stroke = ' stroke="#000" stroke-width="2"' if item.stack in path else ""
        tip = html.escape(f"{item.stack}: {item.status} {item.ended - item.started:.2f}s "
                          f"{item.reason}".strip())
        bars.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{_ROW - 6}" '
                    f'fill="{_COLOURS.get(item.status, "#607d8b")}"{stroke}><title>{tip}</title></rect>')
    height = 40 + (len(rows) + len(report.phases)) * _ROW
    axis = "".join(f'<text x="{_LEFT + f * _WIDTH:.0f}" y="18" class="note">{total * f:.1f}s</text>'
                   for f in (0, 0.25, 0.5, 0.75, 1))
    title = html.escape(f"ws {report.action} --env {report.env}: {total:.1f}s, "
                        f"{'ok' if report.ok else 'FAILED'}")
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:20px}} text{{font-size:12px}} .note{{fill:#555}}</style>
</head><body><h1>{title}</h1>
<p>Critical path (outlined): {html.escape(" → ".join(critical_path(report))) or "none"}</p>
<svg width="{_LEFT + _WIDTH + 60}" height="{height}" xmlns="http://www.w3.org/2000/svg">
{axis}{"".join(bars)}</svg>
</body></html>
"""
