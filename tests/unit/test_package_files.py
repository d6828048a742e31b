"""What a packaged folder may hold: regular files inside it (links among them are fine)."""
from __future__ import annotations

import io
import os
import zipfile

import pytest
from ws.errors import ConfigError
from ws.package.code import files_of, zip_folder
from ws.testing.workspaces import write_tree


@pytest.fixture
def fn(tmp_path):
    return write_tree(tmp_path / "src/f", {"app.py": "def h(e, c): return 1\n",
                                           "data/table.json": "{}"})


def test_link_out_of_the_folder_is_refused(fn, tmp_path):
    (tmp_path / "secret.txt").write_text("root:x:0:0")
    os.symlink(tmp_path / "secret.txt", fn / "passwd.txt")
    with pytest.raises(ConfigError, match=r"passwd.txt: links outside its folder") as err:
        zip_folder(fn)
    assert err.value.exit_code == 2 and "secret.txt" in str(err.value)


def test_link_to_etc_passwd_is_refused(fn):
    os.symlink("/etc/passwd", fn / "passwd.txt")
    with pytest.raises(ConfigError, match="passwd.txt: links outside its folder"):
        files_of(fn)


def test_broken_link_and_fifo_are_refused(fn, tmp_path):
    os.symlink(fn / "gone.py", fn / "dangling.py")
    with pytest.raises(ConfigError, match="dangling.py: is a broken link"):
        files_of(fn)
    os.remove(fn / "dangling.py")
    os.mkfifo(fn / "pipe")
    with pytest.raises(ConfigError, match="pipe: is not a regular file"):
        files_of(fn)


def test_links_inside_the_folder_are_packaged_as_their_content(fn):
    os.symlink("app.py", fn / "alias.py")
    os.symlink("data", fn / "more")
    names = zipfile.ZipFile(io.BytesIO(zip_folder(fn))).namelist()
    assert names == ["alias.py", "app.py", "data/table.json", "more/table.json"]


def test_a_link_loop_is_refused(fn):
    os.symlink("..", fn / "data/up")
    with pytest.raises(ConfigError, match="up: links to a folder that contains it"):
        files_of(fn)


def test_a_function_whose_code_is_a_single_source_file_gets_it_zipped_alone(fn):
    """As sam package does (a function's code is always a zip); a layer's is still refused."""
    import io
    import zipfile
    from ws.package.code import code_folders, package
    body = {"Resources": {"F": {"Type": "AWS::Lambda::Function",
                                "Properties": {"Code": "src/f/app.py"}}}}
    found = code_folders(body, fn.parent.parent, "t.yaml")
    uploads = {}
    out = package(body, found, "art", uploads.__setitem__)
    [(key, data)] = uploads.items()
    assert out["Resources"]["F"]["Properties"]["Code"] == {"S3Bucket": "art", "S3Key": key}
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["app.py"]
    layer = {"Resources": {"L": {"Type": "AWS::Lambda::LayerVersion",
                                 "Properties": {"Content": "src/f/app.py"}}}}
    with pytest.raises(ConfigError, match=r"L: code 'src/f/app.py' is a file, not a folder"):
        code_folders(layer, fn.parent.parent, "t.yaml")
