"""The entry points of the commands that look after a workspace's environments and its local
endpoint rather than deploy (bootstrap, unlock, env list, local ...): load, then one library
function; the run commands' are in api.py."""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ws.api import load
from ws.config.workspace import find_root, load_workspace
from ws.lazy import lazy

if TYPE_CHECKING:
    from ws.cloud.environments import DeployedEnv
    from ws.cloud.lockholder import Holder
    from ws.local.endpoint import EndpointInfo
    from ws.local.links import LocalLink

backends = lazy("ws.cloud.backend")
bootstrapping = lazy("ws.cloud.bootstrap")
environments = lazy("ws.cloud.environments")
locks = lazy("ws.cloud.locks")
endpoint = lazy("ws.local.endpoint")
local_links_of = lazy("ws.local.links")


def bootstrap(start: Path, env_name: str, owner: str | None = None) -> list[str]:
    ws, env = load(start, env_name, owner)
    return bootstrapping.bootstrap(backends.connect(ws, env), ws.name)


def env_list(start: Path) -> tuple[list[DeployedEnv], list[str]]:
    return environments.list_environments(load_workspace(find_root(start)))


def lock_holders(start: Path, env_name: str,
                 owner: str | None = None) -> tuple[str, dict[str, Holder]]:
    """(the environment's lock prefix, {lock: its holder, with the version seen})."""
    ws, env = load(start, env_name, owner)
    table = locks.LockTable(backends.connect(ws, env).client("dynamodb"))
    table.ensure()
    prefix = locks.lock_id(ws, env) + "/"
    return prefix, table.holders(prefix)


def unlock(start: Path, env_name: str, shown: dict[str, str],
           owner: str | None = None, renewal_wait: float = 0.0,
           sleep: Callable[[float], None] = time.sleep) -> tuple[list[str], list[str]]:
    """Break the locks that were shown ({key: version}), each only if still at the version
    shown, and not before `renewal_wait` seconds (a live holder renews within that: see
    renewal_wait()); (keys broken, keys left because they changed since: their run is
    alive)."""
    ws, env = load(start, env_name, owner)
    table = locks.LockTable(backends.connect(ws, env).client("dynamodb"))
    prefix = locks.lock_id(ws, env) + "/"
    if renewal_wait > 0:
        sleep(renewal_wait)
    outcome = {key: table.break_lock(key, version) for key, version in sorted(shown.items())
               if key.startswith(prefix)}
    return ([k for k, broken in outcome.items() if broken],
            [k for k, broken in outcome.items() if not broken])


def renewal_wait(holders: dict[str, Holder], listed: float,
                 now: Callable[[], float] = time.monotonic) -> float:
    """How long to wait after listing (at `listed`) before a lock unchanged since can be
    called dead: a live holder renews every lease/3, so a lease/3 and a second of margin."""
    longest = max((h.lease for h in holders.values()), default=0.0)
    return max(0.0, listed + longest / 3 + 1.0 - now())


def local_up(start: Path, port: int | None, schedules: bool = False) -> EndpointInfo:
    return endpoint.start(find_root(start) / ".ws", port=port, schedules=schedules)


def local_down(start: Path) -> bool:
    return endpoint.stop(find_root(start) / ".ws")


def local_status(start: Path) -> EndpointInfo | None:
    return endpoint.status(find_root(start) / ".ws")


def local_log(start: Path) -> Path | None:
    """The local endpoint's server log, if there is one (relative to the current directory
    when inside it); it outlives a server that stopped or crashed."""
    path = endpoint.log_file(find_root(start) / ".ws")
    if not path.is_file():
        return None
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def local_endpoint_links(start: Path) -> list[LocalLink]:
    """The local URLs of every stack on the running endpoint (none when it is not running)."""
    ws = load_workspace(find_root(start))
    info = endpoint.status(find_root(start) / ".ws")
    if info is None:
        return []
    return local_links_of.endpoint_links(backends.local_backend(ws.region, info.url))
