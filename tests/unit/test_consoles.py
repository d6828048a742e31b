"""The CLI's console: wide when piped (no ARN cut over five lines), COLUMNS still wins."""
from __future__ import annotations

from ws.cli.consoles import PIPED_WIDTH, console, interactive


def test_piped_output_is_wide(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    made = console()
    assert not made.is_terminal  # pytest captures stdout
    assert made.width == PIPED_WIDTH


def test_columns_wins(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    assert console().width == 120


def test_forced_colour_in_a_log_is_still_a_log(monkeypatch):
    """FORCE_COLOR (set by many CI systems) makes rich call any stream a terminal: a pipe
    still gets the plain lines and the wide console, not the live view."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    made = console()
    assert made.is_terminal  # what rich says
    assert not interactive(made) and made.width == PIPED_WIDTH


def test_emoji_codes_in_messages_are_printed_as_written(capsys):
    """An AWS message with ':x:' or ':ok:' in it reaches the log unchanged."""
    from ws.report.console import event_printer

    event_printer(console(80))("db", "Key :x: and :ok:")
    assert "Key :x: and :ok:" in capsys.readouterr().out
