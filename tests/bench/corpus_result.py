"""bench_corpus.py's record of one stack: where it stopped, what ran, what failed and why."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StackResult:
    name: str
    folder: str
    filled: dict = field(default_factory=dict)
    template: str = ""  # its path in the corpus
    stage: str = ""  # where it stopped: read, check, build, deploy ("" when deployed)
    packaged: bool = False
    deployed: bool = False
    placeholders: list = field(default_factory=list)
    destroyed: bool | None = None  # None: nothing on the endpoint to destroy
    cls: str = ""
    reason: str = ""
    type: str = ""
    failures: list = field(default_factory=list)  # functions and routes: stage, what, error
    functions: int = 0
    ran: int = 0
    routes: int = 0
    answered: int = 0
    error: str = ""
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    wired: dict = field(default_factory=dict)  # import_prefixes the adoption wrote (--project)


def fail(result: StackResult, stage: str, res: dict, error: str, runtime: str = "") -> None:
    """A function that did not run, or a route that did not answer, of a deployed stack."""
    result.notes.append(error[:150])
    result.failures.append({"stage": stage, "what": res.get("LogicalResourceId", ""),
                            "type": res.get("ResourceType", ""), "runtime": runtime,
                            "error": " ".join(error.split())})
