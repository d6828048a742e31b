"""`ws env list`: which environments (and owners) are deployed, read from the stacks' ws tags."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ws.cloud.backend import LOCAL_ENDPOINT_VAR, aws_client, local_backend
from ws.cloud.livestate import deployed_stacks, record_of, tags_of
from ws.cloud.stackops import GOOD
from ws.cloud.swapledger import ledger_active, read_ledgers
from ws.config.envfiles import Place, places
from ws.config.workspace import Workspace
from ws.errors import WsError
from ws.local import endpoint


@dataclass(frozen=True)
class DeployedEnv:
    """One deployed instance of an environment: (env, owner) at a place."""

    env: str
    owner: str | None
    where: str
    stacks: int
    not_ok: int  # stacks not in a completed state (failed, rolled back, in progress)
    last_deploy: str  # ISO time of the newest create or update
    commit: str = ""  # the commit the newest deploy came from (ws's record on the stack)
    ws_version: str = ""  # the ws version that made it
    behind: int = 0  # stacks hotswapped since their last CloudFormation deploy

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def summarise(workspace: str, where: str, stacks: list[dict[str, Any]],
              behind: frozenset[str] = frozenset()) -> list[DeployedEnv]:
    """Group a place's stacks that belong to `workspace` by (environment, owner); `behind`:
    the names of those whose CloudFormation state is behind a hotswap."""
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for stack in stacks:
        tags = tags_of(stack)
        if tags.get("ws:workspace") == workspace and "ws:env" in tags:
            groups.setdefault((tags["ws:env"], tags.get("ws:owner")), []).append(stack)
    return [_summary(env, owner, where, items, behind)
            for (env, owner), items in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))]


def _summary(env: str, owner: str | None, where: str, items: list[dict[str, Any]],
             behind: frozenset[str] = frozenset()) -> DeployedEnv:
    newest = max(items, key=_time)
    record = record_of(newest)
    return DeployedEnv(env, owner, where, len(items),
                       sum(s["StackStatus"] not in GOOD for s in items),
                       _time(newest).isoformat(timespec="seconds"),
                       record.get("commit", ""), record.get("ws", ""),
                       sum(s.get("StackName") in behind for s in items))


def list_environments(ws: Workspace) -> tuple[list[DeployedEnv], list[str]]:
    """Deployed environments at every place an environment file names, and the places that
    could not be read (with why)."""
    found: list[DeployedEnv] = []
    problems: list[str] = []
    seen: set[tuple[str, str, str | None]] = set()
    for place in places(ws):
        key = (place.target, place.region, place.profile)
        if key in seen:
            continue
        seen.add(key)
        where = _where(place)
        try:
            cfn = _cloudformation(ws, place)
            if cfn is None:
                problems.append(f"{where}: not running, so nothing is deployed there")
                continue
            live = deployed_stacks(cfn, None)
            found += summarise(ws.name, where, list(live.values()), _behind(ws, place, live))
        except (WsError, BotoCoreError, ClientError) as exc:
            problems.append(f"{where}: cannot list stacks ({str(exc).splitlines()[0]})")
    return found, problems


def _behind(ws: Workspace, place: Place, live: dict[str, dict]) -> frozenset[str]:
    """The workspace's stacks at `place` whose hotswap ledger is newer than their
    CloudFormation deploy (one listing of the artifact bucket; nothing if it cannot be read)."""
    ours = {n for n, s in live.items() if tags_of(s).get("ws:workspace") == ws.name}
    if not ours:
        return frozenset()
    try:
        if place.target == "local":
            url = os.environ.get(LOCAL_ENDPOINT_VAR) or endpoint.status(ws.state_dir).url
            backend = local_backend(place.region, url)
            s3, account = backend.client("s3"), backend.account_id
        else:
            s3 = aws_client(place.profile, place.region, "s3")
            account = aws_client(place.profile, place.region, "sts").get_caller_identity()[
                "Account"]
        bucket = f"ws-{account}-{place.region}-{ws.name}"[:63].rstrip("-")
        found = read_ledgers(s3, bucket, account, ours)
    except (WsError, BotoCoreError, ClientError, AttributeError):
        return frozenset()
    return frozenset(n for n, entry in found.items() if ledger_active(live[n], entry))


def _where(place: Place) -> str:
    if place.target == "local":
        return f"local endpoint ({place.region})"
    return f"aws {place.region}" + (f" profile {place.profile}" if place.profile else "")


def _cloudformation(ws: Workspace, place: Place) -> Any:
    """A client for the place, or None for a local endpoint that is not running (not started:
    listing must not change anything)."""
    if place.target == "local":
        url = os.environ.get(LOCAL_ENDPOINT_VAR)
        info = endpoint.status(ws.state_dir) if not url else None
        if not url and info is None:
            return None
        return local_backend(place.region, url or info.url).client("cloudformation")
    return aws_client(place.profile, place.region, "cloudformation")


def _time(stack: dict[str, Any]) -> datetime:
    return stack.get("LastUpdatedTime") or stack["CreationTime"]
