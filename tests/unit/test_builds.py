"""Builds per runtime and architecture: requirements read from their own folder, pip and npm
arguments, layer layouts, cache keys and the package zip made of cached dependencies + code."""
from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from ws.errors import ConfigError
from ws.package.build import Builder
from ws.package.builds import node, python
from ws.package.builds.hashes import FileHashes
from ws.package.builds.recipes import recipe
from ws.package.builds.requirements import read_requirements
from ws.package.builds.run import BuildError
from ws.package.code import CodeFolder, code_folders, package
from ws.testing.workspaces import write_tree


def names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


class FakePip:
    """Records the commands; `pip install --target T` puts one module per requirement in T."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, cmd, **kwargs):
        self.calls.append(cmd)
        if "wheel" in cmd:
            write_tree(Path(cmd[cmd.index("--wheel-dir") + 1]), {"lib-1-py3-none-any.whl": ""})
        if "install" in cmd:
            target = Path(cmd[cmd.index("--target") + 1])
            reqs = Path(cmd[cmd.index("-r") + 1]).read_text().split()
            write_tree(target, {f"{Path(r).name.split('==')[0]}/__init__.py": r for r in reqs})
        return subprocess.CompletedProcess(cmd, 0, "", "")


def test_relative_paths_resolve_from_each_requirements_file(tmp_path):
    write_tree(tmp_path, {
        "shared/src/lib/setup.py": "", "lib2/pyproject.toml": "", "wheels/x.txt": "",
        "common.txt": "requests==2.32.3  # pinned\n./lib2[extra] ; python_version >= '3.9'\n",
        "fn/requirements.txt": "-r ../common.txt\n../shared/src/lib/\n-e ../lib2\n"
                               "--find-links ../wheels\n--pre\nsix \\\n  >=1.16\n"})
    reqs = read_requirements(tmp_path / "fn/requirements.txt")
    assert reqs.lines == [
        "requests==2.32.3", f"{tmp_path}/lib2[extra]; python_version >= '3.9'",
        f"{tmp_path}/shared/src/lib", f"-e {tmp_path}/lib2", f"--find-links {tmp_path}/wheels",
        "--pre", "six >=1.16"]
    assert reqs.local == [tmp_path / "lib2", tmp_path / "shared/src/lib", tmp_path / "lib2",
                          tmp_path / "wheels"]
    assert reqs.files == [tmp_path / "fn/requirements.txt", tmp_path / "common.txt"]


def test_missing_relative_path_names_the_file_and_line(tmp_path):
    write_tree(tmp_path, {"fn/requirements.txt": "six\n../nope/\n"})
    with pytest.raises(ConfigError, match=r"requirements.txt:2: '../nope/' does not exist"):
        read_requirements(tmp_path / "fn/requirements.txt")


def test_path_missing_beside_the_file_resolves_from_the_stack_folder(tmp_path):
    # a service whose own build runs pip in its folder: ../shared is the service's sibling
    write_tree(tmp_path, {
        "shared/src/ecom/setup.py": "", "pricing-svc/template.yaml": "",
        "pricing-svc/src/pricing/main.py": "",
        "pricing-svc/src/pricing/requirements.txt": "boto3\n../shared/src/ecom/\n"})
    body = {"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {
        "CodeUri": "src/pricing/", "Runtime": "python3.12", "Handler": "main.handler"}}}}
    (fn,) = code_folders(body, tmp_path / "pricing-svc", "t.yaml", root=tmp_path)
    pip = FakePip()
    Builder(tmp_path / "cache", runner=pip)(fn)
    assert any(str(tmp_path / "shared/src/ecom") in cmd for cmd in pip.calls)


def test_path_missing_from_both_places_names_both(tmp_path):
    write_tree(tmp_path, {"svc/src/fn/requirements.txt": "../nope/\n"})
    with pytest.raises(ConfigError, match=r"'../nope/' does not exist \(read from .*/svc/src/fn "
                                          r"nor from .*/svc\)"):
        read_requirements(tmp_path / "svc/src/fn/requirements.txt", also=tmp_path / "svc")


@pytest.mark.parametrize("runtime, arch, version, first, last", [
    ("python3.9", "x86_64", "3.9", "manylinux1_x86_64", "manylinux_2_17_x86_64"),
    ("python3.12", "arm64", "3.12", "manylinux2014_aarch64", "manylinux_2_34_aarch64"),
    ("python3.14", "x86_64", "3.14", "manylinux1_x86_64", "manylinux_2_34_x86_64"),
])
def test_pip_installs_wheels_for_the_runtime_and_architecture(runtime, arch, version, first,
                                                              last):
    args = python.pip_arguments(Path("r.txt"), Path("out"), runtime, arch)
    tags = [args[i + 1] for i, a in enumerate(args) if a == "--platform"]
    assert tags[0] == first and tags[-1] == last
    assert args[args.index("--python-version") + 1] == version
    assert {"--only-binary=:all:", "--no-compile"} <= set(args)
    assert args[args.index("--implementation") + 1] == "cp"
    assert args[-2:] == ["-r", "r.txt"] and args[args.index("--target") + 1] == "out"


def test_a_package_without_a_wheel_is_named():
    error = python._pip_failure("ERROR: Could not find a version that satisfies the requirement "
                                "pyyaml==5.3.1 (from versions: none)\nERROR: No matching "
                                "distribution found for pyyaml==5.3.1\n", "python3.12", "arm64")
    assert error.message.startswith("no wheel of pyyaml==5.3.1 for python3.12 on arm64")


def folder(path, runtime="python3.12", arch="x86_64", method=None, layer=False, meta=None):
    return CodeFolder("Fn", "ContentUri" if layer else "CodeUri", path, runtime, arch, method,
                      layer, meta or {})


def test_recipes_lay_out_layers_as_sam_does(tmp_path):
    write_tree(tmp_path, {"py/requirements.txt": "six\n", "js/package.json": "{}",
                          "plain/a.py": ""})
    assert recipe(folder(tmp_path / "py")).kind == "python"
    assert recipe(folder(tmp_path / "plain")).kind is None  # no requirements: zipped as is
    layer = recipe(folder(tmp_path / "py", "python3.12", method="python3.12", layer=True))
    assert (layer.kind, layer.code_prefix, layer.deps_prefix) == ("python", "python/", "python/")
    js = recipe(folder(tmp_path / "js", "nodejs20.x", method="nodejs20.x", layer=True))
    assert (js.code_prefix, js.deps_prefix) == ("nodejs/", "nodejs/node_modules/")
    assert recipe(folder(tmp_path / "py", layer=True)).kind is None  # no BuildMethod
    assert recipe(folder(tmp_path / "js", "nodejs20.x")).deps_prefix == "node_modules/"
    assert recipe(folder(tmp_path / "plain", "java21")).kind == "sam"
    assert recipe(folder(tmp_path / "plain", "provided.al2023")).kind is None
    assert recipe(folder(tmp_path / "plain", method="makefile")).kind == "makefile"


def test_code_folders_read_architecture_and_layer_metadata(tmp_path):
    write_tree(tmp_path, {"fn/a.py": "", "layer/a.py": ""})
    body = {"Globals": {"Function": {"Architectures": ["arm64"], "Runtime": "python3.13"}},
            "Resources": {
                "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "fn"}},
                "Layer": {"Type": "AWS::Serverless::LayerVersion",
                          "Metadata": {"BuildMethod": "python3.12"},
                          "Properties": {"ContentUri": "layer",
                                         "CompatibleArchitectures": ["arm64"]}}}}
    fn, layer = code_folders(body, tmp_path, "t.yaml")
    assert (fn.runtime, fn.architecture, fn.layer) == ("python3.13", "arm64", False)
    assert (layer.runtime, layer.architecture, layer.layer) == ("python3.12", "arm64", True)


def test_dependencies_built_once_and_shared_code_edit_repackages_code_only(tmp_path):
    files = {"common.txt": "six==1.17.0\n"}
    for i in range(3):
        files[f"fn{i}/requirements.txt"] = "-r ../common.txt\n"
        files[f"fn{i}/app.py"] = f"N = {i}\n"
    write_tree(tmp_path, files)
    pip = FakePip()
    builder = Builder(tmp_path / "cache", runner=pip)
    folders = [folder(tmp_path / f"fn{i}") for i in range(3)]
    assert builder.build_all({"s": folders}) == {}
    assert len(pip.calls) == 1  # one build for the three functions
    zips = [builder(f) for f in folders]
    assert names(zips[0]) == ["six/__init__.py", "app.py", "requirements.txt"]
    (tmp_path / "fn0/app.py").write_text("N = 10\n")
    again = builder(folders[0])
    assert again != zips[0] and len(pip.calls) == 1 and builder(folders[1]) == zips[1]
    assert zipfile.ZipFile(io.BytesIO(again)).read("app.py") == b"N = 10\n"
    (tmp_path / "common.txt").write_text("six==1.16.0\n")  # an included file changed
    builder(folders[0])
    assert len(pip.calls) == 2


def test_other_runtime_or_architecture_is_another_build(tmp_path):
    write_tree(tmp_path, {"fn/requirements.txt": "six\n"})
    pip = FakePip()
    builder = Builder(tmp_path / "cache", runner=pip)
    builder.build_all({"s": [folder(tmp_path / "fn"), folder(tmp_path / "fn", arch="arm64"),
                             folder(tmp_path / "fn", "python3.9")]})
    assert len(pip.calls) == 3


def test_local_requirement_content_is_part_of_the_key(tmp_path):
    write_tree(tmp_path, {"lib/pyproject.toml": "", "lib/m.py": "A = 1\n",
                          "fn/requirements.txt": "../lib\n"})
    pip = FakePip()
    builder = Builder(tmp_path / "cache", runner=pip)
    builder(folder(tmp_path / "fn"))
    builds = len(pip.calls)
    (tmp_path / "lib/m.py").write_text("A = 2\n")
    builder(folder(tmp_path / "fn"))
    assert len(pip.calls) == 2 * builds  # wheel of the local project, then install


def test_python_layer_zip_layout(tmp_path):
    write_tree(tmp_path, {"layer/requirements.txt": "six\n", "layer/mylayer.py": ""})
    builder = Builder(tmp_path / "cache", runner=FakePip())
    data = builder(folder(tmp_path / "layer", "python3.12", method="python3.12", layer=True))
    assert names(data) == ["python/six/__init__.py", "python/mylayer.py",
                           "python/requirements.txt"]


def test_build_failure_names_the_function(tmp_path):
    write_tree(tmp_path, {"fn/requirements.txt": "nope==1\n"})

    def failing(cmd, **kwargs):
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution found "
                                                       "for nope==1\n")
    builder = Builder(tmp_path / "cache", runner=failing)
    failed = builder.build_all({"s": [folder(tmp_path / "fn")]})
    assert str(failed["s"]).startswith("Fn: no wheel of nope==1 for python3.12 on x86_64")


def test_zips_are_deterministic(tmp_path):
    write_tree(tmp_path, {"fn/requirements.txt": "six\n", "fn/app.py": "x = 1\n"})
    first = Builder(tmp_path / "a", runner=FakePip())(folder(tmp_path / "fn"))
    (tmp_path / "fn/app.py").touch()
    assert Builder(tmp_path / "b", runner=FakePip())(folder(tmp_path / "fn")) == first


def test_file_hashes_are_remembered_by_stat(tmp_path):
    write_tree(tmp_path, {"a.txt": "one"})
    hashes = FileHashes(tmp_path / "memo.json")
    hashes.file(tmp_path / "a.txt")
    hashes.save()
    assert not (tmp_path / "memo.json").exists()  # just written: not remembered yet
    os.utime(tmp_path / "a.txt", (1, 1))
    value = hashes.file(tmp_path / "a.txt")
    hashes.save()
    memo = json.loads((tmp_path / "memo.json").read_text())
    memo[str(tmp_path / "a.txt")][2] = "remembered"
    (tmp_path / "memo.json").write_text(json.dumps(memo))
    assert FileHashes(tmp_path / "memo.json").file(tmp_path / "a.txt") == "remembered"
    (tmp_path / "a.txt").write_text("two!")  # another size: read again
    assert FileHashes(tmp_path / "memo.json").file(tmp_path / "a.txt") not in (value,
                                                                                "remembered")


def test_npm_and_esbuild_arguments(tmp_path):
    assert node.npm_arguments(True, "arm64")[:3] == ["npm", "ci", "--omit=dev"]
    assert "--cpu=arm64" in node.npm_arguments(True, "arm64")
    assert node.npm_arguments(False, "x86_64")[1] == "install"
    write_tree(tmp_path, {"app.ts": ""})
    args = node.esbuild_arguments(tmp_path, {"EntryPoints": ["app"], "Minify": False,
                                             "Sourcemap": True, "External": ["aws-sdk"],
                                             "MainFields": "module,main"}, Path("/out"))
    assert args == ["app.ts", "--bundle", "--platform=node", "--outdir=/out",
                    "--target=es2020", "--format=cjs", "--sourcemap", "--external:aws-sdk",
                    "--main-fields=module,main"]
    with pytest.raises(BuildError, match="entry point nope does not exist"):
        node.esbuild_arguments(tmp_path, {"EntryPoints": ["nope"]}, Path("/out"))


def test_makefile_build_gets_artifacts_dir(tmp_path):
    write_tree(tmp_path, {"fn/app.py": "x = 1\n", "fn/Makefile":
                          "build-Fn:\n\tcp app.py $(ARTIFACTS_DIR)/\n"
                          "\techo made > $(ARTIFACTS_DIR)/made.txt\n"})
    data = Builder(tmp_path / "cache")(folder(tmp_path / "fn", method="makefile"))
    assert names(data) == ["app.py", "made.txt"]


def test_other_runtimes_go_through_sam_with_their_architecture(tmp_path):
    write_tree(tmp_path, {"fn/Main.java": ""})
    seen = []

    def sam(cmd, **kwargs):
        seen.append(json.loads(Path(cmd[cmd.index("--template-file") + 1]).read_text()))
        return subprocess.CompletedProcess(cmd, 1, "", "Build Failed\nError: Binary validation "
                                                       "failed for java, is it installed?\n")
    builder = Builder(tmp_path / "cache", runner=sam)
    failed = builder.build_all({"s": [folder(tmp_path / "fn", "java21", "arm64")]})
    props = seen[0]["Resources"]["Fn"]["Properties"]
    assert (props["Runtime"], props["Architectures"]) == ("java21", ["arm64"])
    assert "Binary validation failed for java" in str(failed["s"])
    assert failed["s"].hint == "install the java21 toolchain (sam build needs it)"


def test_nodejs_layer_and_function_layouts(tmp_path):
    manifest = json.dumps({"name": "x", "dependencies": {"ms": "2.1.3"}})
    write_tree(tmp_path, {"fn/package.json": manifest, "fn/app.js": "",
                          "fn/node_modules/stale/index.js": "", "layer/package.json": manifest,
                          "layer/util.js": ""})
    calls = []

    def npm(cmd, **kwargs):
        calls.append(cmd)
        write_tree(Path(kwargs["cwd"]), {"node_modules/ms/index.js": "module.exports = 1"})
        return subprocess.CompletedProcess(cmd, 0, "", "")
    builder = Builder(tmp_path / "cache", runner=npm)
    fn = builder(folder(tmp_path / "fn", "nodejs20.x"))
    assert names(fn) == ["node_modules/ms/index.js", "app.js", "package.json"]
    layer = builder(folder(tmp_path / "layer", "nodejs20.x", method="nodejs20.x", layer=True))
    assert names(layer) == ["nodejs/node_modules/ms/index.js", "nodejs/package.json",
                            "nodejs/util.js"]
    assert len(calls) == 1 and calls[0][:3] == ["npm", "install", "--omit=dev"]


def test_package_keys_built_zips_by_their_content(tmp_path):
    write_tree(tmp_path, {"fn/requirements.txt": "six\n", "fn/app.py": "x = 1\n"})
    body = {"Resources": {"Fn": {"Type": "AWS::Serverless::Function",
                                 "Properties": {"CodeUri": "fn", "Runtime": "python3.12"}}}}
    for _ in range(2):  # built, then read from the cache with the sha256 kept beside it
        uploads = {}
        builder = Builder(tmp_path / "cache", runner=FakePip())
        package(body, code_folders(body, tmp_path, "t.yaml"), "b", uploads.__setitem__, builder)
        (key, data), = uploads.items()
        assert key == f"code/{hashlib.sha256(data).hexdigest()}.zip"


def test_functions_that_run_here_get_dependencies_for_this_python(tmp_path):
    # the local endpoint runs python3.14 and arm64 functions on ws's own interpreter: a
    # compiled wheel for cp314/aarch64 would not import there (psycopg2, pydantic_core)
    import platform
    import sys
    write_tree(tmp_path, {"fn/requirements.txt": "psycopg2-binary\n", "fn/app.py": ""})
    here, aws = FakePip(), FakePip()
    Builder(tmp_path / "a", runner=here, local=True)(folder(tmp_path / "fn", "python3.14",
                                                                "arm64"))
    Builder(tmp_path / "b", runner=aws)(folder(tmp_path / "fn", "python3.14", "arm64"))
    (local,), (cloud,) = here.calls, aws.calls
    assert local[local.index("--python-version") + 1] == f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert local[local.index("--platform") + 1].endswith(platform.machine())
    assert cloud[cloud.index("--python-version") + 1] == "3.14"
    assert cloud[cloud.index("--platform") + 1].endswith("aarch64")
