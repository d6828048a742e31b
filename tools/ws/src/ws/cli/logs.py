"""-v / --quiet: the standard logging module, so a user can see what ws is calling."""
from __future__ import annotations

import logging
import sys

# botocore's DEBUG lines that print a request's parameters or a response's body: parameter
# values (a NoEcho parameter's resolved secret) and what GetParameter or GetSecretValue return
# would reach the terminal or the CI log as they are. Dropped; every other botocore line stays.
BODIES = (("botocore.endpoint", "Making request for"), ("botocore.parsers", "Response body"))


class NoBodies(logging.Filter):
    """Drop botocore's request-parameter and response-body records (BODIES)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not any(record.name == name and message.startswith(prefix)
                       for name, prefix in BODIES)


def configure_logging(verbose: int, quiet: bool) -> None:
    """Warnings by default; -v: ws's own INFO (every AWS call, every decision); -vv: DEBUG,
    botocore's too (never a request's parameters or a response's body: they hold secrets);
    --quiet: errors only."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO)[min(verbose, 1)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                           "%H:%M:%S"))
    handler.addFilter(NoBodies())
    ws_logger = logging.getLogger("ws")
    ws_logger.handlers[:] = [handler]
    ws_logger.setLevel(logging.DEBUG if verbose >= 2 else level)
    ws_logger.propagate = False
    if verbose >= 2:
        logging.getLogger("botocore").setLevel(logging.DEBUG)
        logging.getLogger("botocore").addHandler(handler)
