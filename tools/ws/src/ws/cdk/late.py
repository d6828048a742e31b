"""CDK context whose values use references (`${other.Output}`, `${ws.env}`): known only once
the environment is planned and the stacks they name have deployed. At load the app is
synthesized with the values of its last such synth (else the text as written), then again
with the values themselves, before the stack is planned or deployed."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from ws.cdk.assembly import AssemblyStack, read_assembly
from ws.cdk.synth import Synth, synthesize
from ws.errors import ConfigError
from ws.statefiles import replace_text


@dataclass(frozen=True)
class LateContext:
    """A CDK stack's context values that use references, and what resynthesizes it."""

    job: Synth  # the app's synth, with its literal context
    stack_id: str
    written: dict[str, str]  # key -> value as written in stack.yaml
    used: dict[str, str]  # key -> the value its assembly was synthesized with
    env: str | None  # the environment these values are for (where the guess is kept)
    declared: tuple[str, ...] = ()  # keys with references that are CfnParameters instead


@dataclass(frozen=True)
class Guess:
    """What the app was last synthesized with for an environment: late values (and the text
    they were written as), and the keys with references that were CfnParameters (so not
    context)."""

    values: dict[str, str]
    written: dict[str, str]
    declared: frozenset[str]

    def of(self, written: dict[str, str], skipped: set[str] | frozenset[str]) -> dict[str, str]:
        """The values to synthesize `written` with (but the `skipped` keys): the last ones
        where the text is as it was, else the text itself."""
        return {k: self.values[k] if self.written.get(k) == v and k in self.values else v
                for k, v in written.items() if k not in skipped}


def guess_of(cache: Path, env: str | None) -> Guess:
    """The values of the last synth for `env` (None: for any environment, the latest); an
    empty guess if there was none."""
    found = [_guess_file(cache, env)] if env else \
        sorted(cache.glob("context*.json"), key=lambda p: p.stat().st_mtime)[-1:]
    try:
        data = json.loads(found[0].read_text())
        return Guess(dict(data["context"]), dict(data["written"]),
                     frozenset(data["declared"]))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return Guess({}, {}, frozenset())


def keep_guess(cache: Path, env: str | None, written: dict[str, str], values: dict[str, str],
               declared: set[str] | frozenset[str] | tuple[str, ...]) -> None:
    """Remember what the app was synthesized with for `env` (the next load's guess)."""
    text = json.dumps({"context": values, "written": written, "declared": sorted(declared)},
                      sort_keys=True)
    path = _guess_file(cache, env)
    cache.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text() != text:
        replace_text(path, text)


def _guess_file(cache: Path, env: str | None) -> Path:
    return cache / (f"context-{env}.json" if env else "context.json")


def synthesized(late: LateContext, values: dict[str, str], root: Path) -> LateStack:
    """The stack synthesized with `values` (skipped when the app's files, the context and the
    target are those of its last synth)."""
    job = replace(late.job, context={**late.job.context, **values})
    assembly, _ = synthesize(job)
    keep_guess(late.job.cache, late.env, late.written, values, late.declared)
    found = [s for s in read_assembly(assembly, root, late.job.display)
             if s.stack_id == late.stack_id]
    if not found:
        raise ConfigError(f"with its context filled in, the CDK app makes no stack "
                          f"{late.stack_id!r} any more", "make the app's stacks the same "
                          "whatever its context values", path=late.job.display)
    return LateStack(found[0], replace(late, used=dict(values)))


@dataclass(frozen=True)
class LateStack:
    """A stack of the app synthesized with its context values, and those values."""

    stack: AssemblyStack
    late: LateContext
