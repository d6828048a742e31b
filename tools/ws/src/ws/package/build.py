"""Build code folders per runtime and architecture (the builders are in package/builds/), cached
by content under .ws/build: dependencies once per (manifest, local paths, runtime,
architecture), shared by every function that has them; a code edit re-packages only the code.
A failed build is remembered by the same inputs and its toolchain, and not run again."""
from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from ws.local.lambdas.spec import language
from ws.package.builds import makefile, node, python, samcli, toolchains
from ws.package.builds.cache import BuildCache, Make, digest
from ws.package.builds.failures import NOT_RETRIED, Failures, RememberedFailure
from ws.package.builds.hashes import FileHashes
from ws.package.builds.recipes import ESBUILD, MAKEFILE, NODE, PYTHON, SAM, Recipe, recipe
from ws.package.builds.requirements import Requirements, read_requirements
from ws.package.builds.run import BuildError, Runner, checked
from ws.package.builds.standin import placeholder_zip
from ws.package.builds.toolchains import Tool, Which
from ws.package.builds.toolidentity import toolchain
from ws.package.builds.zips import EMPTY_ZIP, with_code, zip_tree
from ws.package.code import CodeFolder

_NONE: Make = lambda out, scratch: None  # noqa: E731


class Builder:
    """The `build` hook of `package`: a code folder -> the zip to upload (or the folder to zip
    when it needs no build). `build_all` builds many in parallel, bounded by the cores.

    `local`: for the local endpoint; with `placeholders`, a function whose build tool is not on
    PATH (or, for a runtime the endpoint cannot run, whose build failed) gets placeholder code
    that says why when invoked (`stood_in` keeps the reasons, for the deploy's note).

    A build that failed is not run again with the same inputs and toolchain: its failure is
    raised again, said as such (`retry_failed`: run it)."""

    def __init__(self, cache_dir: Path, root: Path | None = None,
                 runner: Runner = subprocess.run, jobs: int | None = None,
                 local: bool = False, placeholders: bool = True,
                 which: Which = shutil.which, retry_failed: bool = False) -> None:
        self.cache, self.root, self.runner = BuildCache(cache_dir), root or cache_dir, runner
        self.hashes = FileHashes(cache_dir / "hashes.json")
        self.failures = Failures(cache_dir / "failures", retry_failed)
        self.jobs = jobs or os.cpu_count() or 1
        self.local, self.stand_in, self.which = local, local and placeholders, which
        self.stood_in: dict[CodeFolder, str] = {}
        self._placeholders: dict[CodeFolder, bytes] = {}  # asked again when packaging

    def __call__(self, folder: CodeFolder) -> Path | bytes:
        plan = recipe(folder)
        if plan.kind is None:
            return folder.path
        if folder in self._placeholders:  # this run's: not built (and failed) a second time
            return self._placeholders[folder]
        tool = toolchains.missing(folder, plan, self.which)
        if tool is not None:
            if self.stand_in:
                return self._placeholder(folder, f"{tool.program} not found on PATH")
            raise self._missing(folder, tool)
        try:
            if plan.kind in (PYTHON, NODE):
                return self._with_deps(folder, plan)
            return self._built(folder, plan)
        except BuildError as exc:
            again = f"; {NOT_RETRIED}" if isinstance(exc, RememberedFailure) else ""
            if self.stand_in and plan.kind in (SAM, MAKEFILE) and \
                    language(folder.runtime or "") is None:
                return self._placeholder(folder, f"its build failed ({_last_line(exc)})", again)
            raise BuildError(f"{folder.logical_id}: {exc.message}{again}", exc.hint) from None

    def _placeholder(self, folder: CodeFolder, reason: str, remark: str = "") -> bytes:
        """The placeholder's zip says `reason` (the same bytes each time); the note adds
        `remark`."""
        self.stood_in[folder] = reason + remark
        made = placeholder_zip(folder.runtime or folder.build_method or "", reason)
        self._placeholders[folder] = made
        return made

    def _missing(self, folder: CodeFolder, tool: Tool) -> BuildError:
        what = folder.runtime or folder.build_method
        hint = " (or let the local endpoint deploy a placeholder: remove `placeholders: " \
               "error`)" if self.local else ""
        return BuildError(f"{folder.logical_id}: building {what} needs {tool.program}, which "
                          f"is not on PATH: install {tool.install}{hint}")

    def build_all(self, stacks: dict[str, list[CodeFolder]]) -> dict[str, BuildError]:
        """Build every stack's folders, several at once; each failed stack's first error."""
        failed: dict[str, BuildError] = {}
        with ThreadPoolExecutor(self.jobs) as pool:
            futures = [(name, pool.submit(self, f)) for name, fs in stacks.items() for f in fs]
            for name, future in futures:
                error = future.exception()
                if isinstance(error, BuildError):
                    failed.setdefault(name, error)
                elif error is not None:
                    raise error
        self.hashes.save()
        return failed

    def _with_deps(self, folder: CodeFolder, plan: Recipe) -> bytes:
        """The cached dependencies' zip with the folder's code appended."""
        skip = frozenset({"node_modules"}) if plan.kind == NODE else frozenset()
        key, make = self._deps(folder, plan)
        code = self.hashes.tree(folder.path, skip)
        return self._zip(folder, plan, digest([key, plan, code]), lambda: with_code(
            self.cache.deps_zip(key, plan.deps_prefix, make) if key else EMPTY_ZIP,
            folder.path, plan.code_prefix, skip))

    def _zip(self, folder: CodeFolder, plan: Recipe, key: str,
             make: Callable[[], bytes]) -> bytes:
        """The zip cached under `key`, else made unless it failed before with the same inputs
        and toolchain (that failure is raised again)."""
        def unless_failed() -> bytes:
            failed = digest(["failed", key, toolchain(folder, plan, self.which)])
            return self.failures.run(failed, make)
        return self.cache.zip(key, unless_failed)

    def _deps(self, folder: CodeFolder, plan: Recipe) -> tuple[str | None, Make]:
        """The dependencies' cache key (None: there are none) and how to make them."""
        runtime, arch = plan.runtime or "", folder.architecture
        if plan.kind != PYTHON:
            return self._node_deps(folder.path, runtime, arch)
        reqs = _requirements(folder)
        if reqs is None:
            return None, _NONE
        # locally, functions run on this Python and machine (their compiled wheels must be
        # theirs), and the runtime's boto3 (ws's own) is matched to the function's botocore
        if self.local:
            runtime, arch = python.this_python(), python.this_architecture()
        parts = ["python", runtime, arch, reqs.lines, self._local(reqs)]
        return (digest([*parts, "runtime-boto3", "here"] if self.local else parts),
                lambda out, scratch: python.install(reqs, out, scratch, runtime, arch,
                                                    self.runner, self.local))

    def _node_deps(self, path: Path, runtime: str, arch: str) -> tuple[str | None, Make]:
        if not node.has_dependencies(path):
            return None, _NONE
        parts = [(p.name, self.hashes.file(p)) for p in node.manifest_files(path)]
        local = [(str(p), self.hashes.tree(p)) for p in node.local_packages(path)]

        def make(out: Path, scratch: Path) -> None:
            modules = node.install(path, scratch, arch, self.runner)
            if modules is not None:
                os.replace(modules, out / "node_modules")
        return digest(["node", runtime, arch, parts, local]), make

    def _local(self, reqs: Requirements) -> list[tuple[str, str]]:
        constraints = [Path(line[3:]) for line in reqs.lines if line.startswith("-c ")]
        return [(str(p), self.hashes.tree(p)) for p in [*reqs.local, *constraints]]

    def _built(self, folder: CodeFolder, plan: Recipe) -> bytes:
        """esbuild, make or sam: the folder's output zipped, cached by the folder's content."""
        deps, make = (self._node_deps(folder.path, plan.runtime or "", folder.architecture)
                      if plan.kind == ESBUILD else (None, _NONE))
        key = digest([plan, folder.logical_id, folder.architecture, folder.metadata, deps,
                      self.hashes.tree(folder.path, frozenset({"node_modules"}))])
        return self._zip(folder, plan, key, lambda: self._output(folder, plan, deps, make))

    def _output(self, folder: CodeFolder, plan: Recipe, deps: str | None, make: Make) -> bytes:
        with self.cache.scratch() as scratch:
            out = Path(scratch, "out")
            out.mkdir()
            if plan.kind == ESBUILD:
                modules = self.cache.deps_tree(deps, make) / "node_modules" if deps else None
                self._esbuild(folder, out, modules)
            elif plan.kind == MAKEFILE:
                makefile.build(folder, out, self.runner)
            else:
                out = samcli.build(folder, Path(scratch), self.runner)
            return zip_tree(out)

    def _esbuild(self, folder: CodeFolder, out: Path, modules: Path | None) -> None:
        with self.cache.lock("esbuild-tool"):
            command = node.esbuild_command(folder.path, self.root, self.cache.root / "tools",
                                           self.runner)
        props = folder.metadata.get("BuildProperties") or {}
        env = {"NODE_PATH": str(modules)} if modules else None
        checked([command, *node.esbuild_arguments(folder.path, props, out)], self.runner,
                folder.path, "esbuild", env)


def _last_line(exc: BuildError) -> str:
    """The build's last words, for the placeholder's reason."""
    return exc.message.split(" / ")[-1].strip().removeprefix("Error: ")


def _requirements(folder: CodeFolder) -> Requirements | None:
    path = folder.path / "requirements.txt"
    reqs = read_requirements(path, also=folder.stack_dir) if path.is_file() else None
    return reqs if reqs and reqs.lines else None
