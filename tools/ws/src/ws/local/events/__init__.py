"""The local endpoint's event router: EventBridge rules, SNS subscriptions, stream pollers,
S3 notifications and asynchronous invokes, delivered on the router's own worker threads."""
from __future__ import annotations

from ws.local.events.install import Running, install

__all__ = ["Running", "install"]
