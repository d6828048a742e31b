"""python -m ws.docsgen [--check] [ROOT]: write the reference pages and schemas under ROOT
(default: the repository holding this checkout), or with --check say which differ."""
from __future__ import annotations

import sys
from pathlib import Path

from ws.docsgen import clidoc, fieldsdoc, schemas
from ws.docsgen.specs import FILES

COMMAND = "python -m ws.docsgen"


def generated() -> dict[str, str]:
    """Every generated file by its path relative to the repository's root."""
    from ws.cli import cli
    out = {clidoc.PAGE: clidoc.page(cli)}
    for spec in FILES:
        out[spec.page_path] = fieldsdoc.page(spec)
        out[spec.schema_path] = schemas.file_schema(spec)
    return out


def stale(root: Path) -> list[str]:
    """The generated files missing under `root` or different from what the code makes now."""
    return [rel for rel, text in generated().items()
            if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != text]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    rest = [a for a in argv if a != "--check"]
    root = Path(rest[0]) if rest else Path(__file__).resolve().parents[5]
    if check:
        drifted = stale(root)
        for rel in drifted:
            print(f"{rel} is out of date: run {COMMAND}", file=sys.stderr)
        return 1 if drifted else 0
    for rel, text in generated().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
