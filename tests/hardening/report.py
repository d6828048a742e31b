"""Print the hardening figures: bad inputs tried / clear errors / tracebacks / crashes, faults
injected / converged, and stacks left unrecoverable. Run: .venv/bin/python tests/hardening/report.py

Each bad input runs in a forked process: a crash (a segfault in a parser, say) is counted as
one and the report goes on."""
from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import boto3  # noqa: E402
import faults  # noqa: E402
from corpus import CASES, check  # noqa: E402
from ws.cloud.backend import LOCAL_ENDPOINT_VAR  # noqa: E402
from ws.local import endpoint as lifecycle  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        info = lifecycle.start(work / "endpoint")
        try:
            os.environ[LOCAL_ENDPOINT_VAR] = info.url
            failures, tracebacks, crashes = [], 0, 0
            for n, case in enumerate(CASES):
                lifecycle.reset(info.url)
                problems = checked_apart(case, work / f"case{n}", info.url)
                tracebacks += any("traceback" in p for p in problems)
                crashes += any(p.startswith("crashed") for p in problems)
                if problems:
                    failures.append(f"  {case.name}: {'; '.join(problems)}")
            print(f"bad inputs: {len(CASES)} tried, {len(CASES) - len(failures)} clear errors "
                  f"(exit 2, file named, nothing deployed), {tracebacks} tracebacks, "
                  f"{crashes} crashes")
            print("\n".join(failures) + "\n" if failures else "", end="")
            outcomes = []
            for n, fault in enumerate((faults.deploy_killed, faults.throttled,
                                       faults.credentials_expire, faults.cache_corrupted,
                                       faults.lock_broken, faults.stdout_closed,
                                       faults.resource_fails_in_endpoint)):
                lifecycle.reset(info.url)
                outcomes.append(fault(work / f"fault{n}", info.url))
            interrupts = []
            for n, kind in enumerate(faults.INTERRUPTS):
                lifecycle.reset(info.url)
                interrupts.append(faults.interrupted(work / f"interrupt{n}", info.url, kind))
            del os.environ[LOCAL_ENDPOINT_VAR]
            outcomes.append(faults.endpoint_dies(work / "fault-endpoint"))
        finally:
            lifecycle.stop(work / "endpoint")
    good = [o for o in outcomes if o.converged]
    print(f"faults: {len(outcomes)} kinds, {sum(o.injected for o in outcomes)} faults injected, "
          f"{len(good)} of {len(outcomes)} converged on the next ws deploy")
    for outcome in outcomes:
        print(f"  {'ok ' if outcome.converged else 'BAD'} {outcome.name}: {outcome.detail}")
    clean = [i for i in interrupts if i.converged]
    print(f"interrupts: {len(interrupts)} tried, {len(clean)} ended as they should "
          "(exit 130 and a report; Ctrl-C twice and SIGTERM at once) and converged")
    for outcome in interrupts:
        print(f"  {'ok ' if outcome.converged else 'BAD'} {outcome.name}: "
              f"{outcome.detail.splitlines()[0]}")
    print(f"stacks left unrecoverable: {len(outcomes) - len(good) + len(interrupts) - len(clean)}")
    return 0 if not failures and len(good) == len(outcomes) and len(clean) == len(interrupts) \
        else 1


def checked_apart(case, root: Path, url: str) -> list[str]:
    """check(case) in a forked process; a process that dies (a signal) is a crash."""
    reader, writer = multiprocessing.Pipe(duplex=False)

    def run() -> None:
        cfn = boto3.client("cloudformation", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        writer.send(check(case, root, cfn))

    child = multiprocessing.get_context("fork").Process(target=run)
    child.start()
    child.join()
    if child.exitcode != 0:
        return [f"crashed (exit {child.exitcode})"]
    return reader.recv()


if __name__ == "__main__":
    sys.exit(main())
