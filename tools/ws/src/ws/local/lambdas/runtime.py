"""Run deployed Python and Node.js functions in warm worker processes, answering as Lambda
answers.

Workers are pooled per FunctionSpec (a function version's code and configuration): an idle
worker of the same spec is reused; a new spec for the same function retires the old spec's
workers. A worker that times out is killed, so the next invocation starts a fresh one.
"""
from __future__ import annotations

import base64
import json
import logging
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ws.errors import EndpointError
from ws.local.lambdas import importhint, layers, logsink, publiclayerbuild
from ws.local.lambdas.endings import WorkerDied, ending
from ws.local.lambdas.launch import CannotRun, Launcher
from ws.local.lambdas.process import WorkerProcess
from ws.local.lambdas.spec import FunctionSpec, code_dir, spec_of
from ws.package.builds.standin import invoke_error

MAX_IDLE_PER_SPEC = 4
LogsFor = Callable[[str, str], Any]  # (account, region) -> moto logs backend
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One invocation's answer: the payload, whether it is a function error, the log."""

    request_id: str
    payload: bytes
    error: bool
    log: str

    @property
    def log_tail(self) -> str:
        """The last 4 KB of the log, what Invoke returns with LogType=Tail."""
        return self.log.encode()[-4096:].decode(errors="ignore")


def _error_payload(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


class Runtime:
    """The server's Lambda runtime: one per server process, shared by every invoke path."""

    def __init__(self, functions_dir: Path, endpoint: str, logs_for: LogsFor) -> None:
        self.functions_dir = functions_dir
        self.endpoint = endpoint
        self.logs_for = logs_for
        self._lock = threading.Lock()
        self._idle: dict[FunctionSpec, list[WorkerProcess]] = {}
        self._busy: set[WorkerProcess] = set()
        self._current: dict[tuple[str, str], FunctionSpec] = {}
        self._launcher = Launcher(endpoint)
        self.public_cache = publiclayerbuild.default_cache()  # stand-ins for public layers

    def invoke(self, fn: Any, event: str) -> Outcome:
        """Invoke a moto LambdaFunction with a JSON event (text)."""
        spec = spec_of(fn)
        try:
            json.loads(event)
            task_root = code_dir(self.functions_dir, spec, getattr(fn, "code_bytes", b""))
            public, without = publiclayerbuild.stand_ins(spec.unheld_layers, self.public_cache)
            opt = layers.opt_dir(self.functions_dir, spec.layers,
                                 layers.moto_lookup(spec.account, spec.region), public)
        except ValueError:
            return self._refused(spec, "InvalidRequestContentException",
                                 "Could not parse request body into json")
        except EndpointError as exc:
            return self._refused(spec, "Runtime.InvalidCode", exc.message)
        if (placeholder := invoke_error(task_root, spec.runtime)) is not None:
            return self._refused(spec, "Runtime.Unsupported", placeholder)
        return self.run(spec, task_root, event, opt, without)

    def run(self, spec: FunctionSpec, task_root: Path, event: str,
            opt: Path | None = None, without: tuple[str, ...] | None = None) -> Outcome:
        """Run one invocation in a worker of `spec` (its layers in `opt`; `without`: the
        layers it runs without, else its unheld ones); log it to CloudWatch Logs."""
        try:
            worker = self._acquire(spec, task_root, opt)
        except CannotRun as exc:
            return self._refused(spec, "Runtime.Unsupported", str(exc))
        request_id = str(uuid.uuid4())
        started = time.monotonic()
        reply = self._send(worker, spec, request_id, event, started + spec.timeout)
        duration_ms = (time.monotonic() - started) * 1000
        if reply is None:
            self._release(worker, keep=False)
            message = f"Task timed out after {spec.timeout:.2f} seconds"
            reply = {"ok": False, "log": f"{_stamp()} {request_id} {message}\n",
                     "payload": _error_payload("Sandbox.Timedout",
                                               f"RequestId: {request_id} Error: {message}"
                                               ).decode()}
        else:
            self._release(worker, keep=not reply.get("exit"))
        output = reply.get("log", "")
        if worker.notice and worker.invocations == 1:
            output = f"[ws] {worker.notice}\n{output}"
        lines = logsink.invocation_lines(request_id, spec.version, output, duration_ms,
                                         spec.timeout, spec.memory)
        logsink.write(self.logs_for(spec.account, spec.region), spec.log_group,
                      worker.log_stream, lines)
        payload = (base64.b64decode(reply["payload_base64"]) if "payload_base64" in reply
                   else reply["payload"].encode())  # a streamed answer is bytes
        if not reply["ok"]:
            payload = importhint.amended(payload, spec.unheld_layers if without is None
                                         else without)
        return Outcome(request_id, payload, not reply["ok"],
                       "\n".join(lines) + "\n")

    def _send(self, worker: WorkerProcess, spec: FunctionSpec, request_id: str, event: str,
              deadline: float) -> dict[str, Any] | None:
        request = {"request_id": request_id, "event": event, "handler": spec.handler,
                   "deadline_ms": time.time() * 1000 + spec.timeout * 1000,
                   "function_name": spec.name, "version": spec.version, "arn": spec.arn,
                   "memory": spec.memory, "log_group": spec.log_group,
                   "log_stream": worker.log_stream}
        try:
            reply = worker.invoke(request, deadline)
            if reply is not None and worker.signalled():
                raise ending(-signal.SIGKILL, killed=False)
            return reply
        except WorkerDied as exc:
            if exc.signalled_parent:
                log.warning("function %s signalled its parent or its process group; only its "
                            "own worker ended (the endpoint is out of its reach)", spec.name)
            message = f"RequestId: {request_id} Error: {exc}"
            return {"ok": False, "exit": True, "log": f"{message}\n",
                    "payload": _error_payload(exc.error_type, message).decode()}

    def _refused(self, spec: FunctionSpec, error_type: str, message: str) -> Outcome:
        request_id = str(uuid.uuid4())
        line = f"{_stamp()} {request_id} {error_type}: {message}"
        logsink.write(self.logs_for(spec.account, spec.region), spec.log_group,
                      f"{time.strftime('%Y/%m/%d')}/[$LATEST]ws-refused", [line])
        return Outcome(request_id, _error_payload(error_type, message), True, line + "\n")

    def _acquire(self, spec: FunctionSpec, task_root: Path, opt: Path | None) -> WorkerProcess:
        """An idle warm worker of `spec`, or a new one; retires workers of older specs."""
        with self._lock:
            key = (spec.account, spec.arn)
            previous = self._current.get(key)
            if previous is not None and previous != spec:
                for stale in self._idle.pop(previous, []):
                    stale.kill()
            self._current[key] = spec
            idle = self._idle.get(spec, [])
            while idle:
                worker = idle.pop()
                if worker.alive:
                    self._busy.add(worker)
                    return worker
                worker.kill()
        launch = self._launcher.launch(spec, task_root)
        if launch.warning:
            log.warning("%s", launch.warning)
        worker = WorkerProcess(spec, task_root, self.endpoint, launch, opt)
        with self._lock:
            self._busy.add(worker)
        return worker

    def _release(self, worker: WorkerProcess, keep: bool) -> None:
        with self._lock:
            self._busy.discard(worker)
            current = self._current.get((worker.spec.account, worker.spec.arn))
            idle = self._idle.setdefault(worker.spec, [])
            if keep and worker.alive and current == worker.spec and len(idle) < MAX_IDLE_PER_SPEC:
                idle.append(worker)
                return
        worker.kill()

    def close(self) -> None:
        """Kill every worker, idle or busy (the server is stopping)."""
        with self._lock:
            workers = [w for pool in self._idle.values() for w in pool] + list(self._busy)
            self._idle.clear()
            self._busy.clear()
        for worker in workers:
            worker.kill()


def _stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
