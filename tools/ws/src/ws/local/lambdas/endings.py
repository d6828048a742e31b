"""How a worker ended, in Lambda's words, from its shepherd's exit status; what it left."""
from __future__ import annotations

import signal
from pathlib import Path

_PF_DYING = 0x4 | 0x400  # PF_EXITING, PF_SIGNALED
_SIGNAL_NAMES = {signal.SIGSEGV: "segmentation fault", signal.SIGABRT: "aborted",
                 signal.SIGTERM: "terminated", signal.SIGBUS: "bus error"}  # as Lambda says


class WorkerDied(Exception):
    """The worker process ended during an invocation: how, in Lambda's words."""

    def __init__(self, message: str, error_type: str = "Runtime.ExitError",
                 signalled_parent: bool = False) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.signalled_parent = signalled_parent


def ending(code: int, killed: bool) -> WorkerDied:
    """What a shepherd's exit `code` says of its worker's end. A shepherd ended by a signal
    the server did not send (`killed`) was signalled by its worker: a handler signalling its
    parent or its process group. A worker ended by SIGKILL ran out of memory (the shepherd
    says so: see shepherd.py)."""
    if code < 0:
        return WorkerDied("Runtime exited with error: signal: killed",
                          signalled_parent=not killed)
    if code == 128 + signal.SIGKILL:
        return WorkerDied("Runtime exited with error: signal: killed", "Runtime.OutOfMemory")
    if code > 128:
        name = _SIGNAL_NAMES.get(code - 128, f"signal {code - 128}")
        return WorkerDied(f"Runtime exited with error: signal: {name}")
    return WorkerDied(f"Runtime exited with error: exit status {code}")


def being_killed(pid: int) -> bool:
    """Whether process `pid` has a SIGKILL pending or is exiting (Linux /proc; else False)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return False
    flags, pending = int(fields[6]), int(fields[28])  # stat(5) fields 9 and 31
    return bool(flags & _PF_DYING or pending & 1 << (signal.SIGKILL - 1))


def descendants(root: int) -> list[int]:
    """Every process below `root` (Linux /proc; else none), found by their parent ids."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat") if Path("/proc/self/stat").exists() else ():
        try:
            parent = int(entry.read_bytes().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.parent.name))
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found
