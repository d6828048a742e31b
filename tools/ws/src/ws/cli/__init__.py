"""The `ws` command line: options, commands, the live view."""
from ws.cli.commands import cli, main

__all__ = ["cli", "main"]
