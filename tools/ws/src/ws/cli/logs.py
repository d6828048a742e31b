"""-v / --quiet: the standard logging module, so a user can see what ws is calling."""
from __future__ import annotations

import logging
import sys


def configure_logging(verbose: int, quiet: bool) -> None:
    """Warnings by default; -v: ws's own INFO (every AWS call, every decision); -vv: DEBUG,
    botocore's too; --quiet: errors only."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO)[min(verbose, 1)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                           "%H:%M:%S"))
    ws_logger = logging.getLogger("ws")
    ws_logger.handlers[:] = [handler]
    ws_logger.setLevel(logging.DEBUG if verbose >= 2 else level)
    ws_logger.propagate = False
    if verbose >= 2:
        logging.getLogger("botocore").setLevel(logging.DEBUG)
        logging.getLogger("botocore").addHandler(handler)
