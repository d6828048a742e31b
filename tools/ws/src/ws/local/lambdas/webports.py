"""Ports for Web Adapter apps (standard library only, used by webworker.py): each app instance
gets a free port of its own in PORT, so two instances, or two functions declaring the same
port, never answer for each other; an app that listens on its declared port regardless is
found there when the listening socket is its own (Linux /proc)."""
from __future__ import annotations

import os
import socket

LISTEN = "0A"


def free_port() -> int:
    """A port nothing listens on now (the app binds it soon after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listens_here(port: int) -> bool:
    """Whether this process or one it started (the app) listens on `port`."""
    try:
        inodes = _listeners(port)
        if not inodes:
            return False
        return any(_sockets(pid) & inodes for pid in _tree(os.readlink("/proc/self")))
    except OSError:
        return False


def _listeners(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as rows:
                next(rows, None)
                for row in rows:
                    fields = row.split()
                    if fields[1].rsplit(":", 1)[1] == f"{port:04X}" and fields[3] == LISTEN:
                        found.add(fields[9])
        except OSError:
            continue
    return found


def _tree(pid: str) -> list[str]:
    """`pid` and its descendants, as /proc numbers them."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending.extend(children.read().split())
        except OSError:
            continue
    return found


def _sockets(pid: str) -> set[str]:
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        pass
    return inodes
