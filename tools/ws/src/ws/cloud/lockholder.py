"""Who holds a lock: user, host, process, since when, the CI job; shown to whoever waits for
it, and whether that process is provably dead (locks.py records it with each lock)."""
from __future__ import annotations

import getpass
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as shown to whoever waits for it."""

    user: str
    host: str
    pid: int
    since: float  # the holder's clock: shown, never compared
    job_url: str = ""
    key: str = ""  # the lock it holds
    version: str = ""  # changes on every renewal
    lease: float = 60.0  # seconds without a new version after which the holder counts as dead
    space: str = ""  # the boot and PID namespace its pid means something in ("?": not recorded)

    @property
    def run(self) -> tuple[str, str, int, float, str]:
        """The run holding the lock (all of its locks say the same)."""
        return self.user, self.host, self.pid, self.since, self.space

    def who(self) -> str:
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.since))
        job = f", job {self.job_url}" if self.job_url else ""
        return f"{self.user}@{self.host} (pid {self.pid}{job}) since {since}"

    def describe(self) -> str:
        """Who, and whether that process is gone from this host (ws unlock's listing)."""
        dead = " - that process is not running on this host: a deploy takes its lock over, " \
            "or break it now with ws unlock" if self.dead_here() else ""
        return self.who() + dead

    def dead_here(self) -> bool:
        """Provably dead: it ran on this host, in this boot and PID namespace, and its process
        is gone (a killed run; a closed laptop lid is not: that process still exists). Two
        containers may share a host name but not their pids."""
        if self.host != socket.gethostname() or self.pid <= 0 or self.pid == os.getpid() \
                or self.space != namespace():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except OSError:  # exists, but another user's
            return False
        return False


def me(clock: Callable[[], float] = time.time) -> Holder:
    return Holder(user=_user(), host=socket.gethostname(), pid=os.getpid(), since=clock(),
                  job_url=_job_url(), space=namespace())


def namespace() -> str:
    """This boot of this machine and this process's PID namespace, where /proc says ("" where
    it cannot: a pid is then taken to mean one process on the host)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        return f"{boot}/{os.readlink('/proc/self/ns/pid')}"
    except OSError:
        return ""


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _job_url() -> str:
    """The CI job running this, when the CI says (GitHub Actions, GitLab CI)."""
    env = os.environ
    if env.get("GITHUB_RUN_ID") and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        return f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    return env.get("CI_JOB_URL", "")
