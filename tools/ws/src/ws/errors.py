"""The one error base of ws and the exit codes it maps to."""
from __future__ import annotations

# Exit codes, documented in the README and stable.
EXIT_OK = 0
EXIT_FAILED = 1  # a stack failed to deploy or destroy
EXIT_BAD_INPUT = 2  # the workspace, an environment or the command line is wrong
EXIT_LOCKED = 3  # another run held the environment's lock past --lock-timeout
EXIT_INTERRUPTED = 130


class WsError(Exception):
    """An expected failure: a message that says what is wrong and a hint that says what to do."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class ConfigError(WsError):
    """Bad input: a workspace, stack, environment or template file that cannot be used."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, hint: str | None = None, *, path: str | None = None,
                 line: int | None = None) -> None:
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message, hint)
        self.path = path
        self.line = line


class UsageError(WsError):
    """Bad command-line input that click itself cannot catch."""

    exit_code = EXIT_BAD_INPUT


class EndpointError(WsError):
    """The local endpoint could not be started, reached or stopped."""


class DeployError(WsError):
    """A stack operation failed."""
