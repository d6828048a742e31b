"""`BuildMethod: makefile`: `make build-<LogicalId>` with ARTIFACTS_DIR, as `sam build` runs it."""
from __future__ import annotations

from pathlib import Path

from ws.package.builds.run import BuildError, Runner, checked
from ws.package.code import CodeFolder


def make_arguments(folder: CodeFolder) -> list[str]:
    return ["make", "--makefile", str(folder.path / "Makefile"), f"build-{folder.logical_id}"]


def build(folder: CodeFolder, out: Path, runner: Runner) -> None:
    """Run the folder's Makefile target; what it puts in `out` is the package."""
    if not (folder.path / "Makefile").is_file():
        raise BuildError(f"{folder.logical_id}: BuildMethod makefile needs a Makefile in "
                         f"{folder.path}", f"add a build-{folder.logical_id} target there")
    checked(make_arguments(folder), runner, folder.path, f"make build-{folder.logical_id}",
            env={"ARTIFACTS_DIR": str(out)})
