"""The files a run writes for its user (--report, --junit, --html, the job summary): checked by
writing before anything runs, and written at the end to a named fallback if they still fail."""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import click

from ws.errors import UsageError


def check_writable(*paths: Path | None) -> None:
    """Every output file can be written: checked (a byte written, then taken back) before
    anything runs, so a full disk or /dev/full is found before a stack deploys, and a deploy
    that succeeded is not reported as failed because its report had nowhere to go."""
    for path in paths:
        if path is None:
            continue
        folder = path.parent if str(path.parent) else Path(".")
        if path.is_dir():
            raise UsageError(f"{path} is a folder: give a file name for the report")
        if not folder.is_dir():
            raise UsageError(f"cannot write {path}: folder {folder} does not exist",
                             f"create it first (mkdir -p {folder})")
        try:
            _probe(path)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}",
                             "give a file ws can write (or free some space)") from None


def write_output(path: Path, text: str) -> None:
    """Write `text` to `path`; if that fails now, to a new file in the temporary folder,
    and say where (the run's own result and exit code stand)."""
    try:
        path.write_text(text, encoding="utf-8")
        return
    except OSError as exc:
        reason = exc.strerror or str(exc)
    handle, name = tempfile.mkstemp(prefix=f"ws-{path.stem or 'report'}-", suffix=path.suffix)
    with os.fdopen(handle, "w", encoding="utf-8") as fallback:
        fallback.write(text)
    click.echo(f"warning: cannot write {path} ({reason}): written to {name} instead", err=True)


def append_output(path: str, text: str, what: str) -> None:
    """Append to a file someone else reads (the CI job summary); a failure is said, not fatal."""
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        click.echo(f"warning: cannot write {what} {path}: {exc.strerror or exc}", err=True)


def _probe(path: Path) -> None:
    """Write one byte where the file goes and take it back: a regular file keeps its content,
    a new one is removed; a device that is not a terminal (/dev/null, /dev/full) gets the
    byte; a pipe or a terminal is left alone (written once, at the end)."""
    existed = path.exists()
    if existed and not path.is_file():
        if not stat.S_ISCHR(path.stat().st_mode):
            return
        with open(path, "ab", buffering=0) as device:
            if not device.isatty():
                device.write(b"\0")
        return
    try:
        with open(path, "ab") as out:
            size = out.tell()
            try:
                out.write(b"\0")
                out.flush()
            finally:
                out.truncate(size)
    finally:
        if not existed:
            path.unlink(missing_ok=True)
