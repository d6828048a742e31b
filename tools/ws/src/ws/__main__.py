"""`python -m ws` runs the CLI."""
from __future__ import annotations

from ws.cli.commands import main

main()
