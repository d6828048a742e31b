"""ws: deploy a monorepo of CloudFormation/SAM stacks as one service."""
from __future__ import annotations

__version__ = "0.1.0"
