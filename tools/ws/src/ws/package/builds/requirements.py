"""A requirements.txt read as pip reads it, with relative paths resolved from its own folder
(or, when nothing is there, from the stack folder a project's own build runs pip in)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ws.errors import ConfigError

_INCLUDE = {"-r": "-r", "--requirement": "-r", "-c": "-c", "--constraint": "-c"}
_PATH_OPTIONS = {"-e", "--editable", "-f", "--find-links"}
_EXTRAS = re.compile(r"^(?P<path>.*?)(?P<extras>\[[^\]]*\])?$")


@dataclass
class Requirements:
    """Lines for pip with absolute local paths, and the local paths they name (for the key)."""

    lines: list[str] = field(default_factory=list)
    local: list[Path] = field(default_factory=list)  # local projects, wheels, find-links
    files: list[Path] = field(default_factory=list)  # the requirements files read
    also: Path | None = None  # where else a relative path may be (the stack folder)

    @property
    def text(self) -> str:
        return "".join(f"{line}\n" for line in self.lines)


def read_requirements(path: Path, found: Requirements | None = None,
                      also: Path | None = None) -> Requirements:
    """`path` flattened (`-r` inlined), each relative path resolved from its file's folder,
    else from `also` (the stack folder: pip run there, as some projects' builds do)."""
    found = found if found is not None else Requirements(also=also)
    if path in found.files:
        return found  # included twice (or in a cycle): pip would read it again, same lines
    if not path.is_file():
        raise ConfigError(f"requirements file {path} does not exist",
                          "fix the -r/-c line that names it", path=str(path))
    found.files.append(path)
    for number, line in _logical_lines(path.read_text(encoding="utf-8")):
        _one_line(line, path, number, found)
    return found


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Lines without comments, continuation lines joined, with their first line number."""
    result, pending, start = [], "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        start = start or number
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        line, pending = (pending + line.strip()).strip(), ""
        if line:
            result.append((start, line))
        start = 0
    return result


def _one_line(line: str, path: Path, number: int, found: Requirements) -> None:
    head, _, rest = line.partition(" ")
    if "=" in head and head.startswith("--"):
        head, _, rest = head.partition("=")
    rest = rest.strip()
    if head in _INCLUDE:
        included = _resolve(rest, path, number, found.also)
        if _INCLUDE[head] == "-r":
            read_requirements(included, found)
        else:
            found.files.append(included)
            found.lines.append(f"-c {included}")
    elif head in _PATH_OPTIONS:
        found.lines.append(f"{head} {_local(rest, path, number, found)}")
    elif head.startswith("-"):
        found.lines.append(line)  # an option pip takes as it is (--index-url, --pre, ...)
    else:
        found.lines.append(_local(line, path, number, found))


def _local(spec: str, path: Path, number: int, found: Requirements) -> str:
    """A requirement or path option; a local path becomes absolute (extras and markers kept)."""
    target, sep, marker = spec.partition(";")
    target = target.strip()
    parts = _EXTRAS.match(target)
    assert parts is not None  # the pattern matches any text
    if not is_local(parts["path"]):
        return spec
    resolved = _resolve(parts["path"], path, number, found.also)
    found.local.append(resolved)
    return f"{resolved}{parts['extras'] or ''}" + (f"; {marker.strip()}" if sep else "")


def is_local(spec: str) -> bool:
    """Whether pip reads `spec` as a local path (not a name, a URL or `name @ url`)."""
    if "://" in spec or " @ " in spec or spec.startswith("file:"):
        return False
    return spec.startswith((".", "/", "~")) or "/" in spec or "\\" in spec or spec.endswith(
        (".whl", ".tar.gz", ".zip"))


def _resolve(rel: str, path: Path, number: int, also: Path | None) -> Path:
    places = [path.parent] + ([also] if also and also.resolve() != path.parent.resolve() else [])
    for place in places:
        resolved = (place / Path(rel).expanduser()).resolve()
        if resolved.exists():
            return resolved
    raise ConfigError(f"{rel!r} does not exist (read from {' nor from '.join(map(str, places))})",
                      "paths in a requirements file are relative to that file's folder "
                      "(or to the stack folder)", path=str(path), line=number)
