"""Start the event router in the server process and patch moto's sources to use it."""
from __future__ import annotations

import logging
from typing import Any

from ws.local.events import bus, deadletters, s3notify, sns, streampollers
from ws.local.events.asyncinvoke import AsyncInvoker
from ws.local.events.router import Router


class Running:
    """The router and what feeds it; close() stops them."""

    def __init__(self, router: Router, invoke_async: AsyncInvoker,
                 pollers: streampollers.StreamPollers) -> None:
        self.router, self.invoke_async, self.pollers = router, invoke_async, pollers
        self.fire_schedule = bus.scheduled(router, invoke_async)

    def close(self) -> None:
        self.pollers.stop()
        self.router.stop()


def install(runtime: Any, retry_base_seconds: float = 1.0) -> Running:
    """Route EventBridge, SNS, S3 and streams to functions, queues and topics (call once)."""
    logging.getLogger("ws.local.events").setLevel(logging.INFO)  # a line per delivery
    router = Router(retry_base_seconds=retry_base_seconds).start()
    invoke_async = AsyncInvoker(runtime, router)
    deadletters.install()
    bus.install(router, invoke_async)
    sns.install(router, invoke_async)
    s3notify.install(router, invoke_async)
    pollers = streampollers.StreamPollers(runtime, retry_base_seconds)
    pollers.start()
    return Running(router, invoke_async, pollers)
