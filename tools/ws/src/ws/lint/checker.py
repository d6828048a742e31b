"""cfn-lint's part of the check before a deploy, in a forked process that starts as soon as the
workspace is loaded: the child imports cfn-lint and loads its rules (0.7 s) while ws builds the
graph, connects, reads, locks and makes change sets; it is told which templates to check once
the selection is known. The run waits for it before the first stack is created, changed or
deleted (`wait`), and stops starting stacks once it has failed (`problem`)."""
from __future__ import annotations

import gc
import multiprocessing
import signal
import threading
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.errors import ConfigError
from ws.lint import localpaths, precheck
from ws.lint.cfnlint import Finding

HINT = "nothing was deployed: fix this and deploy again"


class Passed:
    """No check to wait for: every template is known to pass, or the check was skipped."""

    started = ended = None

    def check(self, templates: dict[str, Path]) -> None:
        return None

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def problem(self) -> str:
        return ""

    def findings(self) -> list[Finding]:
        """What the check refused, once it is done (it is waited for)."""
        return []

    def cancel(self) -> None:
        return None


PASSED = Passed()


def refusal(found: Sequence[Any]) -> ConfigError:
    """Everything refused, one line per file (a stack's template or config): its first
    finding as given (ws's own checks before cfn-lint's), and how many more there are."""
    by_file: dict[str, list[str]] = {}
    for item in sorted(found, key=_file):  # (stable: the order given within a file)
        by_file.setdefault(_file(item), []).append(str(item))
    lines = [items[0] + (f" (and {len(items) - 1} more)" if len(items) > 1 else "")
             for items in by_file.values()]
    more = any(len(items) > 1 for items in by_file.values())
    return ConfigError("\n  ".join(lines), HINT + ("; ws validate lists every finding"
                                                   if more else ""))


def _file(item: Any) -> str:
    """The file a Finding (display) or a limits Problem (path) is about."""
    return getattr(item, "display", None) or getattr(item, "path", "")


class TemplateCheck(Passed):
    """One forked cfn-lint process: `check(templates)` once, then `wait()` from any thread."""

    def __init__(self, region: str, cache: Path, clock: Callable[[], float] = time.time) -> None:
        self.region, self.cache, self.clock = region, cache, clock
        self.started: float | None = clock()
        self.ended: float | None = None
        self._found: list[Finding] = []
        self._conn, theirs = multiprocessing.Pipe()
        self._child = multiprocessing.get_context("fork").Process(
            target=_serve, args=(theirs, self._conn, region, cache), name="ws-template-check")
        self._child.start()
        theirs.close()
        self._reader: threading.Thread | None = None
        self._cancelled = False
        self._crash: Exception | None = None

    def check(self, templates: dict[str, Path]) -> None:
        """Check these templates (display -> path); the answer is read in the background."""
        self._conn.send(templates)
        self._reader = threading.Thread(target=self._read, args=(templates,), daemon=True,
                                        name="ws-template-check-reader")
        self._reader.start()

    def _read(self, templates: dict[str, Path]) -> None:
        found: list[Finding] = []
        try:
            try:
                found = self._conn.recv()
            except (EOFError, OSError):  # the child died: check here instead (unless stopped)
                if not self._cancelled:
                    found = precheck.check(templates, self.region, self.cache)
            finally:
                self._child.join()
        except Exception as exc:  # noqa: BLE001 - cfn-lint (or ws) crashed on a template: a
            self._crash = exc  # bug, raised with its traceback by every wait, never a pass
        self._found = found
        self.ended = self.clock()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the check is done (False: `timeout` passed first); raise what it found
        (every caller, every time)."""
        if self._reader is None:
            raise RuntimeError("TemplateCheck.wait() before check()")
        self._reader.join(timeout)
        if self._reader.is_alive():
            return False
        if self._crash is not None:
            raise self._crash
        if self._found:
            raise refusal(self._found)
        return True

    def findings(self) -> list[Finding]:
        if self._reader is not None:
            self._reader.join()
        if self._crash is not None:
            raise self._crash
        return list(self._found)

    def problem(self) -> str:
        """Non-empty once the check has finished and refused a template."""
        if self.ended is None:
            return ""
        if self._crash is not None:
            return "the template check crashed"
        return "a template check failed" if self._found else ""

    def cancel(self) -> None:
        """Nothing needs the answer (nothing to deploy, or the run failed first): the child
        is stopped if it still runs."""
        if self.ended is not None:
            return
        self._cancelled = True
        self._child.terminate()  # a signal only (no wait): the reader, if any, reaps it
        if self._reader is not None:
            self._reader.join()
        else:
            self._child.join()


def start(ws: Workspace, env: Environment, clock: Callable[[], float] = time.time) -> Passed:
    """A checker warming up when some template of the workspace is not known to pass (what to
    check is told later: the selection may leave such a template out); else PASSED."""
    cache = ws.state_dir / "precheck"
    paths = localpaths.templates(ws, list(ws.stacks))
    if not precheck.unchecked(paths, env.region, cache):
        return PASSED
    return TemplateCheck(env.region, cache, clock)


def _serve(conn: Any, theirs: Any, region: str, cache: Path) -> None:
    """The child: load cfn-lint, then check what it is sent (None: nothing, exit)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    theirs.close()
    # Importing cfn-lint (and sympy) allocates much, frees little: 70 ms of collections for
    # nothing. What is loaded stays out of every later collection, which the linting gets back.
    gc.disable()
    runner = precheck.load_runner(region, precheck.rules_cache())
    gc.freeze()
    gc.enable()
    templates = conn.recv()
    if templates is not None:
        conn.send(precheck.check(templates, region, cache, runner=runner))
    conn.close()
