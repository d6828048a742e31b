"""ws's moto server (`ws.local.server`) with change-set execution made to behave like AWS.

Run: python tests/bench/asyncmoto.py --port N

moto 5.2's ExecuteChangeSet applies the resources but keeps the stack's old outputs, exports,
tags and parameters (a created stack has no outputs at all). The AWS code path deploys through
change sets and dependents consume outputs, so the benchmark needs them: after moto executes a
change set, the stack's outputs and exports are evaluated again and the change set's tags and
parameters become the stack's, as CloudFormation does. ws itself is not changed.
"""
from __future__ import annotations

import sys
from typing import Any

from moto.cloudformation.models import CloudFormationBackend

_moto_execute = CloudFormationBackend.execute_change_set


def _change_set(backend: CloudFormationBackend, name: str) -> Any:
    """The change set by ARN or by name, as moto looks it up."""
    found = backend.change_sets.get(name)
    return found or next((cs for cs in backend.change_sets.values()
                          if cs.change_set_name == name), None)


def _execute_change_set(self: CloudFormationBackend, change_set_name: str,
                        stack_name: str | None = None) -> None:
    """moto's execution, then the stack's outputs, exports, tags and parameters brought up to
    date from what the change set carried."""
    change_set = _change_set(self, change_set_name)
    _moto_execute(self, change_set_name, stack_name)
    if change_set is None:
        return
    stack = self.stacks[change_set.stack_id]
    stack._parse_template()
    for export in stack.exports:  # the stack's old exports, replaced below
        self.exports.pop(export.name, None)
    stack.output_map = stack._create_output_map()
    for export in stack.exports:
        self.exports[export.name] = export
    if change_set.tags is not None:
        stack.tags = change_set.tags
    if change_set.parameters:
        stack.parameters = change_set.parameters


def register() -> None:
    """Patch moto's CloudFormation backend (call before the server handles a request)."""
    CloudFormationBackend.execute_change_set = _execute_change_set  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    from ws.local import server  # ws's server: its providers and CloudFormation fixes
    register()
    server.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
