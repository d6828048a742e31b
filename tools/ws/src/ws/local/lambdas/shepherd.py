"""The parent of one worker: confines it, then runs it and relays how it ended.

The server starts every worker in a process group of its own (so the worker and everything it
forks share one group the server kills). A Python worker calls :func:`confine` first thing
(one interpreter, not two); any other runs as ``python -I -S shepherd.py DATA_LIMIT_BYTES
MEMORY_MB -- WORKER ARGV...``. Standard library only. The shepherd

- makes the worker die with it (PR_SET_PDEATHSIG): a worker whose shepherd was killed ends;
- caps the worker's writable memory (RLIMIT_DATA, inherited by what it forks);
- puts the worker in a new PID namespace where the kernel allows it (root, or an unprivileged
  user namespace): there the worker sees no process outside it, ``getppid()`` answers 0, and
  when the worker ends the kernel ends every process it started, even one in a new session.
  Elsewhere the worker's parent is this process, never the server, and this process adopts
  what the worker leaves behind (PR_SET_CHILD_SUBREAPER), so the server finds and ends it.

It exits with the worker's code, or 128 + the signal that ended the worker, or 128 + SIGKILL
when a signal ended a worker that had used its MemorySize (V8 out of heap, a C extension whose
allocation failed): Lambda's out-of-memory end. A shepherd that ends by a signal the server did
not send was signalled by its worker.
"""
from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys

CLONE_NEWUSER, CLONE_NEWPID = 0x10000000, 0x20000000
PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def die_with_parent(libc: ctypes.CDLL | None) -> None:
    """SIGKILL this process when its parent ends (Linux)."""
    if libc is not None and hasattr(libc, "prctl"):
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def new_pid_namespace(libc: ctypes.CDLL | None) -> bool:
    """Make this process's next child the first of a new PID namespace, if allowed."""
    if libc is None or not hasattr(libc, "unshare"):
        return False
    if libc.unshare(CLONE_NEWPID) == 0:
        return True
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0:
        return False
    try:  # keep the same ids inside the user namespace
        for path, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                           ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{path}", "w") as handle:
                handle.write(text)
    except OSError:
        pass
    return True


def confine(data_limit: int, memory_mb: int) -> None:
    """Fork: return in the child, confined; the parent shepherds it and exits as it ends."""
    libc = _libc()
    if data_limit > 0:
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (data_limit, data_limit))
        except (ValueError, OSError):  # a lower hard limit already, or no such limit here
            pass
    if libc is not None and hasattr(libc, "prctl"):  # orphans of the worker become ours
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    new_pid_namespace(libc)
    child = os.fork()
    if child == 0:
        die_with_parent(libc)
        return
    # Only the worker talks to the server: closing these copies lets it see the worker's end.
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    _, status, usage = os.wait4(child, 0)
    code = os.waitstatus_to_exitcode(status)
    peak_kib = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)  # macOS: bytes
    if code < 0 and peak_kib >= memory_mb * 1024 * 0.9:
        code = -signal.SIGKILL
    os._exit(128 - code if code < 0 else code)


def main() -> None:
    confine(int(sys.argv[1]), int(sys.argv[2]))
    os.execvp(sys.argv[4], sys.argv[4:])


if __name__ == "__main__":
    main()
