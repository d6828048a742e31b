"""Node.js: production dependencies with npm, and esbuild bundles as `sam build` makes them."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from ws.package.builds.run import BuildError, Runner, checked

ESBUILD_VERSION = "0.28.2"  # the esbuild fetched when the project has none of its own
LOCKS = ("package-lock.json", "npm-shrinkwrap.json")
_CPU = {"x86_64": "x64", "arm64": "arm64"}
_SAM_ONLY = {"EntryPoints", "UseNpmCi"}  # BuildProperties that are not esbuild options


def manifest_files(folder: Path) -> list[Path]:
    """package.json and its lock file, what the dependencies are made from."""
    return [p for p in (folder / "package.json", *(folder / n for n in LOCKS)) if p.is_file()]


def local_packages(folder: Path) -> list[Path]:
    """Folders that package.json's `file:` dependencies name (their content is in the key)."""
    deps = _manifest(folder).get("dependencies") or {}
    return [(folder / spec[5:]).resolve() for spec in deps.values()
            if isinstance(spec, str) and spec.startswith("file:")]


def has_dependencies(folder: Path) -> bool:
    return bool((folder / "package.json").is_file() and _manifest(folder).get("dependencies"))


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "package.json").read_text())
    except (OSError, ValueError) as exc:
        raise BuildError(f"{folder / 'package.json'} cannot be read: {exc}") from None
    return data if isinstance(data, dict) else {}


def npm_arguments(has_lock: bool, architecture: str) -> list[str]:
    """`npm ci` when a lock file pins the tree, else `npm install`; production only."""
    return ["npm", "ci" if has_lock else "install", "--omit=dev", "--no-audit", "--no-fund",
            "--os=linux", f"--cpu={_CPU.get(architecture, 'x64')}"]


def install(folder: Path, scratch: Path, architecture: str, runner: Runner) -> Path | None:
    """The production node_modules of `folder`'s package.json, made in `scratch` (None: no
    dependencies). `file:` paths are made absolute, since npm runs elsewhere."""
    manifest = _manifest(folder)
    deps = manifest.get("dependencies") or {}
    if not deps:
        return None
    local = {k: f"file:{(folder / v[5:]).resolve()}" for k, v in deps.items()
             if isinstance(v, str) and v.startswith("file:")}
    lock = next((folder / n for n in LOCKS if (folder / n).is_file()), None)
    locked = bool(lock and not local)  # a lock with relative file: paths would not match
    copy = {**manifest, "dependencies": {**deps, **local}}
    if not locked:
        copy.pop("devDependencies", None)  # never installed: not even resolved
    (scratch / "package.json").write_text(json.dumps(copy, indent=1))
    if lock and locked:
        shutil.copyfile(lock, scratch / lock.name)
    checked(npm_arguments(locked, architecture), runner, scratch,
            f"npm install of {folder / 'package.json'}")
    return scratch / "node_modules"


def esbuild_arguments(folder: Path, properties: dict[str, Any], out: Path) -> list[str]:
    """esbuild's options from `Metadata.BuildProperties`, with sam's defaults (bundle for node,
    es2020, CommonJS, minified unless said otherwise)."""
    entries = properties.get("EntryPoints")
    if not isinstance(entries, list) or not entries:
        raise BuildError("BuildProperties.EntryPoints must list the files to bundle",
                         "e.g. EntryPoints: [app.ts]")
    args = [_entry(folder, str(e)) for e in entries]
    args += ["--bundle", "--platform=node", f"--outdir={out}"]
    given = {_kebab(k) for k in properties}
    args += [d for k, d in (("target", "--target=es2020"), ("format", "--format=cjs"),
                            ("minify", "--minify")) if k not in given]
    for key, value in properties.items():
        if key not in _SAM_ONLY:
            args += _option(_kebab(key), value)
    return args


def _option(name: str, value: Any) -> list[str]:
    if isinstance(value, bool):
        return [f"--{name}"] if value else []
    if isinstance(value, list):
        return [f"--{name}:{item}" for item in value]
    return [f"--{name}={value}"]


def _kebab(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", key).replace("_", "-").lower()


def _entry(folder: Path, entry: str) -> str:
    candidates = [entry] if Path(entry).suffix else [entry + ".ts", entry + ".js"]
    for candidate in candidates:
        if (folder / candidate).is_file():
            return candidate
    raise BuildError(f"entry point {entry} does not exist in {folder}")


def esbuild_command(folder: Path, root: Path, tools: Path, runner: Runner) -> str:
    """The project's own esbuild (node_modules/.bin between the folder and the root), else a
    pinned one installed once under `tools`."""
    for parent in (folder, *folder.parents):
        found = parent / "node_modules" / ".bin" / "esbuild"
        if found.exists():
            return str(found)
        if parent == root:
            break
    pinned = tools / f"esbuild-{ESBUILD_VERSION}"
    binary = pinned / "node_modules" / ".bin" / "esbuild"
    if not binary.exists():
        pinned.mkdir(parents=True, exist_ok=True)
        checked(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
                 str(pinned), f"esbuild@{ESBUILD_VERSION}"], runner, pinned, "installing esbuild")
    return str(binary)
