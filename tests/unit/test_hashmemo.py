"""HashMemo: a file whose status has not moved is not read again; a changed one is."""
from __future__ import annotations

import hashlib
import os
import time

from ws.tasks.hashmemo import HashMemo


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is(tmp_path):
    path = tmp_path / "f"
    path.write_text("aaaa")
    memo = HashMemo(tmp_path / "memo", clock=lambda: time.time() + 10)
    assert memo.sha(path) == sha("aaaa")
    memo.save()
    status = path.stat()
    path.write_text("bbbb")  # same size; its mtime put back: as if untouched
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    again = HashMemo(tmp_path / "memo", clock=lambda: time.time() + 10)
    assert again.sha(path) == sha("aaaa")  # remembered, not read
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1))
    assert again.sha(path) == sha("bbbb")


def test_a_file_changed_just_now_is_not_remembered(tmp_path):
    path = tmp_path / "f"
    path.write_text("aaaa")
    memo = HashMemo(tmp_path / "memo")
    memo.sha(path)
    memo.save()
    assert not (tmp_path / "memo").exists()


def test_a_damaged_memo_is_empty(tmp_path):
    (tmp_path / "memo").write_text("{not json")
    path = tmp_path / "f"
    path.write_text("aaaa")
    assert HashMemo(tmp_path / "memo").sha(path) == sha("aaaa")
