"""Wire the runtime into the server process: invoke, custom resources, SQS pollers, pipes,
schedules.

Environment (read once by the server):

- ``WS_LOCAL_SQS_RETRY_SECONDS``: the longest visibility timeout the SQS pollers use, so a
  failed message comes back after this many seconds locally instead of the queue's own
  timeout (the store's queue says 180 s). Unset: the queue's own timeout.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from moto.logs.models import logs_backends

from ws.errors import ConfigError
from ws.local.events import install as events
from ws.local.lambdas import customresource, invokepatch, schedules, sqspoller
from ws.local.lambdas.runtime import Runtime
from ws.local.pipes.running import Pipes
from ws.local.unknownservices import Refusals

RETRY_VAR = "WS_LOCAL_SQS_RETRY_SECONDS"


@dataclass(frozen=True)
class RuntimeSettings:
    """How the server runs functions."""

    state_dir: Path
    endpoint: str  # what functions use to reach the endpoint (http://127.0.0.1:PORT)
    schedules: bool = False
    sqs_retry_seconds: int | None = None
    # the endpoint's count of calls to services it lacks (ws.local.unknownservices), which
    # custom resources read (ws.local.lambdas.unemulated)
    refusals: Refusals = field(default_factory=Refusals)


def retry_seconds_from_env() -> int | None:
    """WS_LOCAL_SQS_RETRY_SECONDS as a number of seconds, or None."""
    raw = os.environ.get(RETRY_VAR, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ConfigError(f"{RETRY_VAR} must be a whole number of seconds, not {raw!r}")
    return int(raw)


class Installed:
    """What install() started; close() stops it (threads end, workers are killed)."""

    def __init__(self, runtime: Runtime, pollers: sqspoller.Pollers,
                 scheduler: schedules.Scheduler | None, router: events.Running,
                 pipes: Pipes | None = None) -> None:
        self.runtime = runtime
        self.pipes = pipes
        self.pollers = pollers
        self.scheduler = scheduler
        self.router = router

    def close(self) -> None:
        self.router.close()
        self.pollers.stop()
        if self.pipes is not None:
            self.pipes.stop()
        if self.scheduler is not None:
            self.scheduler.stop()
        self.runtime.close()


def install(settings: RuntimeSettings) -> Installed:
    """Make this moto server run Lambda functions (call once, before serving)."""
    runtime = Runtime(settings.state_dir / "functions", settings.endpoint,
                      lambda account, region: logs_backends[account][region])
    router = events.install(runtime)
    invokepatch.install(runtime, router.invoke_async)
    customresource.install(runtime, settings.endpoint, settings.refusals)
    pollers = sqspoller.Pollers(runtime, settings.sqs_retry_seconds)
    pollers.start()
    pipes = Pipes(runtime, router.invoke_async, settings.sqs_retry_seconds)
    pipes.start()
    scheduler = (schedules.Scheduler(runtime, fire=router.fire_schedule)
                 if settings.schedules else None)
    if scheduler is not None:
        scheduler.start()
    return Installed(runtime, pollers, scheduler, router, pipes)
