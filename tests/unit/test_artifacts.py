"""Packaging code folders: deterministic, content-addressed zips and template rewriting."""
from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from ws.errors import ConfigError
from ws.package.build import Builder
from ws.package.code import code_folders, package, zip_folder
from ws.testing.workspaces import write_tree

BODY = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Globals": {"Function": {"CodeUri": "src/shared/", "Runtime": "python3.11"}},
    "Resources": {
        "One": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "h.h"}},
        "Two": {"Type": "AWS::Serverless::Function",
                "Properties": {"Handler": "h.h", "CodeUri": "src/two"}},
        "Inline": {"Type": "AWS::Serverless::Function",
                   "Properties": {"Handler": "h.h", "InlineCode": "x"}},
        "Queue": {"Type": "AWS::SQS::Queue"},
    },
}


@pytest.fixture
def stack_dir(tmp_path):
    return write_tree(tmp_path, {"src/shared/h.py": "def h(e, c): return 1\n",
                                 "src/two/h.py": "def h(e, c): return 2\n",
                                 "src/two/__pycache__/h.cpython-311.pyc": b"junk"})


def test_code_folders_apply_globals_and_skip_inline(stack_dir):
    found = {f.logical_id: f for f in code_folders(BODY, stack_dir, "t.yaml")}
    assert sorted(found) == ["One", "Two"]
    assert found["One"].path == stack_dir / "src/shared" and found["One"].runtime == "python3.11"


def test_zip_is_deterministic_and_skips_caches(stack_dir):
    first = zip_folder(stack_dir / "src/two")
    (stack_dir / "src/two/h.py").touch()  # a new mtime changes nothing
    assert zip_folder(stack_dir / "src/two") == first
    assert zipfile.ZipFile(io.BytesIO(first)).namelist() == ["h.py"]


def test_package_uploads_by_content_and_rewrites(stack_dir):
    uploads = {}
    folders = code_folders(BODY, stack_dir, "t.yaml")
    body = package(BODY, folders, "bucket", uploads.__setitem__)
    one = body["Resources"]["One"]["Properties"]["CodeUri"]
    two = body["Resources"]["Two"]["Properties"]["CodeUri"]
    assert one["Bucket"] == "bucket" and one["Key"] != two["Key"]
    assert set(uploads) == {one["Key"], two["Key"]}
    assert "CodeUri" not in body["Globals"]["Function"]
    assert BODY["Resources"]["Two"]["Properties"]["CodeUri"] == "src/two"  # input untouched
    (stack_dir / "src/two/h.py").write_text("def h(e, c): return 3\n")
    again = package(BODY, code_folders(BODY, stack_dir, "t.yaml"), "bucket", uploads.__setitem__)
    assert again["Resources"]["Two"]["Properties"]["CodeUri"]["Key"] != two["Key"]
    assert again["Resources"]["One"]["Properties"]["CodeUri"] == one


def test_missing_or_escaping_code_folder(stack_dir):
    body = {"Resources": {"F": {"Type": "AWS::Serverless::Function",
                                "Properties": {"CodeUri": "src/nope"}}}}
    with pytest.raises(ConfigError, match="F: code folder 'src/nope' does not exist"):
        code_folders(body, stack_dir, "t.yaml")
    body["Resources"]["F"]["Properties"]["CodeUri"] = "../.."
    with pytest.raises(ConfigError, match="outside the stack folder"):
        code_folders(body, stack_dir, "t.yaml")


def test_a_code_folder_named_in_another_case_is_pointed_at(stack_dir):
    """A template written on a case-insensitive disk: sam build on Linux fails the same way."""
    (stack_dir / "src/SQSEventHandler").mkdir(parents=True)
    body = {"Resources": {"F": {"Type": "AWS::Serverless::Function",
                                "Properties": {"CodeUri": "./src/SqsEventHandler/"}}}}
    with pytest.raises(ConfigError) as info:
        code_folders(body, stack_dir, "t.yaml")
    assert "'./src/SqsEventHandler/' does not exist" in info.value.message
    assert info.value.hint == ("the folder is src/SQSEventHandler: names are case-sensitive here "
                               "(and on Lambda); write it as it is on disk")


def test_build_only_with_requirements_and_cached(stack_dir, tmp_path):
    calls = []

    def fake_pip(cmd, **kwargs):
        calls.append(cmd)
        write_tree(Path(cmd[cmd.index("--target") + 1]), {"dep/__init__.py": ""})
        return subprocess.CompletedProcess(cmd, 0, "", "")

    folder = code_folders(BODY, stack_dir, "t.yaml")[1]
    builder = Builder(tmp_path / "cache", runner=fake_pip)
    assert builder(folder) == folder.path  # no requirements: zipped as it is
    (folder.path / "requirements.txt").write_text("# only a comment\n")
    assert builder(folder) == folder.path
    (folder.path / "requirements.txt").write_text("dep==1.0\n")
    built = builder(folder)
    names = zipfile.ZipFile(io.BytesIO(built)).namelist()
    assert names == ["dep/__init__.py", "h.py", "requirements.txt"] and len(calls) == 1
    assert builder(folder) == built and len(calls) == 1  # cached by content
    (folder.path / "h.py").write_text("def h(e, c): return 4\n")
    assert builder(folder) != built and len(calls) == 1  # a code edit: the deps are kept


def test_a_function_without_code_uri_is_its_template_folder_as_sam_does(tmp_path):
    """sam build and sam package take the template's folder; ws refused the template
    ("Only one of 'InlineCode' or 'CodeUri' can be set")."""
    from ws.package.code import code_folders
    body = {"Globals": {"Function": {"Runtime": "python3.12"}}, "Resources": {
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "src/app.handler"}},
        "Inline": {"Type": "AWS::Serverless::Function", "Properties": {
            "Handler": "index.handler", "InlineCode": "x"}},
        "Image": {"Type": "AWS::Serverless::Function", "Properties": {"PackageType": "Image",
                                                                       "ImageUri": "repo:1"}}}}
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(e, c):\n    return 1\n")
    [found] = code_folders(body, tmp_path, "template.yaml")
    assert (found.logical_id, found.path, found.runtime) == ("Fn", tmp_path, "python3.12")
