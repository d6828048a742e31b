"""How a `ws` process starts and ends: fewer garbage collections while it imports, and no
interpreter teardown once it is done; a stdout closed by its reader ends nothing early.

A command imports botocore, networkx, click and rich (hundreds of thousands of objects): with
the default thresholds the collector runs hundreds of times meanwhile, and at exit the
interpreter frees every object one by one (about 30,000 in cycles). Together 0.05-0.1 s of a
0.5 s no-op `deploy --changed`. Everything ws writes is written and closed when a command
returns, so the process ends at once with its exit code, the way `os.fork` children do."""
from __future__ import annotations

import gc
import logging
import os
import select
import sys
from typing import NoReturn

# Collect the youngest generation every 20,000 allocations net (700 by default); the older
# ones as before, relatively. Memory is unaffected in practice: cycles are still collected.
THRESHOLDS = (20_000, 20, 20)


def start() -> None:
    gc.set_threshold(*THRESHOLDS)


def stdout_closed() -> None:
    """Its reader is gone (`ws deploy | head -1`): stdout goes to /dev/null from now on, so
    what is still printed is dropped and the run goes on to its own end and exit code."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def reader_gone() -> bool:
    """Whether stdout is a pipe whose reader has closed it (poll: POLLERR on the write end)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no fd, or no poll on this platform
        return False


def end(code: object) -> NoReturn:
    """Exit with `code` (what SystemExit carried) without tearing the interpreter down: log
    handlers closed, output flushed, child processes waited for as at a normal exit."""
    if isinstance(code, str):  # sys.exit("message"): printed, exit code 1
        print(code, file=sys.stderr)
    status = code if isinstance(code, int) else (0 if code is None else 1)
    logging.shutdown()
    if "multiprocessing" in sys.modules:  # (imported only by the commands that fork)
        import multiprocessing
        for child in multiprocessing.active_children():
            child.join()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`ws ... | head`): nothing to keep
            continue
    os._exit(status)
