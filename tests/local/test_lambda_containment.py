"""A function cannot harm the endpoint: signals to its parent, memory beyond its MemorySize and
processes it forks stay within its worker."""
from __future__ import annotations

import os
import random
import textwrap
import time
from pathlib import Path

import pytest

from lambda_helpers import Functions

KILL_PARENT = "import os, signal\ndef handler(e, c):\n    os.kill(os.getppid(), signal.SIGKILL)\n"
KILL_PARENT_JS = "exports.handler = async () => { process.kill(process.ppid, 'SIGKILL'); };"
ALLOCATE = "def handler(e, c):\n    return len(bytearray(e['mb'] * 1024 * 1024))\n"
ALLOCATE_JS = "exports.handler = async (e) => Buffer.alloc(e.mb * 1024 * 1024, 1).length;"


@pytest.fixture
def functions(aws) -> Functions:
    return Functions(aws)


@pytest.fixture
def server_log(local_endpoint) -> Path:
    """The session endpoint's server log (its state folder is on its command line)."""
    args = Path(f"/proc/{local_endpoint.pid}/cmdline").read_bytes().split(b"\0")
    state = Path(args[args.index(b"--state-dir") + 1].decode())
    return state / "local" / "server.log"


def _with_name(path: Path, name: str, deadline: float = 5) -> bool:
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if name in path.read_text(errors="replace"):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("runtime, files", [("python3.11", {"app.py": KILL_PARENT}),
                                            ("nodejs20.x", {"app.js": KILL_PARENT_JS})])
def test_killing_the_parent_leaves_the_endpoint_up(functions, server_log, runtime, files):
    name = f"parent-killer-{runtime[:4]}"
    functions.create(name, files, Runtime=runtime)
    answer, error = functions.invoke(name)
    assert error == "Unhandled" and answer["errorType"] == "Runtime.ExitError", answer
    functions.create("bystander", {"app.py": "def handler(e, c):\n    return 'up'\n"})
    assert functions.invoke("bystander") == ("up", None)
    assert _with_name(server_log, f"function {name} signalled"), "the server log names nobody"


@pytest.mark.parametrize("runtime, files", [("python3.11", {"app.py": ALLOCATE}),
                                            ("nodejs20.x", {"app.js": ALLOCATE_JS})])
def test_memory_beyond_the_memory_size_fails_the_invoke(functions, runtime, files):
    name = functions.create(f"greedy-{runtime[:4]}", files, Runtime=runtime, MemorySize=128)
    answer, error = functions.invoke(name, {"mb": 512})
    assert error == "Unhandled" and answer["errorType"] == "Runtime.OutOfMemory", answer
    assert "Runtime exited with error" in answer["errorMessage"]
    assert functions.invoke(name, {"mb": 16}) == (16 * 1024 * 1024, None)


def test_a_node_heap_beyond_the_memory_size_fails_the_invoke(functions):
    app = "exports.handler = async (e) => { const all = [];" \
          " while (e.grow) all.push(new Array(1e6).fill(1.5)); return 'fine'; };"
    name = functions.create("heap-node", {"app.js": app}, Runtime="nodejs20.x", MemorySize=128)
    answer, error = functions.invoke(name, {"grow": True})
    assert error == "Unhandled" and answer["errorType"] == "Runtime.OutOfMemory", answer
    assert functions.invoke(name) == ("fine", None)


def _running(marker: str) -> bool:
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                return True
        except OSError:
            pass
    return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_processes_a_handler_starts_end_with_its_worker(functions):
    seconds = f"{random.randint(1000, 9999)}.{os.getpid()}"
    app = textwrap.dedent(f"""
        import subprocess, time
        def handler(e, c):
            subprocess.Popen(["sleep", "{seconds}"])
            subprocess.Popen(["sleep", "{seconds}1"], start_new_session=True)
            time.sleep(e.get("wait", 0))
    """)
    name = functions.create("forker", {"app.py": app}, Timeout=1)
    assert functions.invoke(name) == (None, None)
    assert _running(f"sleep\0{seconds}\0") and _running(f"sleep\0{seconds}1\0")
    answer, error = functions.invoke(name, {"wait": 5})  # times out: the worker is killed
    assert answer["errorType"] == "Sandbox.Timedout"
    time.sleep(0.2)
    assert not _running(f"sleep\0{seconds}\0") and not _running(f"sleep\0{seconds}1\0")
