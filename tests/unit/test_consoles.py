"""The CLI's console: wide when piped (no ARN cut over five lines), COLUMNS still wins."""
from __future__ import annotations

from ws.cli.consoles import PIPED_WIDTH, console


def test_piped_output_is_wide(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    made = console()
    assert not made.is_terminal  # pytest captures stdout
    assert made.width == PIPED_WIDTH


def test_columns_wins(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    assert console().width == 120
